"""KernelProgram, the API other tests and benchmarks use: load, run, time, maps, cleanup."""

import os
import struct
import subprocess

import pytest

from harness.bpf import compile as bpf_compile
from harness.bpf import packets
from harness.bpf.kernel import BPFFS, KernelProgram, stale_pins
from harness.errors import ExtbenchError

pytestmark = [pytest.mark.integration, pytest.mark.root]


def our_pins() -> list[str]:
    """Pins of this process under /sys/fs/bpf."""
    return sorted(p.name for p in BPFFS.glob(f"xb-*-{os.getpid()}-*"))


@pytest.fixture(scope="module")
def flow_counter(tmp_path_factory):
    out = tmp_path_factory.mktemp("kp") / "flow_counter.action.o"
    return bpf_compile.compile_extension("flow_counter", "action", out)


def test_run_returns_the_verdict_and_the_bytes_and_pins_are_removed(flow_counter):
    pkt = packets.packet_bytes({"proto": "udp"})
    with KernelProgram(flow_counter) as kp:
        assert kp.pin.exists() and (kp.map_dir / "flows").exists()
        assert kp.run(pkt) == (2, pkt)
        assert our_pins()
    assert our_pins() == []


def test_pins_are_removed_when_the_body_raises(flow_counter):
    with pytest.raises(RuntimeError):
        with KernelProgram(flow_counter):
            raise RuntimeError("boom")
    assert our_pins() == []


def test_maps_persist_across_runs_and_can_be_read_and_written(flow_counter):
    pkt = packets.packet_bytes({"proto": "udp", "sport": 7})
    key = bytes([10, 0, 0, 1, 10, 0, 0, 2]) + struct.pack(">HHB3x", 7, 5001, 17)
    with KernelProgram(flow_counter) as kp:
        kp.run(pkt, repeat=5)
        assert kp.dump_map("flows") == [(key, struct.pack("<QQ", 5, 300))]
        kp.update_map("flows", key, struct.pack("<QQ", 100, 0))
        kp.run(pkt)
        assert kp.dump_map("flows") == [(key, struct.pack("<QQ", 101, 60))]
        with pytest.raises(ExtbenchError, match=r"no map 'nope' \(maps: flows\)"):
            kp.dump_map("nope")


def test_run_timed_measures_a_positive_duration(flow_counter):
    with KernelProgram(flow_counter) as kp:
        assert kp.run_timed(packets.packet_bytes({"proto": "udp"}), 1000) > 0


def test_bad_runs_fail_clearly(flow_counter, tmp_path):
    with KernelProgram(flow_counter) as kp:
        with pytest.raises(ExtbenchError, match="BPF_PROG_TEST_RUN of 10 bytes failed"):
            kp.run(b"\x00" * 10)      # Shorter than an Ethernet header: the kernel refuses.
        with pytest.raises(ExtbenchError, match="repeat must be at least 1"):
            kp.run(b"\x00" * 60, repeat=0)
    with pytest.raises(ExtbenchError, match="no such BPF object"):
        KernelProgram(tmp_path / "missing.o").load()


def test_a_program_the_verifier_rejects_reports_its_log(tmp_path):
    src, obj = tmp_path / "bad.c", tmp_path / "bad.o"
    # Reads the packet without comparing against data_end first.
    src.write_text('#include "xb_ext.h"\nSEC("xdp") int bad(struct xdp_md *c)\n'
                   "{ return *(__u8 *) ext_data(c) ? XDP_PASS : XDP_DROP; }\n")
    subprocess.run(["clang", *bpf_compile.cflags("action"), "-c", str(src), "-o", str(obj)],
                   check=True)
    with pytest.raises(ExtbenchError) as e:
        KernelProgram(obj).load()
    assert "the kernel refused to load it" in str(e.value)
    assert "invalid access to packet" in str(e.value)
    assert our_pins() == []


def test_stale_pins_are_those_of_dead_processes(tmp_path):
    obj = bpf_compile.compile_extension("noop", "action", tmp_path / "noop.o")
    dead = BPFFS / "xb-maps-test-999999999-0"      # Beyond pid_max: never a live process.
    dead.mkdir()
    try:
        with KernelProgram(obj) as kp:
            stale = stale_pins()
            assert dead in stale and kp.pin not in stale
    finally:
        dead.rmdir()
