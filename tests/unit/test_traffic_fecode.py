"""The dpdk engine's run-time field engine, on the Python side: which streams it makes as it
sends, how their programs are written for engine.c, and what ``extbench profile`` says each
engine can send. (That engine.c makes the Python field engine's packets byte for byte:
tests/integration/test_dpdk_fieldengine.py.)"""

import os
import struct
from pathlib import Path

import pytest

from harness.cli import main
from harness.errors import ExtbenchError
from harness.traffic import dpdk, fecode, fieldengine
from harness.traffic.check import check_file
from harness.traffic.profile import compile_streams

PROFILES = Path(__file__).parent.parent.parent / "profiles"
FIXTURES = Path(__file__).parent / "fixtures" / "profiles"
SRC8 = str(PROFILES / "udp_src8.py")
MAC_A, MAC_B = "02:00:00:00:00:01", "02:00:00:00:00:02"


def test_a_slash_8_sweep_is_refused_by_local_and_sent_by_dpdk_at_run_time():
    report = check_file(Path(SRC8), {"op": "inc"})
    (row,) = report["streams"]
    assert row["field_engine"]["period"] == (1 << 24) - 1
    local, dpdk_ = row["engines"]["local"], row["engines"]["dpdk"]
    assert not local["ok"] and "repeats after 16777215 packets" in local["reason"]
    assert "at most 1048576 distinct packets" in local["reason"]
    assert dpdk_ == {"ok": True, "reason": None, "sends": "run time"}
    assert report["engines"]["dpdk"]["ok"] and not report["engines"]["local"]["ok"]
    assert report["engines"]["dpdk"]["distinct_packets_per_stream"] is None
    assert report["engines"]["local"]["distinct_packets_per_stream"] == 1_048_576


def test_random_slash_8_local_replays_a_window_dpdk_keeps_drawing():
    report = check_file(Path(SRC8))
    (row,) = report["streams"]
    assert row["field_engine"]["random"] and row["field_engine"]["period"] is None
    assert row["engines"]["local"]["sends"] == "precomputed"
    assert row["engines"]["dpdk"]["sends"] == "run time"


def test_profile_command_says_what_each_engine_can_send(capsys):
    assert main(["profile", SRC8, "-t", "op=inc"]) == 1
    out = capsys.readouterr().out
    assert "dpdk: can send (run time)" in out and "local: no: " in out
    assert "dpdk engine: can send every stream; distinct packets unlimited" in out
    assert "local engine: refuses streams [0]; at most 1,048,576 distinct packets" in out
    assert main(["profile", SRC8, "--engine", "dpdk", "-t", "op=inc"]) == 0


def _random_stream(hi: int):
    import base64

    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether

    from harness.traffic.profile import CompiledStream
    pkt = bytes(Ether() / IP() / UDP() / (20 * b"x"))
    ins = [{"type": "flow_var", "name": "r", "size": 2, "op": "random", "min_value": 0,
            "max_value": hi, "step": 1, "init_value": 0, "next_var": None},
           {"type": "write_flow_var", "name": "r", "pkt_offset": 34, "add_value": 0,
            "is_big_endian": True}]
    return CompiledStream.from_json(0, {
        "packet": {"binary": base64.b64encode(pkt).decode()}, "vm": {"instructions": ins},
        "mode": {"type": "continuous", "rate": {"type": "pps", "value": 10}}})


def test_random_streams_run_at_run_time_only_if_a_window_would_cut_their_values():
    # A window of 4096 draws holds every one of 256 values; not one of 65,536.
    assert not dpdk.made_at_run_time(_random_stream(255))
    assert dpdk.made_at_run_time(_random_stream(0xFFFF))
    assert not dpdk.made_at_run_time(_random_stream(0xFFFF), precompute_up_to=None)


def test_small_periods_stay_precomputed():
    (s,) = compile_streams("udp_flows", {"flows": "1000"})
    assert not dpdk.made_at_run_time(s)
    assert dpdk.made_at_run_time(s, precompute_up_to=999)
    packets, programs = dpdk.loop_packets([s], MAC_A, MAC_B)
    assert programs == [] and len(packets) == 1000
    assert all(isinstance(p, bytes) for _, p in packets)
    assert dpdk.warmup_count(packets, [s]) == 1000


def test_streams_made_at_run_time_take_one_slot_each_and_warm_up_a_period():
    # fw_mix: three streams at equal rates, each over the same 1000 flows; forced to run
    # time, the loop is one slot per stream and a warm-up makes each stream's period.
    ss = compile_streams("fw_mix", {"flows": "1000"})
    packets, programs = dpdk.loop_packets(ss, MAC_A, MAC_B, precompute_up_to=0)
    assert len(programs) == 3
    assert sorted((k, p.program) for k, p in packets) == [(0, 0), (1, 1), (2, 2)]
    assert dpdk.warmup_count(packets, ss) == 3000
    # Precomputed, the same profile loops over 3 × 1000 packets.
    packets, programs = dpdk.loop_packets(ss, MAC_A, MAC_B)
    assert programs == [] and len(packets) == 3000


def test_program_file_layout():
    (s,) = compile_streams("udp_src8", {"op": "inc"}, directory=PROFILES)
    packets, programs = dpdk.loop_packets([s], MAC_A, MAC_B)
    assert packets == [(0, fecode.Run(0, packets[0][1].template))]
    path = dpdk.packet_file(packets, programs=programs)
    try:
        data = Path(path).read_bytes()
    finally:
        Path(path).unlink()
    assert data[:8] == b"XBFE" + struct.pack("<I", 1)
    tlen, n_vars, n_ops, n_hw, trim = struct.unpack_from("<HHHHh", data, 8)
    assert (tlen, n_vars, n_ops, n_hw, trim) == (60, 1, 3, 0, -1)  # define, write, ipv4.
    body = 8 + len(programs[0])
    assert data[body:] == b"XBPK" + struct.pack("<IHHH", 1, 0, 0, 0)
    mine = f"xb-dpdk-{os.getpid()}-packets-*"
    before = set(Path("/tmp").glob(mine))
    with pytest.raises(ExtbenchError, match="program 3 of 1"):
        dpdk.packet_file([(0, fecode.Run(3, b""))], programs=programs)
    assert set(Path("/tmp").glob(mine)) == before  # No file left behind.


def test_encode_refuses_what_engine_c_cannot_run():
    (s,) = compile_streams("udp_flows", {"flows": "10", "size": "9216"})
    longer = s.packet.ljust(9800, b"\0")
    prog = dpdk.stream_program(s, len(longer))
    with pytest.raises(ExtbenchError, match="templates of at most 9728 bytes"):
        fecode.encode(prog, longer)
    with pytest.raises(ExtbenchError, match="compiled for"):
        fecode.encode(fieldengine.Program(70, s.instructions), s.packet[:60])
