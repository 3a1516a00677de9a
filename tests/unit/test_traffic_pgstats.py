"""Packet groups (TRex's flow statistics): which streams, the signature's room, and the
record's pg_stats from the DPDK engine's counts or a TRex server's get_stats()."""

import dataclasses
import json
from pathlib import Path

import pytest

from harness.errors import ExtbenchError
from harness.traffic import pgstats
from harness.traffic.profile import compile_streams
from tests.unit.test_trex_engine import SAVED_STATS

FIXTURES = Path(__file__).parent / "fixtures" / "profiles"


@pytest.fixture(scope="module")
def streams():
    return compile_streams("flow_stats", directory=FIXTURES)


def test_groups_are_read_from_the_streams_flow_stats(streams):
    assert pgstats.groups(streams) == [pgstats.Group(0, 5, False), pgstats.Group(1, 7, True)]
    assert [g.kind for g in pgstats.groups(streams)] == [0, 1]


def test_a_group_of_two_kinds_is_refused(streams):
    clash = dataclasses.replace(streams[1], json={
        **streams[1].json, "flow_stats": {**streams[1].json["flow_stats"], "stream_id": 5}})
    with pytest.raises(ExtbenchError, match="packet group 5 is both a stats and a latency"):
        pgstats.groups([streams[0], clash])


def test_header_end_follows_vlan_ip_options_and_tcp():
    eth = bytes(12) + b"\x08\x00"
    ip = bytes([0x46]) + bytes(8) + bytes([17]) + bytes(14)  # IHL 6: 4 bytes of options
    assert pgstats.header_end(eth + ip + bytes(30)) == 14 + 24 + 8
    vlan = bytes(12) + b"\x81\x00" + b"\x00\x07\x08\x00"
    tcp_ip = bytes([0x45]) + bytes(8) + bytes([6]) + bytes(10)
    tcp = bytes(12) + bytes([0x80]) + bytes(19)  # data offset 8 words: 32 bytes
    assert pgstats.header_end(vlan + tcp_ip + tcp) == 18 + 20 + 32
    assert pgstats.header_end(bytes(12) + b"\x08\x06" + bytes(28)) == 14  # ARP: no L4


def test_packets_without_room_for_the_signature_are_refused(streams):
    short = compile_streams("flow_stats", {"size": 54}, directory=FIXTURES)
    pkt = short[0].packet.ljust(60, b"\0")  # 60 bytes: 18 after the UDP header
    pgstats.check_room([(0, pkt)], pgstats.groups(short), short)
    with pytest.raises(ExtbenchError, match="stream 0.*8 bytes after its headers"):
        pgstats.check_room([(0, pkt[:50])], pgstats.groups(short), short)


ENGINE_PGS = [
    {"id": 5, "kind": 0, "tx": 8990, "tx_bytes": 8990 * 60, "tx_refused": 10,
     "tx_refused_bytes": 600, "rx": 8980,
     "rx_bytes": 8980 * 60, "lat_n": 0, "lat_min_ns": 0, "lat_max_ns": 0, "lat_avg_ns": 0.0,
     "jitter_ns": 0.0, "hist_us": {}},
    {"id": 7, "kind": 1, "tx": 1000, "tx_bytes": 60000, "tx_refused": 0,
     "tx_refused_bytes": 0, "rx": 1000,
     "rx_bytes": 60000, "lat_n": 1000, "lat_min_ns": 4100, "lat_max_ns": 95000,
     "lat_avg_ns": 8250.5, "jitter_ns": 1500.0, "hist_us": {"4": 600, "5": 390, "90": 10}}]


def test_engine_counts_become_the_record_as_trex_reports_them(streams):
    rec = pgstats.record(pgstats.from_engine(ENGINE_PGS), pgstats.groups(streams))
    # Refused by the switch's ring counts as sent (and lost), as paced packets do.
    assert rec["5"] == {"tx_pkts": 9000, "tx_bytes": 9000 * 60, "rx_pkts": 8980,
                        "rx_bytes": 8980 * 60, "lost_pkts": 20}
    assert rec["7"]["min_us"] == 4.1 and rec["7"]["max_us"] == 95.0
    assert rec["7"]["avg_us"] == pytest.approx(8.2505) and rec["7"]["jitter_us"] == 1.5
    assert rec["7"]["histogram_us"] == {"4": 600, "5": 390, "90": 10}
    assert rec["7"]["lost_pkts"] == 0


def test_a_trex_servers_stats_give_the_same_fields():
    # get_stats() of a server, after the child's JSON round trip (keys become strings).
    stats = json.loads(json.dumps(SAVED_STATS))
    pg = next(k for k in SAVED_STATS["flow_stats"] if k != "global")
    rec = pgstats.record(stats, [pgstats.Group(0, pg, True)])[str(pg)]
    assert (rec["tx_pkts"], rec["rx_pkts"], rec["lost_pkts"]) == (2000, 1998, 2)
    assert (rec["min_us"], rec["avg_us"], rec["max_us"], rec["jitter_us"]) == (11, 19.4, 245,
                                                                              3)
    assert rec["histogram_us"] == {"10": 1200, "20": 700, "30": 60, "100": 30, "200": 8}
