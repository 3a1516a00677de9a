"""Jumbo frames from the dpdk engine: up to a 9216-byte IP packet (9230-byte frames),
arriving whole.

The fixture jumbo_sizes.py (TRex's udp_inc_len_9k.py, sizes 64 … 9230 bytes) is sent
(1) on a ``net_ring`` port (``--no-huge``), packets longer than a standard mbuf coming
from the engine's jumbo pool, and (2) from one engine's virtio-user port to another's
vhost-user port (hugepages reserved and given back), where the receiver's vhost back end
chains its 2 KB mbufs for a long packet: the receiver's capture, and its packet-group
counting (the signature in the last bytes of the chain), must see every packet whole.
"""

import os
from pathlib import Path

import pytest

from harness.traffic import fecode
from harness.traffic.dpdk import expected, loop_packets, packet_file
from harness.traffic.profile import compile_streams
from tests.integration.test_trex_modes_wire import read_pcap, ring_engine

pytestmark = [pytest.mark.root, pytest.mark.integration]

FIXTURES = Path(__file__).parent.parent / "unit" / "fixtures" / "profiles"
MAC_A, MAC_B = "02:00:00:00:00:01", "02:00:00:00:00:02"


def test_jumbo_sizes_on_a_ring_arrive_whole(tmp_path):
    # 64 … 9230 bytes in steps of 97 (95 sizes), made by the run-time field engine.
    streams = compile_streams("jumbo_sizes", {"step": 97}, directory=FIXTURES)
    packets, programs = loop_packets(streams, MAC_A, MAC_B, precompute_up_to=0)
    assert isinstance(packets[0][1], fecode.Run) and len(packets[0][1].template) == 9230
    want = [p for _, p in expected(packets, streams, 95)]
    assert len(want[-1]) == 9182 and max(len(p) for p in want) > 9000
    path = packet_file(packets, programs=programs)
    try:
        with ring_engine() as call:
            call(f"load {path}")
            call(f"capture 0 95 {tmp_path / 'rx.pcap'}")
            counts = call("run 0 2000 0.2 0")
    finally:
        os.unlink(path)
    assert counts["tx"] == counts["rx_by_port"][0] >= 95
    assert [p for _, p in read_pcap(tmp_path / "rx.pcap")] == want


def test_jumbo_frames_cross_vhost_user_whole_and_counted():
    # Sender virtio-user, receiver vhost-user (as OVS's PMD would be): sizes 64 … 9142
    # in steps of 89 (103 sizes, the period: 9167 = 89 × 103; precomputed), a latency
    # packet group's signature at the end of each.
    from harness.dpdk import hugepages
    from harness.dpdk.loopback import Loopback
    from harness.net.dpdk import ENGINE_MB

    streams = compile_streams("jumbo_sizes", {"step": 89, "pg": 5}, directory=FIXTURES)
    packets, programs = loop_packets(streams, MAC_A, MAC_B)
    assert not programs and len(packets) == 103
    path = packet_file(packets)
    pages = hugepages.total_pages()
    capture = Path(path).with_suffix(".pcap")
    try:
        with hugepages.reserved(2 * ENGINE_MB), Loopback(flows=1, pkt_size=64) as loop:
            loop.tx.call(f"load {path}")
            for p in (loop.tx, loop.rx):
                p.call("pg 0 5 1")
            loop.rx.call(f"capture 0 103 {capture}")
            sent, got = loop.run(rate=20_000, duration=0.5)
            got_pkts = [p for _, p in read_pcap(capture)]
    finally:
        os.unlink(path)
        capture.unlink(missing_ok=True)
    assert hugepages.total_pages() == pages
    assert sent["tx"] == got["rx_by_port"][0] >= 103 and sent["ring_full"] == 0
    # Whole, in order, the signature (16 bytes at the end, its send time varying) aside.
    want = [p for _, p in packets]
    assert len(got_pkts) == 103
    assert [p[:-16] for p in got_pkts] == [p[:-16] for p in want]
    assert all(p[-16:-12] == b"XBPG" for p in got_pkts)
    (g,) = got["pgs"]
    assert g["id"] == 5 and g["rx"] == sent["tx"] and g["lat_n"] == g["rx"]
