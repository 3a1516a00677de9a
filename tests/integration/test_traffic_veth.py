"""The local engine on a real veth pair between two namespaces (xb-t-a → xb-t-b).

A capture at the receiver checks that the packets on the wire are the ones the profile
describes, in TRex's order, and that the interface counts agree with what was sent.
"""

import contextlib
import os
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether
from scapy.utils import RawPcapReader

from harness.errors import CommandError, ExtbenchError
from harness.proc import run
from harness.traffic import get_engine
from harness.traffic.endpoint import NetnsEndpoint
from harness.traffic.local import cycle
from harness.traffic.profile import compile_streams
from harness.traffic.tcpreplay import Tcpreplay
from harness.traffic.tcpreplay import argv as tcpreplay_argv
from harness.traffic.vethpair import veth_pair

pytestmark = [pytest.mark.root, pytest.mark.integration]


@pytest.fixture(scope="module")
def pair():
    with veth_pair("t") as (a, b):
        yield a, b


@pytest.fixture(scope="module")
def streams():
    return compile_streams("udp_flows", {"flows": 1000, "size": 64})


@contextlib.contextmanager
def capture(endpoint: NetnsEndpoint, path: Path):
    """tcpdump on the endpoint's interface into 'path' while the block runs."""
    # Immediate mode: packets in a not yet full TPACKET_V3 block are written too.
    p = endpoint.popen(["tcpdump", "-n", "-i", endpoint.intf, "-w", str(path), "-Z", "root",
                        "-B", "65536", "--immediate-mode"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        ready, _, _ = select.select([p.stderr], [], [], 10)
        assert ready and b"listening" in p.stderr.readline(), "tcpdump did not start"
        yield
        time.sleep(0.3)
    finally:
        os.killpg(p.pid, signal.SIGINT)
        p.communicate(timeout=10)


def frames(path: Path) -> list[bytes]:
    return [data for data, _ in RawPcapReader(str(path))]


def test_fixed_rate_sends_the_profiles_packets(pair, streams, tmp_path):
    a, b = pair
    pcap = tmp_path / "rx.pcap"
    with capture(b, pcap):
        r = get_engine("local").run(streams, tx=a, rx=[b], rate_pps=20_000, duration_s=2.0)
    assert (r.engine, r.offered_pps) == ("local", 20_000)
    assert r.tx_pkts == pytest.approx(40_000, rel=0.005)
    assert r.rx_pkts == r.tx_pkts == r.rx_by_endpoint[b.name] and r.loss_pct == 0.0
    assert (r.sender_drops, r.receiver_drops) == (0, 0)
    assert r.duration_s == pytest.approx(2.0, rel=0.1)
    got = frames(pcap)
    assert len(got) == r.tx_pkts
    parsed = [Ether(f) for f in got[:2000]]
    # Flow i of 1000 has UDP source port 1025 + i, in order, as TRex's field engine sends.
    assert [p[UDP].sport for p in parsed] == list(range(1025, 2025)) * 2
    assert {(p.src, p.dst, p[IP].src, p[IP].dst, p[UDP].dport, len(f))
            for p, f in zip(parsed, got, strict=False)} == {
        (a.mac, b.mac, "10.0.0.1", "10.0.0.2", 12, 60)}
    for p in parsed[:1000]:
        fresh = p.copy()
        del fresh[IP].chksum
        assert Ether(bytes(fresh))[IP].chksum == p[IP].chksum


def test_warmup_sends_every_distinct_packet(pair, streams, tmp_path):
    a, b = pair
    pcap = tmp_path / "warm.pcap"
    with capture(b, pcap):
        get_engine("local").warmup(streams, a, [b])
    assert frames(pcap) == cycle(streams, a.mac, b.mac)


def test_as_fast_as_possible_counts_agree(pair, streams):
    a, b = pair
    r = get_engine("local").run(streams, tx=a, rx=[b], rate_pps=None, duration_s=1.0)
    assert r.offered_pps is None and r.tx_pkts > 10_000
    assert r.rx_pkts <= r.tx_pkts and r.loss_pct < 5.0
    assert r.tx_pps == pytest.approx(r.tx_pkts / r.duration_s)


def test_nothing_is_left_behind(pair, streams):
    a, b = pair
    get_engine("local").run(streams, tx=a, rx=[b], rate_pps=5_000, duration_s=0.5)
    assert not list(Path("/tmp").glob("xb-tcpreplay-*"))
    out, _, _ = run(["ip", "netns", "pids", a.netns])
    assert out.split() == []


def test_packets_beyond_the_mtu_are_refused(pair):
    a, b = pair
    big = compile_streams("udp_flows", {"flows": 10, "size": 2000})
    with pytest.raises(ExtbenchError, match="1996-byte packets do not fit interface xbta"):
        get_engine("local").run(big, tx=a, rx=[b], rate_pps=None, duration_s=0.5)
    assert not list(Path("/tmp").glob("xb-tcpreplay-*"))


def test_sender_failure_is_reported(pair):
    a, _ = pair
    sender = Tcpreplay(a, tcpreplay_argv("/nonexistent/xb.pcap", a.intf, 1000.0, loops=1))
    try:
        sender.start()
        with pytest.raises(CommandError, match="tcpreplay"):
            sender.wait(timeout_s=10)
    finally:
        sender.stop()
