"""An extension with a bounded loop and a bpf-to-bpf call: it passes the compile check, the
OVS runtime (``ovstest test-bpf``) and the kernel load it, and both give the same results."""

import os
import subprocess
from pathlib import Path

import pytest

from harness.bpf import compile as bpf_compile
from harness.bpf.ovs import OvstestProgram, ovstest_verify

pytestmark = [pytest.mark.integration]

SOURCE = Path(__file__).parents[1] / "data" / "loop_call_ext.c"
PACKETS = [bytes(range(16)), bytes([1] + [0] * 15), bytes(range(100, 164)), bytes(14)]
"""Even and odd sums, a longer packet, and one too short for the loop (passed)."""


@pytest.fixture(scope="module")
def obj(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("loop_call") / "loop_call.o"
    subprocess.run(["clang", *bpf_compile.cflags("action"), "-c", str(SOURCE), "-o", str(out)],
                   check=True)
    assert bpf_compile.check_object(out) == []
    return out


def test_the_runtime_loads_it_with_exact_ranges(built_variant, obj):
    built_variant("runtime")
    verdict = ovstest_verify(obj)
    assert verdict.accepted, verdict.reason
    assert [(r.start, r.end) for r in verdict.reads] == [(0, 16)]
    assert not verdict.writes and not verdict.changes_length


def _expected(pkt: bytes) -> int:
    if len(pkt) < 16:
        return 2
    return 1 if sum(b * 3 + 1 for b in pkt[:16]) & 1 else 2


@pytest.mark.root
@pytest.mark.skipif(os.geteuid() != 0, reason="the kernel's loader needs root")
def test_the_runtime_and_the_kernel_agree(built_variant, obj):
    from harness.bpf.kernel import KernelProgram

    built_variant("runtime")
    with KernelProgram(obj) as kp, OvstestProgram(obj) as op:
        for pkt in PACKETS:
            kret, kout = kp.run(pkt)
            oret, oout = op.run(pkt)
            assert (oret, oout) == (kret, kout) == (_expected(pkt), pkt)
