"""TRex's modes and field engine as TRex's own example profiles use them, without a network.

Each fixture profile is written in the style of one of TRex's examples (scripts/stl:
burst_3st_600pkt, imix, udp_1pkt_tuple_gen, udp_inc_len_9k, dependent variables, IPv6
checksums). The tests check the exact packet sequence a TRex core would send: the
scheduler's times and streams (``schedule``), the field engine's values, sizes and
checksums (checked independently: scapy recomputes every checksum, and expected values
are worked out by hand from TRex's data-path code).
"""

import dataclasses
import json
from pathlib import Path

import pytest
from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6
from scapy.layers.l2 import Ether
from scapy.utils import RawPcapReader, wrpcap

from harness.cli import main
from harness.errors import ExtbenchError
from harness.traffic import tcpreplay
from harness.traffic.check import check_file
from harness.traffic.fieldengine import expand
from harness.traffic.local import plan, stream_cycle, timed
from harness.traffic.profile import compile_file, compile_streams, decode_tunable
from harness.traffic.schedule import ends, peak_pps, schedule

FIXTURES = Path(__file__).parent / "fixtures" / "profiles"
SRC, DST = "02:00:00:00:00:01", "02:00:00:00:00:02"
US = 1e-6
# Times within this of the exact value count as equal (float accumulation of packet gaps).
TOL_S = 1e-9


def streams(name: str, tunables: dict | None = None):
    return compile_streams(name, tunables, directory=FIXTURES)


def packets(s) -> list[bytes]:
    return expand(s.packet, s.instructions, s.vm, s.json.get("random_seed", 0))


def assert_checksums_valid(pkt: bytes) -> None:
    """scapy recomputes every checksum of the packet; they must equal the packet's own
    (a UDP checksum 0 over IPv4 means none, and stays)."""
    parsed = Ether(pkt)
    fresh = parsed.copy()
    for layer, field in ((IP, "chksum"), (UDP, "chksum"), (TCP, "chksum"),
                         (ICMPv6EchoRequest, "cksum")):
        if layer in fresh and not (layer is UDP and IP in fresh and fresh[UDP].chksum == 0):
            delattr(fresh[layer], field)
    assert bytes(Ether(bytes(fresh))) == pkt, parsed.summary()


# --- Modes: TRex's scheduler ------------------------------------------------------------

@pytest.fixture(scope="module")
def burst_chain():
    return streams("burst_chain")


def test_chained_bursts_follow_trex_times_and_action_count(burst_chain):
    sends = schedule(burst_chain)
    # S0: 3 packets at 1000 pps from its isg (10 µs); S1 starts at S0's last packet (its
    # isg is 0): 3 bursts of 4 at 1 ms, 500 µs from a burst's last packet to the next
    # burst; S2 100 µs (its isg) after S1's last packet, 2 packets at 500 pps; then S0
    # again (its isg after S2's last packet), S1, S2, whose action_count 2 ends it all.
    s0 = [10, 1010, 2010]
    s1 = [2010 + b * 3500 + i * 1000 for b in range(3) for i in range(4)]
    s2 = [12110, 14110]
    first = [(t, 0) for t in s0] + [(t, 1) for t in s1] + [(t, 2) for t in s2]
    again = [(t + 14110, k) for t, k in first]  # S0 restarts 10 µs after 14110 µs.
    want = first + again
    assert [x.stream for x in sends] == [k for _, k in want]
    assert all(abs(x.time_s - t * US) < TOL_S for x, (t, _) in zip(sends, want, strict=True))
    assert ends(burst_chain)


def test_a_restarted_stream_continues_its_field_engine(burst_chain):
    sent = timed(burst_chain, SRC, DST, None)
    s0 = [Ether(p) for _, k, p in sent if k == 0]
    # 2000..2004 counting on across the restart (TRex keeps a node's variables).
    assert [p[UDP].sport for p in s0] == [2000, 2001, 2002, 2003, 2004, 2000]
    assert {(p.src, p.dst) for p in s0} == {(SRC, DST)}
    for _, _, p in sent:
        assert_checksums_valid(p)


def test_the_multiplier_scales_packet_gaps_not_stream_and_burst_gaps(burst_chain):
    fast = schedule(burst_chain, scale=2.0)
    times = [round(x.time_s / US, 3) for x in fast if x.stream == 1][:5]
    assert times == [1010.0, 1510.0, 2010.0, 2510.0, 3010.0]  # 0.5 ms apart, then ibg.
    assert round(fast[0].time_s / US, 3) == 10.0


def test_a_requested_rate_scales_by_trex_stream_graph_peak(burst_chain):
    # Bursts of fewer than 1000 packets count as 1 pps in TRex's graph, and chained
    # streams do not overlap: the peak is 1 pps, so 500 pps multiplies every rate by 500.
    assert peak_pps(burst_chain) == 1.0
    sends = timed(burst_chain, SRC, DST, None, rate_pps=500.0)
    assert round(sends[1][0] - sends[0][0], 9) == round(1 / 500_000, 9)
    s0 = burst_chain[0]
    big = dataclasses.replace(s0, mode={**s0.mode, "total_pkts": 1000},
                              json={**s0.json, "next": None})
    assert peak_pps([big]) == 1000.0
    # Continuous streams add up from their isg: imix's 28 + 16 + 4.
    assert peak_pps(streams("imix_isg")) == 48.0


def stream_with(s, **json_changes):
    return dataclasses.replace(s, json={**s.json, **json_changes})


def test_action_count_on_a_self_loop_counts_its_runs(burst_chain):
    s = stream_with(burst_chain[0], next="S0", action_count=3, isg=0.0)
    sends = schedule([s])
    assert len(sends) == 3 * 3
    loop_forever = stream_with(s, action_count=0)
    assert not ends([loop_forever])
    # A restart comes at the last packet's time plus the isg (0): bursts at 0, 1, 2 ms,
    # then 2, 3, 4 ms … (two packets at once, as TRex sends them).
    times = [round(x.time_s / US) for x in schedule([loop_forever], duration_s=0.0205)]
    assert times == [t for k in range(11) for t in (2000 * k, 2000 * k + 1000,
                                                    2000 * k + 2000)][:31]


def test_a_next_stream_that_is_already_running_is_not_restarted(burst_chain):
    s0, s1, s2 = burst_chain
    # S2 points back at S1; while S2 runs, S1 is idle, so it restarts: with S1 self-starting
    # too (and running when S0 ends), S0's end only ends S0.
    busy = [s0, stream_with(s1, self_start=True), s2]
    first = schedule(busy)
    assert [x.stream for x in first].count(0) == 3 + 3


def test_dummy_and_paused_streams_keep_time_but_send_nothing(burst_chain):
    s0, s1, s2 = burst_chain
    dummy = stream_with(s0, flags=s0.json.get("flags", 0) | 0x8)
    sends = schedule([dummy, s1, s2])
    assert 0 not in {x.stream for x in sends}
    assert abs(sends[0].time_s - 2010 * US) < TOL_S  # S1 starts after the silent S0.
    paused = stream_with(s0, start_paused=True)
    assert abs(schedule([paused, s1, s2])[0].time_s - (10 * US + 0.2)) < TOL_S


def test_imix_inter_stream_gaps_delay_each_stream_once():
    imix = streams("imix_isg")
    assert plan(imix) == "timed"
    sends = schedule(imix, duration_s=0.999)
    firsts = {k: min(x.time_s for x in sends if x.stream == k) for k in range(3)}
    assert firsts == pytest.approx({0: 0.0, 1: 0.002, 2: 0.004}, abs=TOL_S)
    counts = [sum(x.stream == k for x in sends) for k in range(3)]
    assert counts == [28, 16, 4]  # A second's packets at 28, 16 and 4 pps.
    assert not ends(imix)
    small = streams("imix_isg", {"isg_scale": 0.0001})  # TRex's imix.py: 0.1 and 0.2 µs.
    assert plan(small) == "loop"


def test_timed_pcap_carries_the_schedule(burst_chain):
    sent = timed(burst_chain, SRC, DST, None)
    path = tcpreplay.write_pcap([p for _, _, p in sent], [t for t, _, _ in sent])
    try:
        back = list(RawPcapReader(path))
    finally:
        Path(path).unlink()
    assert [p for p, _ in back] == [p for _, _, p in sent]
    assert [m.sec * 1_000_000 + m.usec for _, m in back] == [round(t * 1e6) for t, _, _ in sent]
    argv = tcpreplay.argv(path, "e", 1000.0, loops=1, timed=True)
    assert "--loop=1" in argv and not any(a.startswith(("--pps", "--topspeed")) for a in argv)


def test_pcap_streams_replay_the_file_with_its_gaps_and_loop_count(tmp_path):
    pkts = [bytes(Ether() / IP(dst=f"10.0.0.{i}") / UDP(dport=i) / (18 * b"x"))
            for i in range(1, 4)]
    wrpcap(str(tmp_path / "three.pcap"), [Ether(p) for p in pkts])
    ss = streams("pcap_loop", {"pcap": str(tmp_path / "three.pcap"), "ipg_usec": 100.0,
                               "loop_count": 2})
    assert {s.rate["type"] for s in ss} == {"percentage"} and plan(ss) == "timed"
    sent = timed(ss, SRC, DST, None)
    assert [Ether(p)[UDP].dport for _, _, p in sent] == [1, 2, 3, 1, 2, 3]
    assert [round(t / US) for t, _, _ in sent] == [100, 200, 300, 400, 500, 600]
    assert check_file(FIXTURES / "pcap_loop.py", {"pcap": str(tmp_path / "three.pcap")})["ok"]


# --- Field engine ------------------------------------------------------------------------

def test_tuple_generator_matches_trex_documented_table():
    [s] = streams("tuple_clients")
    pkts = [Ether(p) for p in packets(s)]
    # STLVmTupleGen's docstring: 10.0.0.1-5 × ports 1025-1028, limit_flows 10.
    want = [(f"10.0.0.{i % 5 + 1}", 1025 + i // 5) for i in range(10)]
    assert [(p[IP].src, p[UDP].sport) for p in pkts] == want
    for p in packets(s):
        assert_checksums_valid(p)
    # Without the limit, the ports go on to 1028 before the tuple repeats.
    [unlimited] = streams("tuple_clients", {"limit_flows": 0})
    pkts = [Ether(p) for p in packets(unlimited)]
    assert len(pkts) == 20 and pkts[-1][UDP].sport == 1028 and pkts[-1][IP].src == "10.0.0.5"


def test_dependent_variables_count_like_an_odometer():
    [s] = streams("dependent_vars")
    got = [(Ether(p)[IP].src, Ether(p)[UDP].sport, Ether(p)[UDP].dport) for p in packets(s)]
    want = [(src, sport, dport) for src in ("16.0.0.1", "16.0.0.9") for sport in (11, 10)
            for dport in (1, 2, 3)]
    assert got == want
    for p in packets(s):
        assert_checksums_valid(p)


def test_variable_sizes_trim_the_packet_and_fix_lengths_and_checksums():
    [s] = streams("var_sizes")
    pkts = packets(s)
    assert [len(p) for p in pkts] == list(range(64, 71))
    for p in pkts:
        parsed = Ether(p)
        assert (parsed[IP].len, parsed[UDP].len) == (len(p) - 14, len(p) - 34)
        assert_checksums_valid(p)
    [dec] = streams("var_sizes", {"op": "dec", "max_size": 66})
    assert [len(p) for p in packets(dec)] == [66, 65, 64]


def test_trim_refuses_sizes_trex_refuses():
    base = bytes(Ether() / IP() / UDP() / (30 * b"x"))
    size = {"type": "flow_var", "name": "n", "size": 2, "op": "inc", "min_value": 40,
            "max_value": 70, "init_value": 40, "step": 1, "next_var": None}
    with pytest.raises(ExtbenchError, match="initial size 40 not in 60..70"):
        expand(base, [size, {"type": "trim_pkt_size", "name": "n"}])
    with pytest.raises(ExtbenchError, match="flow_var of size 2"):
        expand(base, [{**size, "size": 4}, {"type": "trim_pkt_size", "name": "n"}])


def test_ipv6_checksums_udp_tcp_icmpv6_are_valid():
    udp, tcp, icmp = streams("ipv6_csum")
    for s in (udp, tcp, icmp):
        for p in packets(s)[:50]:
            assert_checksums_valid(p)
    assert [Ether(p)[ICMPv6EchoRequest].seq for p in packets(icmp)] == [1, 2, 3, 4]
    assert Ether(packets(udp)[0])[IPv6].src == "2001:db8::1"


def fastrand(seed: int):
    """TRex's fastrand, written out again here: the MSVC LCG, 15 bits per draw."""
    while True:
        seed = (214013 * seed + 2531011) & 0xFFFFFFFF
        yield (seed >> 16) & 0x7FFF


def test_random_values_follow_the_stream_seed_as_trex_core_0_uses_it():
    udp, tcp, _ = streams("ipv6_csum")
    # random_seed 7, multiplied by 514229 for the first core; 2-byte variable: one draw.
    draws = fastrand((7 * 514229) & 0xFFFFFFFF)
    want = [1024 + next(draws) % (65535 - 1024 + 1) for _ in range(20)]
    assert [Ether(p)[UDP].sport for p in packets(udp)[:20]] == want
    # flow_var_rand_limit: its own seed, restarted every 5 packets.
    draws = fastrand(0x99)
    five = [1000 + next(draws) % 1000 for _ in range(5)]
    sent = [Ether(p)[TCP].sport for _, _, p in timed([tcp], SRC, DST, 1.45)]  # 15 packets.
    assert sent == five * 3


def test_rand_limit_advances_its_next_variable_at_each_restart():
    pkt = bytes(Ether() / IP() / UDP() / (18 * b"x"))
    prog = [{"type": "flow_var_rand_limit", "name": "r", "size": 1, "limit": 2, "seed": 5,
             "min_value": 0, "max_value": 255, "next_var": "n"},
            {"type": "flow_var", "name": "n", "size": 2, "op": "inc", "min_value": 0,
             "max_value": 2, "init_value": 0, "step": 1, "next_var": None},
            {"type": "write_flow_var", "name": "n", "pkt_offset": 34, "add_value": 0,
             "is_big_endian": True}]
    got = [int.from_bytes(p[34:36], "big") for p in expand(pkt, prog)]
    assert got == [0, 0, 1, 1, 2, 2]


# --- Profiles, tunables, the check command -------------------------------------------------

def test_tunables_keep_their_types_for_keyword_profiles():
    [s] = streams("typed_tunables", {"framesize": 100, "tag": "z"})
    assert len(s.packet) == 96 and s.packet.endswith(b"z")
    with pytest.raises(ExtbenchError, match="framesize '100'"):
        streams("typed_tunables", {"framesize": "100"})  # A string stays a string.


@pytest.mark.parametrize("text, value", [("64", 64), ("0x10", 16), ("1.5", 1.5),
                                         ("true", True), ("off", False), ("'64'", "64"),
                                         ("abc", "abc")])
def test_command_line_tunables_are_decoded_as_trex_console_does(text, value):
    assert decode_tunable(text) == value and type(decode_tunable(text)) is type(value)


def test_a_profile_from_any_folder_imports_its_neighbours(tmp_path):
    ss = compile_file(FIXTURES / "neighbour_import.py")
    assert [s.name for s in ss] == ["S0", "S1", "S2"] and ss[0].pps == 4000.0
    with pytest.raises(ExtbenchError, match="no such file"):
        compile_file(tmp_path / "nope.py")


def test_check_reports_per_stream_and_engine():
    report = check_file(FIXTURES / "burst_chain.py")
    assert report["plan"] == "timed" and report["ends"]
    rows = report["streams"]
    assert [r["field_engine"]["distinct_packets"] for r in rows] == [5, 1, 1]
    assert [r["pps"] for r in rows] == [1000.0, 1000.0, 500.0]
    assert all(r["engines"]["local"]["ok"] for r in rows)
    assert report["engines"]["local"] == {"ok": True, "reason": None, "refused_streams": [],
                                          "distinct_packets_per_stream": 1_048_576}
    assert all(r["engines"]["local"]["sends"] == "scheduled" for r in rows)
    # The dpdk engine schedules them itself; S0's counter runs in the engine.
    assert [r["engines"]["dpdk"]["sends"] for r in rows] == [
        "scheduled by the engine, run time", "scheduled by the engine",
        "scheduled by the engine"]


def test_profile_command_exit_status_and_json(capsys):
    assert main(["profile", str(FIXTURES / "tuple_clients.py"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] and out["streams"][0]["field_engine"]["distinct_packets"] == 10
    assert main(["profile", str(FIXTURES / "tuple_clients.py"), "-t", "limit_flows=4",
                 "--engine", "local"]) == 0
    assert "4 distinct packets" in capsys.readouterr().out
    assert main(["profile", str(FIXTURES / "typed_tunables.py"), "-t", "framesize=abc"]) == 2
    assert "rejected its arguments: framesize 'abc'" in capsys.readouterr().err
    burst = str(FIXTURES / "burst_chain.py")
    assert main(["profile", burst, "--engine", "local"]) == 0


def test_loop_plan_is_unchanged_for_continuous_profiles():
    ss = streams("two_streams")
    assert plan(ss) == "loop" and len(stream_cycle(ss, SRC, DST)) == 8
