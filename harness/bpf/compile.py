"""Compile extensions into BPF objects and check them against what the OVS runtime accepts.

``build/extensions/<name>.<role>.o`` comes from ``extensions/<name>.c``, built once per role
its metadata's kind allows (``-DEXT_ROLE_FILTER`` for the filter role). After clang, the
object is checked for what the kernel would accept but the OVS runtime does not: code
outside the program's section and ``.text``, more than one program, helpers outside the
allowed list. Bounded loops and bpf-to-bpf calls (functions in ``.text``) are left to the
runtime's verifier, which verifies them as the kernel does: whether a loop ends is its
question, not this module's.
The object is written atomically. ``workflow/rules/extensions.smk`` runs this module per object::

    python -m harness.bpf.compile NAME ROLE [-o OUT]
    python -m harness.bpf.compile --all
"""

import argparse
import os
import struct
import sys
import tempfile
from functools import cache
from pathlib import Path

from elftools.common.exceptions import ELFError
from elftools.elf.constants import SH_FLAGS
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

from harness import paths
from harness.bpf import metadata
from harness.errors import ExtbenchError
from harness.proc import run, run_checked

CLANG = "clang"
PROG_SECTION = "xdp"
FUNC_SECTION = ".text"
"""Where clang puts the functions a program calls (``static __noinline``), as libbpf expects."""
ALLOWED_HELPERS = {1: "map_lookup_elem", 2: "map_update_elem", 3: "map_delete_elem",
                   5: "ktime_get_ns", 6: "trace_printk", 7: "get_prandom_u32",
                   8: "get_smp_processor_id", 28: "csum_diff", 44: "xdp_adjust_head",
                   65: "xdp_adjust_tail", 125: "ktime_get_boot_ns"}
"""Helpers the OVS runtime provides, by Linux helper number."""

_BPF_JMP, _BPF_JMP32, _BPF_CALL = 0x05, 0x06, 0x80
_BPF_LD_IMM64 = 0x18
_PSEUDO_CALL = 1


@cache
def multiarch_include() -> Path:
    """/usr/include/<multiarch>, where asm/types.h lives."""
    return Path("/usr/include") / run_checked(["gcc", "-print-multiarch"]).strip()


def cflags(role: str) -> list[str]:
    """clang flags for an extension built for 'role' (action or filter)."""
    flags = ["-O2", "-g", "-target", "bpf", "-mcpu=v3", "-Wall", "-Werror",
             f"-I{multiarch_include()}", f"-I{paths.EXTENSIONS / 'include'}"]
    return flags + (["-DEXT_ROLE_FILTER"] if role == "filter" else [])


def object_path(name: str, role: str) -> Path:
    """Where the object of extension 'name' built for 'role' goes."""
    return paths.BUILD / "extensions" / f"{name}.{role}.o"


def check_object(obj: Path) -> list[str]:
    """Problems of 'obj' for the OVS runtime (empty if none)."""
    try:
        with open(obj, "rb") as f:
            elf = ELFFile(f)
            problems = _check_sections(elf)
            prog = elf.get_section_by_name(PROG_SECTION)
            if prog is None:
                return problems + [f"no '{PROG_SECTION}' section (SEC(\"xdp\") program)"]
            problems += _check_symbols(elf) + _check_insns(prog.data())
            funcs = elf.get_section_by_name(FUNC_SECTION)
            if funcs is not None and funcs.data_size:
                problems += _check_insns(funcs.data(), FUNC_SECTION)
            return problems
    except (OSError, ELFError) as e:
        return [f"not a readable ELF object: {e}"]


def _check_sections(elf: ELFFile) -> list[str]:
    problems = []
    for sec in elf.iter_sections():
        if (sec["sh_flags"] & SH_FLAGS.SHF_EXECINSTR
                and sec.name not in (PROG_SECTION, FUNC_SECTION) and sec.data_size):
            problems.append(f"section {sec.name}: code outside '{PROG_SECTION}' and "
                            f"'{FUNC_SECTION}' (one program per extension; the functions it "
                            f"calls go to '{FUNC_SECTION}' without SEC())")
    return problems


def _check_symbols(elf: ELFFile) -> list[str]:
    symtab = elf.get_section_by_name(".symtab")
    if not isinstance(symtab, SymbolTableSection):
        return ["no symbol table"]
    prog_index = elf.get_section_index(PROG_SECTION)
    funcs = [s.name for s in symtab.iter_symbols()
             if s["st_info"]["type"] == "STT_FUNC" and s["st_shndx"] == prog_index]
    if len(funcs) != 1:
        return [f"section '{PROG_SECTION}' must hold exactly one program, not {funcs}"]
    return []


def _check_insns(code: bytes, section: str = PROG_SECTION) -> list[str]:
    """Problems of the instructions 'code' of 'section': helpers the runtime does not provide."""
    problems = []
    pc, n = 0, len(code) // 8
    while pc < n:
        op, regs, _, imm = struct.unpack_from("<BBhi", code, pc * 8)
        cls, src, jop = op & 0x07, regs >> 4, op & 0xf0
        if (cls in (_BPF_JMP, _BPF_JMP32) and jop == _BPF_CALL and src != _PSEUDO_CALL
                and imm not in ALLOWED_HELPERS):
            problems.append(f"{section} insn {pc}: helper {imm} is not provided by the OVS "
                            f"runtime (allowed: {sorted(ALLOWED_HELPERS)})")
        pc += 2 if op == _BPF_LD_IMM64 else 1
    return problems


def compile_extension(name: str, role: str, out: Path | None = None) -> Path:
    """Compile extension 'name' for 'role' into 'out' (default: object_path); return it."""
    ext = metadata.load(name)
    if role not in ext.roles:
        raise ExtbenchError(f"extension '{name}' is of kind '{ext.kind}': role '{role}' is not "
                            f"built (roles: {', '.join(ext.roles)})")
    out = Path(out) if out else object_path(name, role)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _, err, rc = run([CLANG, *cflags(role), "-c", str(ext.source), "-o", str(tmp)])
        if rc != 0:
            raise ExtbenchError(f"{ext.source}: clang failed:\n{err.strip()}")
        problems = check_object(tmp)
        if problems:
            raise ExtbenchError(f"{ext.source} ({role}): not loadable by the OVS runtime:\n"
                                + "\n".join(problems))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def compile_all() -> list[Path]:
    """Compile every extension for every role of its kind; return the objects."""
    return [compile_extension(ext.name, role)
            for ext in metadata.load_all() for role in ext.roles]


def main(argv: list[str] | None = None) -> int:
    """Command line: compile one extension for one role, or all of them."""
    p = argparse.ArgumentParser(prog="python -m harness.bpf.compile", description=__doc__)
    p.add_argument("name", nargs="?", help="extension (extensions/<name>.c)")
    p.add_argument("role", nargs="?", choices=["action", "filter"])
    p.add_argument("-o", "--output", type=Path, help="object path (default build/extensions/)")
    p.add_argument("--all", action="store_true", help="every extension, every role")
    args = p.parse_args(argv)
    try:
        if args.all:
            objs = compile_all()
        elif args.name and args.role:
            objs = [compile_extension(args.name, args.role, args.output)]
        else:
            p.error("give NAME ROLE, or --all")
    except ExtbenchError as e:
        print(f"compile: {e}", file=sys.stderr)
        return e.exit_status
    for obj in objs:
        print(obj)
    return 0


if __name__ == "__main__":
    sys.exit(main())
