"""The DPDK engine on its own: two engine processes joined by a vhost-user socket.

What one sends the other counts, per stream and per port; pacing holds the rate; probes
are timed; bad commands and files are refused with a message; nothing is left behind.
"""

import pytest

from harness.clean import leftovers
from harness.dpdk import hugepages
from harness.dpdk.loopback import Loopback
from harness.errors import ExtbenchError
from harness.net.dpdk import ENGINE_MB

pytestmark = [pytest.mark.integration, pytest.mark.root]


@pytest.fixture(scope="module")
def loop():
    pages = hugepages.total_pages()
    with hugepages.reserved(2 * ENGINE_MB), Loopback(flows=10, pkt_size=64) as lp:
        yield lp
    assert hugepages.total_pages() == pages
    assert not [x for x in leftovers() if "xb-dpdk" in x]


def test_what_one_engine_sends_the_other_counts(loop):
    sent, got = loop.run(50_000, 1.0)
    assert sent["tx"] + sent["ring_full"] == pytest.approx(50_000, rel=0.01)
    # udp_flows has one stream; every packet the ring took arrived.
    assert sent["tx_by_stream"] == [sent["tx"]]
    assert got["rx_by_port"] == [sent["tx"]]


def test_unpaced_sends_everything_it_counts(loop):
    sent, got = loop.run(0, 0.5)
    assert sent["offered_pps"] == 0 and sent["tx"] > 100_000
    assert got["rx_by_port"] == [sent["tx"]]


def test_probes_are_timed(loop):
    sent, got = loop.run(10_000, 1.0, probe_pps=500)
    assert sent["probes_sent"] >= 450 and got["probes_received"] == sent["probes_sent"]
    assert len(got["latency_ns"]) >= 0.9 * sent["probes_sent"]
    assert got["latency_ns"] == sorted(got["latency_ns"])


def test_bad_input_is_refused_with_a_message(loop, tmp_path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"not a packet file")
    with pytest.raises(ExtbenchError, match="not a packet file"):
        loop.tx.call(f"load {bad}")
    with pytest.raises(ExtbenchError, match="unknown command"):
        loop.tx.call("fly away")
    with pytest.raises(ExtbenchError, match="bad port"):
        loop.tx.call("run 7 1000 1 0")
    # The engine is still there, with the packets it had.
    sent, _ = loop.run(10_000, 0.2)
    assert sent["tx"] > 0


def test_packet_groups_are_counted_and_timed(loop, tmp_path):
    # TRex's flow statistics: a load stream counted as group 5 beside a latency stream,
    # group 7 (tests/unit/fixtures/profiles/flow_stats.py), signed as they are sent.
    from pathlib import Path

    from harness.dpdk.loopback import RX, TX
    from harness.traffic import pgstats
    from harness.traffic.dpdk import packet_file
    from harness.traffic.local import stream_cycle
    from harness.traffic.profile import compile_streams

    streams = compile_streams("flow_stats", directory=Path(__file__).parent.parent / "unit"
                              / "fixtures" / "profiles")
    groups = pgstats.groups(streams)
    packets = packet_file(stream_cycle(streams, TX.mac, RX.mac))
    try:
        loop.tx.call(f"load {packets}")
        for g in groups:
            loop.tx.call(f"pg {g.stream} {g.pg_id} {g.kind}")
        with pytest.raises(ExtbenchError, match="pg: bad stream"):
            loop.tx.call("pg 1 5 1")  # Group 5 counts; it cannot also time.
        loop.rx.call("pg-listen")
        sent, got = loop.run(10_000, 1.0)
    finally:
        for p in (loop.tx, loop.rx):
            p.call("pg-clear")
        loop.tx.call(f"load {loop.files[0]}")
        Path(packets).unlink()
    tx = {g["id"]: g for g in sent["pgs"]}
    rx = {g["id"]: g for g in got["pgs"]}
    assert tx[5]["tx"] + tx[5]["tx_refused"] == pytest.approx(9000, rel=0.02)
    assert tx[7]["tx"] + tx[7]["tx_refused"] == pytest.approx(1000, rel=0.02)
    assert sent["tx_by_stream"] == [tx[5]["tx"], tx[7]["tx"]]
    # Every signed packet that left arrived in its group, with its bytes.
    assert (rx[5]["rx"], rx[7]["rx"]) == (tx[5]["tx"], tx[7]["tx"])
    assert rx[5]["rx_bytes"] == tx[5]["tx_bytes"] and rx[5]["lat_n"] == 0
    # Only the latency group is timed: one sample per packet, in the histogram too.
    assert rx[7]["lat_n"] == rx[7]["rx"] == sum(rx[7]["hist_us"].values())
    assert 0 < rx[7]["lat_min_ns"] <= rx[7]["lat_avg_ns"] <= rx[7]["lat_max_ns"]
    assert rx[7]["jitter_ns"] >= 0
