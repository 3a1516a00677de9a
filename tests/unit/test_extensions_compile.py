"""Compiling extensions: every role builds clean, and the OVS runtime's limits are enforced."""

import shutil
import subprocess
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("body, problem", [
    ("""static __attribute__((noinline)) int f(int x) { return x * 3 + 1; }
        SEC("xdp") int t(struct xdp_md *c) { return f(c->ingress_ifindex); }""",
     "bpf-to-bpf call"),
    ("""SEC("xdp") int t(struct xdp_md *c) { __u64 s = 0;
        for (__u32 i = 0; i < c->ingress_ifindex; i++) { s += i * 7; }
        return s; }""", "loop"),
    ("""SEC("xdp") int t(struct xdp_md *c) { return bpf_redirect(1, 0); }""",
     "helper 23 is not provided"),
])
def test_objects_the_ovs_runtime_cannot_load_are_rejected(tmp_path, body, problem):
    problems = bpf_compile.check_object(_obj(tmp_path, body))
    assert any(problem in p for p in problems), problems


def test_global_data_and_the_new_helpers_are_accepted(tmp_path):
    """.rodata (a nonzero struct initialiser), .data, and helpers such as
    bpf_get_smp_processor_id and bpf_csum_diff load in the OVS runtime."""
    obj = _obj(tmp_path, """int g = 7;
        SEC("xdp") int t(struct xdp_md *c) { __u32 k = 0; struct pair v = {1, 2};
        bpf_map_update_elem(&m, &k, &v, 0);
        return g + bpf_get_smp_processor_id() + bpf_csum_diff(0, 0, 0, 0, 0); }""")
    assert bpf_compile.check_object(obj) == []


def test_shared_exit_blocks_are_not_mistaken_for_loops():
    """clang jumps backwards to a common return block; that is no cycle."""
    jump_fwd = bytes([0x05, 0, 0x02, 0, 0, 0, 0, 0])              # 0: goto +2 (to 3)
    ret = bytes([0xb7, 0, 0, 0, 2, 0, 0, 0]) + bytes([0x95, 0, 0, 0, 0, 0, 0, 0])  # 1, 2
    ja_back = bytes([0x05, 0, 0xfd, 0xff, 0, 0, 0, 0])            # 3: goto -3 (to 1)
    code = jump_fwd + ret + ja_back
    assert bpf_compile._check_insns(code) == []
    loop = bytes([0x05, 0, 0xff, 0xff, 0, 0, 0, 0])                # goto -1: itself
    assert any("loop" in p for p in bpf_compile._check_insns(loop))


def test_bad_input_gives_one_clear_error(tmp_path):
    with pytest.raises(ExtbenchError, match="unknown extension 'nope'"):
        bpf_compile.compile_extension("nope", "action", tmp_path / "x.o")
    not_elf = tmp_path / "x.o"
    not_elf.write_text("hello")
    assert bpf_compile.check_object(not_elf)[0].startswith("not a readable ELF object")
    assert bpf_compile.main(["nope", "action", "-o", str(tmp_path / "y.o")]) == 2
