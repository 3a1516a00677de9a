"""The verifier test suite: OVS's BPF verifier, and the kernel's, against expected verdicts.

Every program in ``tests/bpf_verifier/*.c`` opens with a YAML block in its first comment::

    /* ---
     * verdict: accepted            (or rejected)
     * reads: [[12, 14]]            (accepted: packet bytes [start, end) read; null end = unbounded)
     * writes: []                   (accepted: packet bytes written)
     * reason: "insn 5: ..."        (rejected: a substring of OVS's message)
     * merged: true                 (optional, accepted: OVS needs its merging pass)
     * kernel: accepted             (what `bpftool prog load OBJ PIN type xdp` does)
     * kernel_reason: "..."         (kernel rejected: a substring of its verifier log)
     * slow: true                   (optional: the kernel check takes long; run it with XB_SLOW=1)
     * ---

OVS's verdict comes from ``ovstest test-bpf verify OBJ`` of a variant built with the common
layer (``runtime`` by default, ``XB_VERIFIER_VARIANT`` to choose another, or ``XB_OVSTEST``
to name an ovstest binary and skip the build, e.g. in an editing tree); the kernel's from
``harness.bpf.kernel.KernelProgram``.
"""

import json
import os
import re
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness import paths
from harness.bpf.compile import CLANG, multiarch_include
from harness.errors import ExtbenchError

pytestmark = pytest.mark.integration

SUITE = paths.ROOT / "tests" / "bpf_verifier"
VARIANT = os.environ.get("XB_VERIFIER_VARIANT", "runtime")
HEADER = re.compile(r"\A/\* ---\n(?P<yaml>.*?)\n \* ---\n", re.S)
VERDICTS = ("accepted", "rejected")


@dataclass(frozen=True)
class Case:
    """One program of the suite and what is expected of it."""

    name: str
    source: Path
    expect: dict[str, Any]


def load_case(source: Path) -> Case:
    """Parse the expectations at the top of 'source'; raise ValueError if they are malformed."""
    m = HEADER.match(source.read_text())
    if not m:
        raise ValueError(f"{source.name}: no '/* ---' expectations block at the top")
    expect = yaml.safe_load("\n".join(line[3:] for line in m["yaml"].splitlines()))
    if expect.get("verdict") not in VERDICTS or expect.get("kernel") not in VERDICTS:
        raise ValueError(f"{source.name}: 'verdict' and 'kernel' must be one of {VERDICTS}")
    needed = ("reads", "writes") if expect["verdict"] == "accepted" else ("reason",)
    missing = [k for k in needed if k not in expect]
    if missing:
        raise ValueError(f"{source.name}: missing {', '.join(missing)}")
    return Case(source.stem, source, expect)


CASES = [load_case(p) for p in sorted(SUITE.glob("*.c"))]


def compile_case(case: Case, outdir: Path) -> Path:
    """Compile 'case' as the project compiles extensions (clang -mcpu=v3, BTF maps)."""
    obj = outdir / f"{case.name}.o"
    cmd = [CLANG, "-O2", "-g", "-target", "bpf", "-mcpu=v3", "-Wall", "-Werror",
           f"-I{multiarch_include()}", "-c", str(case.source), "-o", str(obj)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{case.source.name}: clang failed:\n{p.stderr}")
    return obj


@pytest.fixture(scope="session")
def objects(tmp_path_factory) -> dict[str, Path]:
    """Every program of the suite compiled, by case name (compiled in parallel)."""
    outdir = tmp_path_factory.mktemp("bpf_verifier")
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        objs = pool.map(lambda c: compile_case(c, outdir), CASES)
        return {c.name: o for c, o in zip(CASES, objs, strict=True)}


@pytest.fixture(scope="session")
def ovstest(built_variant) -> Path:
    """The ovstest binary of a variant built with the common layer (or $XB_OVSTEST)."""
    from harness.ovs.build import tree_dir

    if os.environ.get("XB_OVSTEST"):
        return Path(os.environ["XB_OVSTEST"])
    return tree_dir(built_variant(VARIANT)) / "tests" / "ovstest"


def ovs_verdict(ovstest: Path, obj: Path) -> dict[str, Any]:
    """OVS's verdict on 'obj' (ovstest test-bpf verify), checking the exit status."""
    p = subprocess.run([str(ovstest), "test-bpf", "verify", str(obj)], capture_output=True,
                       text=True, timeout=60)
    assert p.stdout.strip(), f"no output from ovstest (rc {p.returncode}): {p.stderr}"
    verdict = json.loads(p.stdout)
    assert p.returncode == (0 if verdict["accepted"] else 1), p.stderr
    return verdict


def test_suite_size():
    """At least 40 programs, of which at least 10 rejections that the kernel also rejects and
    15 programs that OVS verifies in its merging pass."""
    both_reject = [c for c in CASES
                   if c.expect["verdict"] == "rejected" and c.expect["kernel"] == "rejected"]
    accepted = [c for c in CASES if c.expect["verdict"] == "accepted"]
    merged = [c for c in accepted if c.expect.get("merged")]
    assert len(CASES) >= 40
    assert len(both_reject) >= 10
    assert len(merged) >= 15
    # Every program OVS accepts must be one the kernel accepts too.
    assert all(c.expect["kernel"] == "accepted" for c in accepted)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_ovs_verdict(case: Case, objects, ovstest):
    """OVS accepts or rejects as expected, with the expected ranges or reason."""
    verdict = ovs_verdict(ovstest, objects[case.name])
    if case.expect["verdict"] == "accepted":
        assert verdict["accepted"], verdict.get("reason")
        assert verdict["reads"] == case.expect["reads"]
        assert verdict["writes"] == case.expect["writes"]
        assert verdict["writes_packet"] == bool(case.expect["writes"])
        # The merging pass is used exactly where the case says.
        assert verdict["merged"] == bool(case.expect.get("merged")), verdict
    else:
        assert not verdict["accepted"], f"accepted: {verdict}"
        assert case.expect["reason"] in verdict["reason"]
        # The message names the instruction.
        assert re.search(r"insn \d+: ", verdict["reason"]), verdict["reason"]


@pytest.mark.root
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_kernel_verdict(case: Case, objects):
    """The Linux verifier (bpftool prog load ... type xdp) decides as the case says."""
    from harness.bpf.kernel import KernelProgram

    if case.expect.get("slow") and not os.environ.get("XB_SLOW"):
        pytest.skip("the kernel takes long on this one; set XB_SLOW=1 to run it")
    try:
        with KernelProgram(objects[case.name], name=f"vt-{case.name}"):
            accepted, log = True, ""
    except ExtbenchError as e:
        accepted, log = False, str(e)
    assert accepted == (case.expect["kernel"] == "accepted"), log
    if not accepted and "kernel_reason" in case.expect:
        assert case.expect["kernel_reason"] in log


def test_malformed_header_is_reported(tmp_path):
    """A program without a valid expectations block is an error that names the file."""
    bad = tmp_path / "bad.c"
    bad.write_text("/* ---\n * verdict: maybe\n * kernel: accepted\n * ---\n */\n")
    with pytest.raises(ValueError, match="bad.c: 'verdict'"):
        load_case(bad)
    bad.write_text("int x;\n")
    with pytest.raises(ValueError, match="bad.c: no"):
        load_case(bad)


def test_compile_failure_names_the_file():
    """A program that clang refuses fails with its name and clang's message."""
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "broken.c"
        src.write_text("/* ---\n * verdict: accepted\n * reads: []\n * writes: []\n"
                       " * kernel: accepted\n * ---\n */\nint prog( {\n")
        with pytest.raises(RuntimeError, match="broken.c: clang failed"):
            compile_case(load_case(src), Path(d))


def test_random_programs_never_leave_the_verdict(ovstest):
    """The verifier's soundness as a property: random structured programs (half of them
    verified by the merging pass from the start) that it accepts never fault when run on
    random packets with the verdict's ranges enforced (``ovstest test-bpf random``)."""
    p = subprocess.run([str(ovstest), "test-bpf", "random", "1", "100000", "10"],
                       capture_output=True, text=True, timeout=600)
    assert p.stdout.strip(), p.stderr
    result = json.loads(p.stdout)
    assert p.returncode == 0 and result["faults"] == 0, result
    assert result["runs"] >= 100_000 and result["accepted_merging"] >= 1000, result
    # Verifying any of them stays far below the 1 s budget.
    assert result["max_verify_ms"] < 1000, result
