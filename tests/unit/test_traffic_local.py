"""The local engine's packets: port MACs, stream mixing, unsupported features, pcap."""

import dataclasses
import os
from pathlib import Path

import pytest
from scapy.layers.inet import UDP
from scapy.layers.l2 import Ether
from scapy.utils import RawPcapReader

from harness.errors import ExtbenchError
from harness.traffic import tcpreplay
from harness.traffic.local import cycle, plan, refuse_flow_stats, timed
from harness.traffic.profile import compile_streams

FIXTURES = Path(__file__).parent / "fixtures" / "profiles"
SRC, DST = "02:00:00:00:00:01", "02:00:00:00:00:02"


@pytest.fixture(scope="module")
def two_streams():
    return compile_streams("two_streams", directory=FIXTURES)


def test_port_macs_are_written_into_every_packet():
    pkts = cycle(compile_streams("udp_flows", {"flows": 5}), SRC, DST)
    assert len(pkts) == 5
    assert {(Ether(p).src, Ether(p).dst) for p in pkts} == {(SRC, DST)}


def test_streams_that_override_macs_keep_their_own(two_streams):
    s = two_streams[0]
    keep = dataclasses.replace(s, json={**s.json, "flags": 0x1 | (1 << 1)})
    assert {(Ether(p).src, Ether(p).dst) for p in cycle([keep], SRC, DST)} == {
        (Ether(s.packet).src, Ether(s.packet).dst)}


def test_streams_mix_by_rate_each_in_its_own_order(two_streams):
    pkts = [Ether(p) for p in cycle(two_streams, SRC, DST)]
    a = [p[UDP].sport for p in pkts if p[UDP].dport == 1]
    b = [p[UDP].sport for p in pkts if p[UDP].dport == 2]
    assert len(b) == 3 * len(a)  # 1000 pps and 3000 pps.
    assert a == [100, 101] * (len(a) // 2) and b == [100, 101, 102] * (len(b) // 3)


def test_disabled_streams_are_not_sent(two_streams):
    off = dataclasses.replace(two_streams[1], json={**two_streams[1].json, "enabled": False})
    assert {Ether(p)[UDP].dport for p in cycle([two_streams[0], off], SRC, DST)} == {1}


def test_a_burst_cannot_be_looped_and_is_sent_by_timestamps():
    streams = compile_streams("burst", directory=FIXTURES)
    with pytest.raises(ExtbenchError, match="mode 'single_burst' needs timed sending"):
        cycle(streams, SRC, DST)
    assert plan(streams) == "timed"
    assert [round(t, 6) for t, _, _ in timed(streams, SRC, DST, None)] == [
        i / 1.0 for i in range(10)]  # STLTXSingleBurst's default rate: 1 pps.


def test_unsupported_stream_options_are_named(two_streams):
    s = two_streams[0]
    for change, msg in [({"isg": 10_000.0}, "isg"), ({"self_start": False}, "self_start")]:
        with pytest.raises(ExtbenchError, match=f"{msg}.* needs timed sending"):
            cycle([dataclasses.replace(s, json={**s.json, **change})], SRC, DST)
    with pytest.raises(ExtbenchError, match="flow_stats .* is not supported by the local"):
        refuse_flow_stats(dataclasses.replace(s, json={**s.json,
                                                       "flow_stats": {"enabled": True}}))


def test_pcap_holds_the_cycle_in_order():
    pkts = cycle(compile_streams("udp_flows", {"flows": 7, "size": 70}), SRC, DST)
    pcap = tcpreplay.write_pcap(pkts)
    try:
        assert [p for p, _ in RawPcapReader(pcap)] == pkts
    finally:
        os.unlink(pcap)


def test_tcpreplay_argv():
    cmd = tcpreplay.argv("/x.pcap", "xbh1-eth0", 20000, duration_s=3)
    assert cmd[1:] == ["--intf1", "xbh1-eth0", "--preload-pcap", "--loop=0",
                       "--pps=20000.000", "--duration=3", "/x.pcap"]
    assert "--topspeed" in tcpreplay.argv("/x.pcap", "e", None, loops=1)


def test_local_drops_are_failed_sends_and_interface_drops():
    from harness.traffic.counters import Counters
    from harness.traffic.engine import Drops
    from harness.traffic.local import LocalEngine

    e = LocalEngine()
    e._sender = tcpreplay.Tcpreplay(None, [])
    e._sender.failed = 4
    e._before = [Counters(0, 0, 100, 1), Counters(50, 2, 0, 0), Counters(0, 0, 0, 0)]
    e._after = [Counters(0, 0, 900, 6), Counters(700, 5, 0, 0), Counters(90, 1, 0, 0)]
    assert e._drops() == Drops(sender=4 + 5, receiver=3 + 1)
