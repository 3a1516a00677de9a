"""The dpdk engine runs TRex's scheduler itself: timed profiles at scale, as TRex sends them.

A timed profile (bursts, inter-burst and inter-stream gaps, ``next`` chains with
``action_count``, streams that are not self-starting) is loaded as one node per stream
(``dpdk.timed_set``); the engine (engine.c's ``sched_step``) decides when each packet goes
and makes it with the stream's run-time field engine, so neither the schedule's length nor
a stream's distinct packets are capped. What it makes must be ``local.timed``'s packets
(TRex's scheduler and field engine in Python, checked against TRex's own simulator by
``tests/unit/test_trex_golden.py``), in the same order, at the same times to the
nanosecond: first as the engine's ``dump`` makes them without sending, then sent on a
``net_ring`` port (a loopback, ``--no-huge``: no hugepage) and captured at its receive
side, with exact burst counts beyond the 1,048,576 packets the Python schedule is capped at.
"""

import os
import struct
from pathlib import Path

import pytest

from harness.errors import ExtbenchError
from harness.traffic import check, fieldengine, local
from harness.traffic.dpdk import packet_file, timed_set
from harness.traffic.profile import CompiledStream, compile_file, compile_streams
from tests.integration.test_dpdk_fieldengine import _src_packet
from tests.integration.test_trex_modes_wire import read_pcap, ring_engine

pytestmark = [pytest.mark.root, pytest.mark.integration]

FIXTURES = Path(__file__).parent.parent / "unit" / "fixtures" / "profiles"
TREX_STL = Path(os.environ.get("TREX_CORE", "/nonexistent")) / "scripts" / "stl"
MAC_A, MAC_B = "02:00:00:00:00:01", "02:00:00:00:00:02"


def read_ns_pcap(path: Path) -> list[tuple[int, bytes]]:
    """(time in ns, packet) of a nanosecond pcap (the engine's dump of a timed set)."""
    data = path.read_bytes()
    assert struct.unpack_from("<I", data)[0] == 0xA1B23C4D
    out, off = [], 24
    while off < len(data):
        sec, ns, cap, _ = struct.unpack_from("<IIII", data, off)
        out.append((sec * 1_000_000_000 + ns, data[off + 16:off + 16 + cap]))
        off += 16 + cap
    return out


@pytest.fixture(scope="module")
def engine():
    with ring_engine() as call:
        yield call


def load_timed(call, streams: list[CompiledStream], rate_pps: float | None = None) -> dict:
    packets, programs, nodes = timed_set(streams, MAC_A, MAC_B, rate_pps)
    path = packet_file(packets, programs=programs, nodes=nodes)
    try:
        return call(f"load {path}")
    finally:
        os.unlink(path)


def dumped(call, tmp_path: Path, n: int, skip: int = 0,
           duration_s: float | None = None) -> list[tuple[int, bytes]]:
    out = tmp_path / "dump.pcap"
    reply = call(f"dump {n} {out} {skip}" + (f" {duration_s}" if duration_s else ""))
    got = read_ns_pcap(out)
    assert reply["packets"] == skip + len(got)
    return got


def assert_same(got: list[tuple[int, bytes]], want: list[tuple[float, int, bytes]]) -> None:
    assert len(got) == len(want)
    for i, ((t, p), (wt, _, wp)) in enumerate(zip(got, want, strict=True)):
        assert (t, p) == (round(wt * 1e9), wp), (i, t, wt, p.hex(), wp.hex())


CASES = {
    "burst_chain": ("burst_chain", {}, None, None),
    "burst_chain_scaled_to_3000pps": ("burst_chain", {}, 3000.0, None),
    "random_src8_bursts": ("burst_flows", {"gen": "src8"}, None, None),
    "tuple_bursts": ("burst_flows", {"gen": "tuple", "burst": 700, "count": 4}, None, None),
    "imix_isg_for_50ms": ("imix_isg", {}, None, 0.05),
    "burst_cut_by_duration": ("burst_flows", {"burst": 1000, "pps": 10000}, None, 0.15),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_engine_schedules_and_makes_packets_as_trex(engine, tmp_path, case):
    profile, tunables, rate, duration = CASES[case]
    streams = compile_streams(profile, tunables, directory=FIXTURES)
    assert local.plan(streams) == "timed"
    want = local.timed(streams, MAC_A, MAC_B, duration, rate)
    assert load_timed(engine, streams, rate)["timed"]
    got = dumped(engine, tmp_path, len(want) + 10, duration_s=duration)
    assert_same(got, want)  # Not one packet more either: the schedule ends as TRex's.
    assert len({p for _, p in got}) > 1


def _trex_timed_examples() -> list[str]:
    if not TREX_STL.is_dir():
        return []
    return sorted(p.stem for p in TREX_STL.glob("*.py") if not p.name.startswith("_"))


@pytest.mark.skipif(not TREX_STL.is_dir(), reason="TREX_CORE does not name a trex-core checkout")
def test_trex_examples_timed_profiles_as_the_python_scheduler(engine, tmp_path):
    # Every TRex example the dpdk engine accepts and sends by timestamps: its first 3000
    # packets (within 2 s) as local.timed makes them.
    compared = []
    for name in _trex_timed_examples():
        try:
            streams = compile_file(TREX_STL / f"{name}.py")
            if local.plan(streams) != "timed" or not check.check_streams(
                    streams, ["dpdk"])["engines"]["dpdk"]["ok"]:
                continue
            want = local.timed(streams, MAC_A, MAC_B, 2.0, limit=3000)
        except ExtbenchError:
            continue
        load_timed(engine, streams)
        assert_same(dumped(engine, tmp_path, len(want), duration_s=2.0), want)
        compared.append(name)
    # The burst examples and the pcap-based ones at least (imix's isg is a phase: looped).
    assert {"burst_3st_600pkt", "burst_3st_loop_x_times", "multi_burst_2st_1000pkt",
            "udp_3pkt_pcap"} <= set(compared), compared


def test_multi_burst_of_random_slash_8_sources_beyond_the_cap_on_the_wire(engine, tmp_path):
    # 2 bursts of 600,000 packets (1,200,000: more than the Python schedule's cap), 50 ms
    # apart, each with a random source of 16,777,215, then the 5-packet tail: sent on
    # the ring and counted at its receive side, exact counts per stream; the first
    # 2000 captured as local.timed makes them; the last ones (after 1,199,990) as TRex's
    # generator draws them.
    tun = {"gen": "src8", "burst": 600_000, "count": 2, "ibg": 50_000.0, "pps": 1e6}
    streams = compile_streams("burst_flows", tun, directory=FIXTURES)
    with pytest.raises(ExtbenchError, match="more than 1048576 packets"):
        local.timed(streams, MAC_A, MAC_B, 5.0)
    load_timed(engine, streams)
    engine(f"capture 0 2000 {tmp_path / 'rx.pcap'}")
    counts = engine("run 0 0 5.0 0")
    assert counts["tx"] + counts["ring_full"] == 1_200_005
    assert counts["ring_full"] == 0, counts["ring_full"]
    assert counts["tx_by_stream"] == [1_200_000, 5] and counts["rx_by_port"] == [1_200_005]
    # Two bursts at 1 Mpps with a 50 ms gap and a 1 ms isg: about 1.25 s, stopped by
    # itself, not at the 5 s duration.
    assert 1.2 < counts["elapsed_s"] < 2.0
    got = [p for _, p in read_pcap(tmp_path / "rx.pcap")]
    assert got == [p for _, _, p in local.timed(streams, MAC_A, MAC_B, 5.0, limit=2000)]
    tail = dumped(engine, tmp_path, 10, skip=1_199_990)
    template = local.port_packet(streams[0], MAC_A, MAC_B)
    rand = fieldengine._Rand(7 * fieldengine._CORE0_SEED_FACTOR)
    for _ in range(1_199_990):
        rand.r32()
    lo, span = 0x10000001, (1 << 24) - 1
    assert [p for _, p in tail] == [_src_packet(template, lo + rand.r32() % span)
                                    for _ in range(10)]
    # The times: packet k of burst b at 10 µs + k µs + b × (599,999 µs + 50 ms) (sums of
    # doubles, as TRex's): the last of the second burst, within a ns of the exact sum.
    assert abs(tail[9][0] - round((10e-6 + 599_999e-6 * 2 + 0.05) * 1e9)) <= 1


def test_two_million_tuples_in_bursts(engine, tmp_path):
    # 3 bursts of 700,000 packets from the tuple generator (2,100,000 tuples, clients
    # then ports), sent and counted; the tuples after 2,000,000 are the generator's: the
    # address runs through 65,534 clients, the port steps once per wrap.
    tun = {"gen": "tuple", "burst": 700_000, "count": 3, "ibg": 10_000.0, "pps": 2e6,
           "tail": 1}
    streams = compile_streams("burst_flows", tun, directory=FIXTURES)
    load_timed(engine, streams)
    counts = engine("run 0 0 5.0 0")
    assert counts["tx_by_stream"] == [2_100_000, 1] and counts["ring_full"] == 0
    assert counts["rx_by_port"] == [2_100_001]
    tail = dumped(engine, tmp_path, 4, skip=2_099_996)
    for k, (_, p) in zip(range(2_099_996, 2_100_000), tail, strict=True):
        ip, port = int.from_bytes(p[26:30], "big"), int.from_bytes(p[34:36], "big")
        assert (ip, port) == (0x10000001 + k % 65_534, 1025 + k // 65_534), k
    # The Python field engine agrees where it can go (its first wrap of the clients).
    template = local.port_packet(streams[0], MAC_A, MAC_B)
    packets = local.stream_packets(streams[0], template)
    python = [next(packets) for _ in range(65_536)]
    assert [p for _, p in dumped(engine, tmp_path, 3, skip=65_533)] == python[65_533:]


def test_dpdk_engine_sends_bursts_through_its_trial_interface():
    # The path a trial takes (DpdkEngine: plan, warm-up, timed set, run, counts) on one
    # net_ring port; hugepages reserved and given back. 3 bursts of 400,000 random
    # sources and the tail: 1,200,005 packets, the schedule scaled to 2 Mpps (the
    # profile's peak is 1 Mpps).
    from harness.dpdk import hugepages
    from harness.dpdk.process import EngineProcess
    from harness.net.dpdk import ENGINE_MB
    from harness.traffic.dpdk import DpdkEngine, DpdkPort

    tun = {"gen": "src8", "burst": 400_000, "count": 3, "ibg": 1000.0, "pps": 1e6}
    streams = compile_streams("burst_flows", tun, directory=FIXTURES)
    port = DpdkPort("h", "net_ring0", MAC_A, "16.0.0.1", 0)
    pages = hugepages.total_pages()
    cpu = sorted(os.sched_getaffinity(0))[0]
    with hugepages.reserved(ENGINE_MB), EngineProcess(["net_ring0"], cpu) as proc:
        engine = DpdkEngine(proc)
        engine.warmup(streams, port, [port], rate_pps=2_000_000)
        # The warm-up makes the random stream's window and the tail's period.
        assert engine._n_packets >= fieldengine.RANDOM_WINDOW + 1000
        result = engine.run(streams, port, [port], rate_pps=2e6, duration_s=3.0)
    assert hugepages.total_pages() == pages
    assert engine.counts["tx_by_stream"] == [1_200_000, 5]
    assert result.tx_pkts == result.rx_pkts == 1_200_005
    # 1.2 M packets at 2 Mpps, two 1 ms gaps, a 1 ms isg: 0.6 s and a little.
    assert 0.6 < engine.counts["elapsed_s"] < 1.0
