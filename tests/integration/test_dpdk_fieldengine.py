"""The dpdk engine's run-time field engine makes exactly the Python field engine's packets.

Each stream's program is encoded (``fecode``) and run by the engine (engine.c's
``fe_run``) per packet; what it makes is compared byte for byte with
``fieldengine.Program.run``, for every instruction kind, including random values drawn
with a seed (TRex's generator, the same in both), beyond the 1,048,576 packets the local
engine can loop over, and as sent on a port and captured at the receiver (a ``net_ring``
loopback, ``--no-huge``: no hugepage is reserved). The engine's ``dump`` makes the packets
of a run without sending them. The last test takes a trial's path (``DpdkEngine``: plan,
load, warm-up, run, counts), with hugepages reserved and given back.
"""

import base64
import os
import struct
from pathlib import Path

import pytest
from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6
from scapy.layers.l2 import Ether

from harness.traffic import dpdk, fecode, fieldengine
from harness.traffic.dpdk import expected, loop_packets, packet_file
from harness.traffic.profile import CompiledStream, compile_streams
from tests.integration.test_trex_modes_wire import read_pcap, ring_engine

pytestmark = [pytest.mark.root, pytest.mark.integration]

PROFILES = Path(__file__).parent.parent.parent / "profiles"
MAC_A, MAC_B = "02:00:00:00:00:01", "02:00:00:00:00:02"
U64 = (1 << 64) - 1
V4 = bytes(Ether() / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1, dport=2)
           / (60 * b"x"))
V4_TCP = bytes(Ether() / IP(src="10.0.0.1", dst="10.0.0.2") / TCP(sport=1, dport=2)
               / (50 * b"y"))
V6_UDP = bytes(Ether() / IPv6(src="2001:db8::1", dst="2001:db8::2") / UDP(sport=1, dport=2)
               / (41 * b"z"))
V6_TCP = bytes(Ether() / IPv6(src="2001:db8::1", dst="2001:db8::2") / TCP(sport=1, dport=2)
               / (33 * b"t"))
V6_ICMP = bytes(Ether() / IPv6(src="2001:db8::1", dst="2001:db8::2")
                / ICMPv6EchoRequest(id=7, seq=1) / (21 * b"p"))
PAY = 42  # Offset of V4's UDP payload.


def var(name, lo=0, hi=9, op="inc", size=2, step=1, init=None, nxt=None, **extra) -> dict:
    return {"type": "flow_var", "name": name, "size": size, "op": op, "next_var": nxt,
            "min_value": lo, "max_value": hi, "step": step,
            "init_value": init if init is not None else (hi if op == "dec" else lo), **extra}


def write(name, off, add=0, big=True) -> dict:
    return {"type": "write_flow_var", "name": name, "pkt_offset": off, "add_value": add,
            "is_big_endian": big}


def mask(name, off, cast, m, shift, add=0, big=True) -> dict:
    return {"type": "write_mask_flow_var", "name": name, "pkt_offset": off,
            "pkt_cast_size": cast, "mask": m, "shift": shift, "add_value": add,
            "is_big_endian": big}


def hw(l3_len, l4_type) -> dict:
    return {"type": "fix_checksum_hw", "l2_len": 14, "l3_len": l3_len, "l4_type": l4_type}


IPV4 = {"type": "fix_checksum_ipv4", "pkt_offset": 14}


def stream(packet: bytes, instructions: list[dict], vm: dict | None = None, seed: int = 0,
           index: int = 0, pps: float = 1000) -> CompiledStream:
    return CompiledStream.from_json(index, {
        "packet": {"binary": base64.b64encode(packet).decode()},
        "vm": {"instructions": instructions, **(vm or {})},
        "mode": {"type": "continuous", "rate": {"type": "pps", "value": pps}},
        "random_seed": seed, "flags": 0, "enabled": True, "self_start": True})


# One program per instruction kind (and the combinations TRex's examples use).
PROGRAMS = {
    "inc_dec_sizes_steps_init_add_byte_order": stream(V4, [
        var("a", 5, 250, size=1, step=3), var("b", 100, 9000, op="dec", step=7),
        var("c", 0, 0xFFFFFFFF, size=4, init=0xFFFFFFF0, step=4),
        var("d", U64 - 11, U64, size=8, step=3),
        write("a", PAY), write("b", PAY + 1, big=False), write("c", PAY + 3, add=-5),
        write("d", PAY + 7, add=7), write("d", PAY + 15, big=False), IPV4]),
    "value_lists": stream(V4, [
        var("i", op="inc", step=2, value_list=[5, 7, 9, 11, 13]),
        var("j", op="dec", value_list=[1, 0xFFFF, 3]),
        var("r", op="random", value_list=[10, 20, 30, 40], size=1),
        write("i", PAY), write("j", PAY + 2), write("r", PAY + 4), IPV4], seed=77),
    "random_every_size_with_seed": stream(V4, [
        var("r1", 3, 200, op="random", size=1), var("r2", 0, 0xFFFF, op="random"),
        var("r4", 0x10000001, 0x10FFFFFF, op="random", size=4),
        var("r8", 0, U64, op="random", size=8), var("r8b", 5, 1 << 40, op="random", size=8),
        write("r1", PAY), write("r2", PAY + 1), write("r4", PAY + 3),
        write("r8", PAY + 7), write("r8b", PAY + 15), IPV4], seed=0x1234),
    "next_var_chains_and_rand_limit": stream(V4, [
        var("a", 0, 2, nxt="b"), var("b", 0, 3, op="dec", nxt="c"),
        var("c", op="inc", value_list=[100, 200], nxt=None),
        {"type": "flow_var_rand_limit", "name": "rl", "size": 2, "limit": 5, "seed": 0x99,
         "min_value": 1000, "max_value": 1999, "next_var": "n"},
        var("n", 0, 6, size=1),
        write("a", PAY), write("b", PAY + 2), write("c", PAY + 4), write("rl", PAY + 6),
        write("n", PAY + 8), IPV4]),
    "tuple_generators": stream(V4, [
        {"type": "tuple_flow_var", "name": "t", "ip_min": 0x10000001, "ip_max": 0x10000005,
         "port_min": 1000, "port_max": 1002, "limit_flows": 11, "flags": 0},
        {"type": "tuple_flow_var", "name": "u", "ip_min": 0x30000001, "ip_max": 0x30000001,
         "port_min": 2000, "port_max": 2003, "limit_flows": 0, "flags": 0},
        write("t.ip", 26), write("t.port", 34), write("t.flow_limit", PAY),
        write("u.ip", 30), write("u.port", 36), IPV4]),
    "write_masks": stream(V4, [
        var("m", 0x1200, 0x12FF), var("w", U64 - 300, U64, size=8, step=7),
        mask("m", PAY, 1, 0xF0, 4), mask("m", PAY + 1, 2, 0x0FF0, -3, add=9, big=False),
        mask("m", PAY + 3, 4, 0xFFFF0000, 16), mask("w", PAY + 7, 4, 0xFFFFFFFF, 0),
        mask("w", PAY + 11, 4, 0x00FFFF00, 0, big=False), mask("m", PAY + 15, 2, 0xFFFF, 40),
        IPV4]),
    "trim_and_hw_checksums_ipv4_udp": stream(V4, [
        var("size", 64, len(V4), op="inc", step=3), {"type": "trim_pkt_size", "name": "size"},
        write("size", 16, add=-14), write("size", 38, add=-34), hw(20, 11)]),
    "trim_random_and_hw_checksums_ipv4_tcp": stream(V4_TCP, [
        var("size", 60, len(V4_TCP), op="random"), {"type": "trim_pkt_size", "name": "size"},
        write("size", 16, add=-14), var("p", 1, 5000), write("p", 34), hw(20, 13)],
        seed=5),
    "hw_checksum_ipv4_header_only": stream(V4, [var("p", 1, 90), write("p", 34), hw(20, 17)]),
    "hw_checksums_ipv6_udp_tcp_and_icmpv6": stream(V6_UDP, [
        var("sp", 1, 60000, op="random"), write("sp", 54), hw(40, 11)], seed=9),
    "hw_checksum_ipv6_tcp": stream(V6_TCP, [
        var("sp", 1000, 1100, step=13), write("sp", 54), hw(40, 13)]),
    "icmpv6_checksum": stream(V6_ICMP, [
        var("seq", 1, 4), write("seq", 14 + 40 + 6),
        {"type": "fix_checksum_icmpv6", "l2_len": 14, "l3_len": 40}]),
    "cache": stream(V4, [var("r", 0, 0xFFFF, op="random"), write("r", PAY), IPV4],
                    vm={"cache": 7}, seed=3),
}
#: Packets compared per program: every program's period several times over (its random
#: draws too).
N = 3000


def made(call, tmp_path: Path, packets, programs, n: int, skip: int = 0) -> list[bytes]:
    """The first 'n' packets (after 'skip') a run of 'packets' makes, as the engine dumps
    them."""
    path = packet_file(packets, programs=programs)
    try:
        assert call(f"load {path}")["packets"] == len(packets)
        out = tmp_path / "dump.pcap"
        assert call(f"dump {n} {out} {skip}")["packets"] == n + skip
        return [p for _, p in read_pcap(out)]
    finally:
        os.unlink(path)


@pytest.fixture(scope="module")
def engine():
    with ring_engine() as call:
        yield call


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_engine_makes_the_python_field_engines_packets(engine, tmp_path, name):
    s = PROGRAMS[name]
    packets, programs = loop_packets([s], MAC_A, MAC_B, precompute_up_to=0)
    assert [type(p) for _, p in packets] == [fecode.Run] and len(programs) == 1
    want = [p for _, p in expected(packets, [s], N)]
    got = made(engine, tmp_path, packets, programs, N)
    assert len(got) == N
    first_bad = next((i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w),
                     None)
    assert first_bad is None, (first_bad, got[first_bad].hex(), want[first_bad].hex())
    # Each program varies its packets (a test that a constant packet would pass is none).
    assert len(set(got)) > 1


def test_sent_and_captured_at_the_receiver_as_python_makes_them(engine, tmp_path):
    # A stream made at run time (random sources) beside a precomputed one, 3:1, mixed in
    # one loop: the receiver gets exactly the Python field engine's packets in order.
    run_time = stream(V4, [var("s", 0x10000001, 0x10FFFFFF, op="random", size=4),
                           write("s", 26), IPV4], seed=1, index=0, pps=3000)
    pre = stream(V4_TCP, [var("p", 1, 10), write("p", 34), hw(20, 13)], index=1, pps=1000)
    packets, programs = loop_packets([run_time, pre], MAC_A, MAC_B)
    runs = [p for _, p in packets if isinstance(p, fecode.Run)]
    assert len(runs) == 30 and len(packets) == 40  # Ten periods of 'pre', 3:1.
    path = packet_file(packets, programs=programs)
    try:
        engine(f"load {path}")
        engine(f"capture 0 4000 {tmp_path / 'rx.pcap'}")
        counts = engine("run 0 0 1.0 0")
    finally:
        os.unlink(path)
    got = [p for _, p in read_pcap(tmp_path / "rx.pcap")]
    assert counts["tx"] >= 4000 and len(got) == 4000
    assert got == [p for _, p in expected(packets, [run_time, pre], 4000)]


def _udp_src8(op: str) -> CompiledStream:
    (s,) = compile_streams("udp_src8", {"op": op, "src": "16.0.0.1", "dst": "48.0.0.1"},
                           directory=PROFILES)
    return s


def _src_packet(template: bytes, src: int) -> bytes:
    pkt = bytearray(template)
    pkt[26:30] = src.to_bytes(4, "big")
    fieldengine._fix_ipv4(pkt, 14)
    return bytes(pkt)


def test_a_slash_8_sweep_beyond_the_local_engines_cap(engine, tmp_path):
    # udp_src8 --op inc: 16,777,215 sources in order, more than 1,048,576 distinct
    # packets; the engine makes packet k with source 16.0.0.1 + (k mod 16,777,215). The
    # last ones of the first sweep and the first of the next, after 16,777,210 others.
    s = _udp_src8("inc")
    assert dpdk.made_at_run_time(s)
    packets, programs = loop_packets([s], MAC_A, MAC_B)
    skip = (1 << 24) - 6
    got = made(engine, tmp_path, packets, programs, 10, skip)
    template = packets[0][1].template
    lo, span = 0x10000001, (1 << 24) - 1
    assert got == [_src_packet(template, lo + (skip + i) % span) for i in range(10)]
    # The packets built here are the Python field engine's.
    assert expected(packets, [s], 3) == [(0, _src_packet(template, lo + i)) for i in range(3)]


def test_random_slash_8_keeps_drawing_as_trex_does(engine, tmp_path):
    # udp_src8 (random, seed 1): the first packets equal the Python field engine's, and
    # those after the local engine's cap still follow TRex's generator: no replayed window.
    s = _udp_src8("random")
    packets, programs = loop_packets([s], MAC_A, MAC_B)
    assert isinstance(packets[0][1], fecode.Run)
    assert made(engine, tmp_path, packets, programs, 2000) == [
        p for _, p in expected(packets, [s], 2000)]
    skip = fieldengine.MAX_PACKETS + 10
    got = made(engine, tmp_path, packets, programs, 5, skip)
    rand = fieldengine._Rand(1 * fieldengine._CORE0_SEED_FACTOR)
    for _ in range(skip):
        rand.r32()
    template = packets[0][1].template
    lo, span = 0x10000001, (1 << 24) - 1
    assert got == [_src_packet(template, lo + rand.r32() % span) for _ in range(5)]


def test_a_bad_program_is_refused_with_a_message(engine, tmp_path):
    s = PROGRAMS["write_masks"]
    packets, programs = loop_packets([s], MAC_A, MAC_B, precompute_up_to=0)
    prog = bytearray(programs[0])
    # The third operation's (the first write's, after two definitions) offset far past
    # the template: after the header, the template, two variables and two operations.
    at = 24 + len(packets[0][1].template) + 2 * 92 + 2 * 28 + 6
    assert prog[at - 6] == fecode.WRITE_MASK
    prog[at:at + 2] = struct.pack("<H", 5000)
    path = packet_file(packets, programs=[bytes(prog)])
    try:
        with pytest.raises(RuntimeError, match="offset past the template"):
            engine(f"load {path}")
    finally:
        os.unlink(path)


def test_dpdk_engine_sends_a_slash_8_sweep_through_its_trial_interface(tmp_path):
    # The path a trial takes (DpdkEngine: plan, programs, load, warm-up, run, counts) on
    # one net_ring port that loops back to itself; hugepages reserved and given back.
    from harness.dpdk import hugepages
    from harness.dpdk.process import EngineProcess
    from harness.net.dpdk import ENGINE_MB
    from harness.traffic.dpdk import DpdkEngine, DpdkPort

    s = _udp_src8("inc")
    port = DpdkPort("h", "net_ring0", MAC_A, "16.0.0.1", 0)
    pages = hugepages.total_pages()
    cpu = sorted(os.sched_getaffinity(0))[0]
    with hugepages.reserved(ENGINE_MB), EngineProcess(["net_ring0"], cpu) as proc:
        engine = DpdkEngine(proc)
        # A warm-up makes the cap's worth of the sweep (all 16,777,215 cannot be).
        engine.warmup([s], port, [port], rate_pps=2_000_000)
        assert engine._n_packets == fieldengine.MAX_PACKETS
        proc.call(f"capture 0 1000 {tmp_path / 'rx.pcap'}")
        result = engine.run([s], port, [port], rate_pps=None, duration_s=1.0)
    assert hugepages.total_pages() == pages
    got = [p for _, p in read_pcap(tmp_path / "rx.pcap")]
    template = dpdk.local.port_packet(s, MAC_A, MAC_A)  # The port's MACs, as TRex's.
    assert template[:12] == bytes.fromhex("020000000001") * 2
    # Each run starts the sweep afresh, as TRex starts a stream.
    assert got == [_src_packet(template, 0x10000001 + i) for i in range(1000)]
    assert result.tx_pkts > 1000 and result.rx_pkts == result.tx_pkts
