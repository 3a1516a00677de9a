"""The XDP corpus (tests/xdp_corpus/): each program in the Linux kernel and in OVS's runtime.

Issue 15's proof. Every program of ``corpus.PROGRAMS`` is compiled as public XDP code is
(clang -O2 -g -target bpf -mcpu=v3, libbpf's headers), loaded into the kernel as XDP
(bpftool; BPF_PROG_TEST_RUN) and into ``ovstest test-bpf serve`` of the ``runtime``
variant in each JIT mode (the interpreter, the JIT, the JIT with every check), and run on
the same packets in the same order (``corpus.packets()``: VLAN and QinQ, IPv6 extension
headers, tunnels, TCP/UDP/ICMP, frames cut short in every header). Return values, the
packet bytes and length left behind, and every map afterwards must be equal; maps are
compared by the runtime's names (global data by section: ``.data``, ``.bss``; the kernel's
frozen ``.rodata`` cannot be read back), per-CPU values summed over CPUs as the runtime sums
its threads' (``kernel.percpu_sum``), but for what a program declares varying (times; slots
chosen by the CPU number, summed). Program arrays hold program ids in the kernel and are
not compared.

The kernel must accept every program: the corpus is written to load there. A program that
needs a runtime feature of issue 15 that OVS lacks (``corpus.MISSING``) is marked
``xfail(strict=True)``, and the failure expected is precisely OVS's refusal of one of
those features (``MissingFeature``, matched on the refusal's message): any other failure
fails, and so does a program that loads and matches (take its features out of
``corpus.MISSING`` then).
"""

import importlib.util
import re
import struct
import sys
from pathlib import Path

import pytest
from elftools.elf.constants import SH_FLAGS
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

from harness import paths
from harness.bpf.compile import CLANG, multiarch_include
from harness.bpf.kernel import OBJECT_ID_MAP_TYPES, KernelProgram
from harness.bpf.ovs import JIT_MODES, OvstestProgram, ovstest_verify
from harness.errors import ExtbenchError
from harness.proc import run_checked

pytestmark = [pytest.mark.integration, pytest.mark.root]

CORPUS = paths.ROOT / "tests" / "xdp_corpus"


def _load_corpus():
    spec = importlib.util.spec_from_file_location("xdp_corpus", CORPUS / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()

class MissingFeature(Exception):
    """OVS refused a program for a feature of issue 15 that the program needs."""


def cflags() -> list[str]:
    """clang flags of the corpus: those of public XDP code, plus the corpus's header."""
    return ["-O2", "-g", "-target", "bpf", "-mcpu=v3", "-Wall", "-Werror",
            f"-I{multiarch_include()}", f"-I{CORPUS / 'include'}"]


def programs_of(obj: Path) -> list[str]:
    """The programs of an object: global functions in executable sections but .text."""
    with open(obj, "rb") as f:
        elf = ELFFile(f)
        code = {i for i, s in enumerate(elf.iter_sections())
                if s["sh_flags"] & SH_FLAGS.SHF_EXECINSTR and s.name != ".text"}
        symtab = elf.get_section_by_name(".symtab")
        assert isinstance(symtab, SymbolTableSection)
        return sorted(s.name for s in symtab.iter_symbols()
                      if s["st_info"]["type"] == "STT_FUNC"
                      and s["st_info"]["bind"] == "STB_GLOBAL" and s["st_shndx"] in code)


@pytest.fixture(scope="module")
def runtime(built_variant):
    """The runtime variant, built (its tree holds ovstest)."""
    return built_variant("runtime")


@pytest.fixture(scope="module")
def objects(tmp_path_factory) -> dict[str, Path]:
    """Every source of the corpus compiled, by source name."""
    out = tmp_path_factory.mktemp("xdp-corpus")
    objs = {}
    for source in sorted({p.source for p in corpus.PROGRAMS}):
        obj = out / source.replace(".c", ".o")
        run_checked([CLANG, *cflags(), "-c", str(CORPUS / source), "-o", str(obj)])
        objs[source] = obj
    return objs


@pytest.fixture(scope="module")
def pkts() -> list[bytes]:
    """The corpus's packet set."""
    return corpus.packets()


def _sum_words(values: list[bytes]) -> bytes:
    """The sum of equally long values as 64-bit little-endian words (mod 2^64)."""
    size = len(values[0])
    if size % 8:
        raise ExtbenchError(f"values of {size} bytes cannot be summed as 64-bit words")
    n = size // 8
    sums = [0] * n
    for v in values:
        for i, w in enumerate(struct.unpack(f"<{n}Q", v)):
            sums[i] = (sums[i] + w) & 0xffffffffffffffff
    return struct.pack(f"<{n}Q", *sums)


def _mask(value: bytes, ranges: tuple[tuple[int, int], ...]) -> bytes:
    out = bytearray(value)
    for start, end in ranges:
        out[start:end] = bytes(end - start)
    return bytes(out)


def _normalise(prog, name: str, entries: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Entries as compared: masked ranges cleared, summed slots summed."""
    if name in prog.slots_summed:
        return [(b"", _sum_words([v for _, v in entries]))] if entries else []
    ranges = prog.masked.get(name, ())
    return sorted((k, _mask(v, ranges)) for k, v in entries)


def kernel_maps(kp: KernelProgram, prog) -> dict[str, list[tuple[bytes, bytes]]]:
    """The kernel's maps after the runs, by the OVS runtime's names, as compared."""
    return {name: _normalise(prog, name, kp.dump_map(name))
            for name, info in kp.maps().items() if info["type"] not in OBJECT_ID_MAP_TYPES}


def missing(prog) -> list[str]:
    """The features 'prog' needs that the runtime lacks (corpus.MISSING)."""
    return [n for n in prog.needs if n in corpus.MISSING]


def refusal(prog, error: ExtbenchError) -> Exception:
    """What OVS's refusal of 'prog' means: MissingFeature if it is the refusal of a
    feature that 'prog' needs and the runtime lacks, else the error itself."""
    for need in missing(prog):
        if re.search(corpus.FEATURES[need].pattern, str(error)):
            return MissingFeature(f"{need}: {error}")
    return error


def _params():
    for prog in corpus.PROGRAMS:
        marks = []
        if missing(prog):
            feats = [corpus.FEATURES[n] for n in missing(prog)]
            points = sorted({f.point for f in feats})
            reason = (f"needs {', '.join(f.what for f in feats)} (issue 15 point"
                      f"{'s' if len(points) > 1 else ''} {', '.join(map(str, points))})")
            marks.append(pytest.mark.xfail(strict=True, raises=MissingFeature, reason=reason))
        yield pytest.param(prog, id=prog.id, marks=marks)


@pytest.mark.parametrize("prog", list(_params()))
def test_program_matches_the_kernel(runtime, objects, pkts, prog):
    obj = objects[prog.source]
    names = programs_of(obj)
    assert prog.name in names, names
    program = prog.name if len(names) > 1 else None
    with KernelProgram(obj, program=program) as kp:
        want = [kp.run(pkt) for pkt in pkts]
        want_maps = kernel_maps(kp, prog)

    if program:
        # A runtime that loads one program per object refuses the object as a whole.
        verdict = ovstest_verify(obj, runtime)
        if not verdict.accepted:
            error = refusal(prog, ExtbenchError(verdict.reason))
            if isinstance(error, MissingFeature):
                raise error

    problems = []
    for mode in JIT_MODES:
        with OvstestProgram(obj, variant=runtime, jit=mode, program=program) as op:
            try:
                jitted = op.set_jit(mode)
            except ExtbenchError as e:
                raise refusal(prog, e) from e
            if mode != "false" and not jitted:
                problems.append(f"jit={mode}: not JIT-compiled")
            for i, pkt in enumerate(pkts):
                k_ret, k_out = want[i]
                o_ret, o_out = op.run(pkt)
                if (k_ret, k_out) != (o_ret, o_out):
                    differ = [j for j in range(max(len(k_out), len(o_out)))
                              if k_out[j:j + 1] != o_out[j:j + 1]]
                    problems.append(
                        f"jit={mode} packet {i} ({len(pkt)} bytes): kernel returned {k_ret} "
                        f"and left {len(k_out)} bytes, OVS {o_ret} and {len(o_out)} bytes; "
                        f"bytes differ at {differ[:12]}")
            for name, entries in want_maps.items():
                got = _normalise(prog, name, op.dump_map(name))
                if got != entries:
                    problems.append(f"jit={mode}: map {name} differs: kernel "
                                    f"{[(k.hex(), v.hex()) for k, v in entries][:4]}, OVS "
                                    f"{[(k.hex(), v.hex()) for k, v in got][:4]}")
    assert problems == []


def test_the_corpus_is_as_documented():
    """Every source is in PROGRAMS and README.md, with at least 20 programs."""
    sources = sorted(p.name for p in CORPUS.glob("*.c"))
    assert sources == sorted({p.source for p in corpus.PROGRAMS})
    readme = (CORPUS / "README.md").read_text()
    assert [p.id for p in corpus.PROGRAMS if f"`{p.name}`" not in readme] == []
    assert len(corpus.PROGRAMS) >= 20
    assert all(n in corpus.FEATURES for p in corpus.PROGRAMS for n in p.needs)
    assert corpus.MISSING <= {n for p in corpus.PROGRAMS for n in p.needs}
