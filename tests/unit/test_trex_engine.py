"""The TRex engine without a server: options, rate mapping, packets, results from saved stats.

The saved statistics below have the shape of ``STLClient.get_stats()`` in the installed
TRex client (lbr-trex-client 3.4.0, interactive/trex): port entries from
``PortStats.to_dict`` (common/stats/trex_port_stats.py), 'global' from
``GlobalStats.to_dict`` (common/stats/trex_global_stats.py), 'flow_stats' and 'latency'
from ``CPgIdStats.get_stats`` (stl/trex_stl_stats.py), which turns the server's 'lat'
entries into 'latency' with a histogram keyed by integers. Tests against a real server
are in tests/integration/test_trex.py.
"""

import base64
import json
import subprocess
import sys

import pytest

from harness.errors import ExtbenchError
from harness.traffic import get_engine
from harness.traffic.engine import Drops
from harness.traffic.profile import compile_streams
from harness.traffic.trex import (
    ENV_PORTS,
    ENV_SERVER,
    FALLBACK_WARMUP_S,
    LATENCY_PG_ID,
    TrexEngine,
    TrexPort,
    _answer,
    check_ports,
    histogram_percentile,
    latency_packet,
    latency_result,
    parse_ports,
    parse_server,
    port_counts,
    port_errors,
    trex_mult,
    warmup_seconds,
)


def _port(opackets: int, ipackets: int) -> dict:
    return {"opackets": opackets, "ipackets": ipackets, "obytes": opackets * 64,
            "ibytes": ipackets * 64, "oerrors": 0, "ierrors": 0, "tx_bps": 0.0,
            "tx_pps": 0.0, "tx_bps_L1": 0.0, "tx_util": 0.0, "rx_bps": 0.0, "rx_pps": 0.0,
            "rx_bps_L1": 0.0, "rx_util": 0.0}


def _per_port(p0, p1) -> dict:
    return {0: p0, 1: p1, "total": p0 + p1}


# 2 s of 20,000 pps load plus a 1,000 pps latency stream from port 0 to port 1.
SAVED_STATS = {
    "global": {"active_flows": 0.0, "active_sockets": 0, "bw_per_core": 1.2,
               "cpu_util": 3.1, "cpu_util_raw": 3.0, "open_flows": 0.0,
               "platform_factor": 1.0, "rx_bps": 0.0, "rx_core_pps": 0.0,
               "rx_cpu_util": 0.4, "rx_drop_bps": 0.0, "rx_pps": 0.0, "socket_util": 0.0,
               "tx_expected_bps": 0.0, "tx_expected_cps": 0.0, "tx_expected_pps": 0.0,
               "tx_pps": 0.0, "tx_bps": 0.0, "tx_cps": 0.0, "total_servers": 0,
               "total_clients": 0, "total_alloc_error": 0, "queue_full": 0},
    0: _port(42000, 0),
    1: _port(0, 41990),
    "total": _port(42000, 41990),
    "flow_stats": {
        LATENCY_PG_ID: {"rx_pkts": _per_port(0, 1998), "tx_pkts": _per_port(2000, 0),
                        "rx_bytes": _per_port(0, 1998 * 64),
                        "tx_bytes": _per_port(2000 * 64, 0),
                        "rx_bps": _per_port(0.0, 0.0), "rx_pps": _per_port(0.0, 0.0),
                        "tx_bps": _per_port(0.0, 0.0), "tx_pps": _per_port(0.0, 0.0),
                        "rx_bps_l1": {0: 0.0, 1: 0.0}, "tx_bps_l1": {0: 0.0, 1: 0.0}},
        "global": {"rx_err": {0: 0, 1: 0}, "tx_err": {0: 0, 1: 0}}},
    "latency": {
        "global": {"old_flow": 0, "bad_hdr": 0},
        LATENCY_PG_ID: {
            "err_cntrs": {"dropped": 2, "out_of_order": 0, "dup": 0, "seq_too_high": 0,
                          "seq_too_low": 0},
            "latency": {"jitter": 3, "average": 19.4, "total_max": 245, "total_min": 11,
                        "last_max": 60,
                        "histogram": {10: 1200, 20: 700, 30: 60, 100: 30, 200: 8}}}},
}


def test_port_counters_are_trex_opackets_and_ipackets():
    assert port_counts(SAVED_STATS, 0, [1]) == (42000, [41990])
    # The same after the child's JSON round trip, which turns integer keys into strings.
    assert port_counts(json.loads(json.dumps(SAVED_STATS)), 0, [1]) == (42000, [41990])
    with pytest.raises(ExtbenchError, match="no counters for port 3"):
        port_counts(SAVED_STATS, 0, [3])


def test_port_errors_are_the_ends_drops():
    stats = json.loads(json.dumps(SAVED_STATS))
    stats["0"]["oerrors"], stats["1"]["ierrors"] = 5, 9
    assert port_errors(stats, 0, [1]) == Drops(sender=5, receiver=9)
    assert port_errors(SAVED_STATS, 0, [1]) == Drops(sender=0, receiver=0)


@pytest.mark.parametrize("stats", [SAVED_STATS, json.loads(json.dumps(SAVED_STATS))])
def test_latency_fields_from_the_latency_stream(stats):
    assert latency_result(stats, LATENCY_PG_ID, 1000.0) == {
        "lat_probes_sent": 2000, "lat_probes_received": 1998, "lat_probes_lost": 2,
        "lat_samples": 1998, "lat_min_us": 11.0,
        # Half the samples are below 20 µs (bucket 10); 99 % below 200 µs (bucket 100).
        "lat_p50_us": 20.0, "lat_p99_us": 200.0, "lat_max_us": 245.0, "lat_pps": 1000.0}


def test_figures_trex_does_not_report_stay_empty():
    stats = json.loads(json.dumps(SAVED_STATS))
    lat = stats["latency"][str(LATENCY_PG_ID)]["latency"]
    lat["total_min"] = "N/A"  # StatNotAvailable, a str, on servers without total_min.
    lat["total_max"] = 150
    r = latency_result(stats, LATENCY_PG_ID, 1000.0)
    assert r["lat_min_us"] is None
    assert r["lat_p99_us"] == 150.0  # The bucket edge (200) is capped at the true max.
    with pytest.raises(ExtbenchError, match="no latency stream 5"):
        latency_result(stats, 5, 1000.0)


def test_histogram_buckets_follow_trex():
    # TRex's buckets: [0,10) [10,20) … [90,100) [100,200) … [1000,2000) …
    assert histogram_percentile({0: 10}, 50) == 10.0
    assert histogram_percentile({90: 1, 100: 1}, 50) == 100.0
    assert histogram_percentile({90: 1, 100: 1}, 99) == 200.0
    assert histogram_percentile({"3000": 4}, 99) == 4000.0
    assert histogram_percentile({10: 0}, 50) is None


def test_rate_maps_to_trex_multiplier():
    assert trex_mult(None) == "100%"
    assert trex_mult(20000) == "20000.000pps"
    # Latency streams keep their own rate; the port total must add it for the load to
    # get exactly the requested rate.
    assert trex_mult(20000, 1000) == "21000.000pps"
    assert trex_mult(2.5e6) == "2500000.000pps"
    with pytest.raises(ExtbenchError, match="rate_pps must be positive"):
        trex_mult(0)


def test_server_and_ports_parsing():
    assert parse_server("10.1.1.1") == ("10.1.1.1", 4501)
    assert parse_server("trex.lab:4601") == ("trex.lab", 4601)
    for bad, why in ((":4501", "no host"), ("h:x", "1..65535"), ("h:0", "1..65535")):
        with pytest.raises(ExtbenchError, match=why):
            parse_server(bad)
    assert parse_ports("0,1") == (0, [1])
    assert parse_ports("2,0,1") == (2, [0, 1])
    with pytest.raises(ExtbenchError, match="at least one receiving port"):
        parse_ports("0")
    with pytest.raises(ExtbenchError, match="port numbers like 0,1"):
        parse_ports("a,b")
    for tx, rx, why in ((0, [], "no receiving port"), (0, [0], "repeat"),
                        (-1, [1], "≥ 0")):
        with pytest.raises(ExtbenchError, match=why):
            check_ports(tx, rx)


def test_engine_needs_a_configured_server(monkeypatch):
    monkeypatch.delenv(ENV_SERVER, raising=False)
    with pytest.raises(ExtbenchError, match=f"no TRex server configured .*{ENV_SERVER}"):
        get_engine("trex")


def test_engine_takes_server_and_ports_from_options_or_environment(monkeypatch):
    monkeypatch.setenv(ENV_SERVER, "198.51.100.7:4601")
    monkeypatch.setenv(ENV_PORTS, "1,0")
    e = get_engine("trex")
    assert isinstance(e, TrexEngine)
    assert (e.host, e.sync_port, e.tx_port, e.rx_ports) == ("198.51.100.7", 4601, 1, [0])
    e = get_engine("trex", server="10.1.1.1", tx_port=2, rx_ports=[3], latency_pps=500)
    assert (e.host, e.sync_port, e.tx_port, e.rx_ports) == ("10.1.1.1", 4501, 2, [3])
    with pytest.raises(ExtbenchError, match="latency_pps must be in"):
        get_engine("trex", latency_pps=0)


@pytest.fixture(scope="module")
def streams():
    return compile_streams("udp_flows", {"flows": 1000, "size": 64, "src": "16.0.0.1",
                                         "dst": "48.0.0.1"})


def test_latency_packet_is_the_load_packet_to_the_probe_port(streams):
    template = streams[0].packet
    pkt = latency_packet(template, 7359)
    assert len(pkt) == len(template)
    assert pkt[36:38] == (7359).to_bytes(2, "big") and pkt[40:42] == b"\0\0"
    assert pkt[:36] == template[:36] and pkt[38:40] == template[38:40]
    assert pkt[42:] == template[42:]
    arp = template[:12] + b"\x08\x06" + template[14:]
    with pytest.raises(ExtbenchError, match="not IPv4"):
        latency_packet(arp)
    tcp = bytearray(template)
    tcp[23] = 6
    with pytest.raises(ExtbenchError, match="not UDP"):
        latency_packet(bytes(tcp))


def test_warmup_covers_every_distinct_packet(streams):
    # 1000 flows at 10,000 pps: 0.1 s for each flow's packet to be sent once.
    assert warmup_seconds(streams, 10_000) == pytest.approx(0.1)
    two = compile_streams("udp_flows", {"flows": 500}) + streams  # Both at 1000 pps.
    # Each stream gets half the rate: the 1000-flow one needs 0.2 s.
    assert warmup_seconds(two, 10_000) == pytest.approx(0.2)
    pct = streams[0].__class__(**{**streams[0].__dict__,
                                  "rate": {"type": "percentage", "value": 10}})
    assert warmup_seconds([pct], 10_000) == FALLBACK_WARMUP_S


def test_endpoints_must_match_the_ports(streams):
    e = TrexEngine(server="192.0.2.1", tx_port=0, rx_ports=[1])
    with pytest.raises(ExtbenchError, match="2 receiving endpoints for 1 receiving ports"):
        e._prepare(streams, TrexPort(0), [TrexPort(1), TrexPort(2)])
    with pytest.raises(ExtbenchError, match="endpoint trex-port-3 is port 3"):
        e._prepare(streams, TrexPort(0), [TrexPort(3)])
    with pytest.raises(ExtbenchError, match="runs no programs"):
        TrexPort(0).run(["true"])


def test_child_errors_become_one_line():
    with pytest.raises(ExtbenchError, match="TRex at h: port 0 is down"):
        _answer('{"error": "port 0 is down"}\n', "", 2, "h")
    with pytest.raises(ExtbenchError, match=r"failed \(exit 1\): ImportError: x"):
        _answer("", "Traceback …\nImportError: x\n", 1, "h")


def test_trex_client_receives_the_profiles_streams_and_the_latency_stream(streams):
    """The child builds the TRex client's STLStream objects (no server needed)."""
    e = TrexEngine(server="192.0.2.1", tx_port=0, rx_ports=[1], latency_pps=1000)
    e._prepare(streams, TrexPort(0), [TrexPort(1)])
    job = e.job("compile", trex_mult(20000, 1000), 2.0, latency=True)
    p = subprocess.run([sys.executable, "-m", "harness.traffic.trex"],
                       input=json.dumps(job) + "\n", capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    answer = json.loads(p.stdout)
    # TRex's own parser reads the multiplier as an absolute port rate.
    assert answer["mult"] == {"type": "pps", "value": 21000.0, "op": "abs"}
    load, lat = answer["streams"]
    assert {k: v for k, v in load.items() if k != "name"} == {
        k: v for k, v in streams[0].json.items() if k != "name"}
    assert lat["flow_stats"] == {"enabled": True, "stream_id": LATENCY_PG_ID, "vxlan": False,
                                 "ieee_1588": False, "rule_type": "latency"}
    assert lat["mode"] == {"rate": {"type": "pps", "value": 1000}, "type": "continuous"}
    assert base64.b64decode(lat["packet"]["binary"]) == latency_packet(streams[0].packet)


def test_profile_using_the_latency_group_is_refused(streams):
    j = dict(streams[0].json, flow_stats={"enabled": True, "stream_id": LATENCY_PG_ID,
                                          "rule_type": "stats"})
    clash = streams[0].__class__(**{**streams[0].__dict__, "json": j})
    e = TrexEngine(server="192.0.2.1", tx_port=0, rx_ports=[1], latency_pps=1000)
    with pytest.raises(ExtbenchError, match=f"packet group {LATENCY_PG_ID}"):
        e._prepare([clash], TrexPort(0), [TrexPort(1)])
