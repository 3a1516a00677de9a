"""Compiling extensions: every role builds clean, and the OVS runtime's limits are enforced."""

import shutil
import subprocess
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from harness.bpf import compile as bpf_compile
from harness.bpf import metadata
from harness.errors import ExtbenchError

pytestmark = pytest.mark.skipif(shutil.which("clang") is None, reason="needs clang (make setup)")


def test_every_extension_builds_for_every_role_of_its_kind(tmp_path):
    for ext in metadata.load_all():
        for role in ext.roles:
            obj = bpf_compile.compile_extension(ext.name, role, tmp_path / f"{ext.name}.{role}.o")
            assert bpf_compile.check_object(obj) == []
    assert not list(tmp_path.glob(".*")), "temporary files left behind"


def test_action_and_filter_objects_differ_only_in_the_verdict(tmp_path):
    """noop returns XDP_PASS (2) as an action and 1 (match) as a filter."""
    action = bpf_compile.compile_extension("noop", "action", tmp_path / "a.o")
    filt = bpf_compile.compile_extension("noop", "filter", tmp_path / "f.o")
    assert action.read_bytes() != filt.read_bytes()


def test_a_writer_cannot_be_built_as_a_filter(tmp_path):
    with pytest.raises(ExtbenchError, match="kind 'action': role 'filter' is not built"):
        bpf_compile.compile_extension("ttl_dec", "filter", tmp_path / "x.o")
    # Even by hand, the header refuses it.
    src = metadata.load("ttl_dec").source
    p = subprocess.run(["clang", *bpf_compile.cflags("filter"), "-c", str(src), "-o",
                        str(tmp_path / "x.o")], capture_output=True, text=True)
    assert p.returncode != 0 and "cannot be built as a filter" in p.stderr
    assert not (tmp_path / "x.o").exists()


PROLOGUE = """#include "xb_ext.h"
struct pair { __u64 a, b; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __type(key, __u32); __type(value, struct pair);
         __uint(max_entries, 4); } m SEC(".maps");
"""


def _obj(tmp_path: Path, body: str) -> Path:
    src, obj = tmp_path / "t.c", tmp_path / "t.o"
    src.write_text(PROLOGUE + body)
    flags = [f for f in bpf_compile.cflags("action") if f != "-Werror"]
    p = subprocess.run(["clang", *flags, "-c", str(src), "-o", str(obj)], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    return obj


LOOP_AND_CALL = Path(__file__).parents[1] / "data" / "loop_call_ext.c"
"""A bounded loop that calls a static function: what the runtime verifies as the kernel does."""


def test_objects_the_ovs_runtime_cannot_load_are_rejected(tmp_path):
    problems = bpf_compile.check_object(
        _obj(tmp_path, """SEC("xdp") int t(struct xdp_md *c) { return bpf_redirect(1, 0); }"""))
    assert any("helper 23 is not provided" in p for p in problems), problems
    # A helper called from a function in .text is checked too.
    problems = bpf_compile.check_object(_obj(tmp_path, """
        static __attribute__((noinline)) int f(int x) { return bpf_redirect(x, 0); }
        SEC("xdp") int t(struct xdp_md *c) { return f(c->ingress_ifindex); }"""))
    assert any(p.startswith(".text insn") and "helper 23" in p for p in problems), problems
    problems = bpf_compile.check_object(_obj(tmp_path, """
        SEC("tc") int u(struct xdp_md *c) { return 0; }
        SEC("xdp") int t(struct xdp_md *c) { return 2; }"""))
    assert any("section tc: code outside 'xdp' and '.text'" in p for p in problems), problems


def test_bounded_loops_and_bpf_to_bpf_calls_are_accepted(tmp_path):
    """The runtime's verifier takes them (tests/integration/test_extension_loops_calls.py
    loads the object); the compile check no longer refuses them."""
    obj = _obj(tmp_path, LOOP_AND_CALL.read_text())
    assert bpf_compile.check_object(obj) == []
    with open(obj, "rb") as f:
        elf = ELFFile(f)
        text = elf.get_section_by_name(".text")
        assert text is not None and text.data_size, "clang inlined the function"
        code = elf.get_section_by_name("xdp").data()
    # The loop is there: a jump backwards (clang did not unroll it).
    offs = [int.from_bytes(code[i + 2:i + 4], "little", signed=True)
            for i in range(0, len(code), 8) if code[i] & 0x07 in (0x05, 0x06)]
    assert any(o < 0 for o in offs), "no backward jump: the loop was unrolled"


def test_global_data_and_the_new_helpers_are_accepted(tmp_path):
    """.rodata (a nonzero struct initialiser), .data, and helpers such as
    bpf_get_smp_processor_id and bpf_csum_diff load in the OVS runtime."""
    obj = _obj(tmp_path, """int g = 7;
        SEC("xdp") int t(struct xdp_md *c) { __u32 k = 0; struct pair v = {1, 2};
        bpf_map_update_elem(&m, &k, &v, 0);
        return g + bpf_get_smp_processor_id() + bpf_csum_diff(0, 0, 0, 0, 0); }""")
    assert bpf_compile.check_object(obj) == []


def test_bad_input_gives_one_clear_error(tmp_path):
    with pytest.raises(ExtbenchError, match="unknown extension 'nope'"):
        bpf_compile.compile_extension("nope", "action", tmp_path / "x.o")
    not_elf = tmp_path / "x.o"
    not_elf.write_text("hello")
    assert bpf_compile.check_object(not_elf)[0].startswith("not a readable ELF object")
    assert bpf_compile.main(["nope", "action", "-o", str(tmp_path / "y.o")]) == 2
