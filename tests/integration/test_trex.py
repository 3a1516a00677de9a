"""The TRex engine against a real TRex server, wired as docs/trex.md describes.

Runs only when a server is configured: EXTBENCH_TREX_SERVER=host[:sync_port] and
EXTBENCH_TREX_PORTS=tx,rx (default 0,1), with the switch under test forwarding the
udp_flows profile's packets (16.0.0.1 → 48.0.0.1 unless EXTBENCH_TREX_SRC/DST say
otherwise) from the sending port to the receiving port. Without a server every test is
skipped, saying why (``pytest -rs`` prints the reason); nothing stands in for a server.
"""

import os

import pytest

from harness.traffic import get_engine
from harness.traffic.profile import compile_streams
from harness.traffic.trex import ENV_PORTS, ENV_SERVER, TrexPort, parse_ports

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not os.environ.get(ENV_SERVER),
                       reason=f"no TRex server configured: set {ENV_SERVER}=host[:port] "
                              f"(and {ENV_PORTS}=tx,rx) to run the TRex engine against a "
                              f"real server; no fake server stands in for it"),
]


@pytest.fixture(scope="module")
def setup():
    tx, rx = parse_ports(os.environ.get(ENV_PORTS, "0,1"))
    streams = compile_streams("udp_flows", {
        "flows": 1000, "size": 64, "src": os.environ.get("EXTBENCH_TREX_SRC", "16.0.0.1"),
        "dst": os.environ.get("EXTBENCH_TREX_DST", "48.0.0.1")})
    return streams, TrexPort(tx), [TrexPort(p) for p in rx]


def test_fixed_rate_counts_with_trex_port_counters(setup):
    streams, tx, rx = setup
    engine = get_engine("trex")
    engine.warmup(streams, tx, rx)
    r = engine.run(streams, tx=tx, rx=rx, rate_pps=10_000, duration_s=2.0)
    assert (r.engine, r.offered_pps, r.duration_s) == ("trex", 10_000, 2.0)
    # TRex paces exactly: 2 s at 10,000 pps.
    assert r.tx_pkts == pytest.approx(20_000, rel=0.01)
    # A switch forwarding 10,000 pps of 1000 flows loses (almost) nothing.
    assert 0.99 * r.tx_pkts <= r.rx_pkts <= r.tx_pkts
    assert set(r.rx_by_endpoint) == {p.name for p in rx}


def test_latency_stream_gives_latency_fields(setup):
    streams, tx, rx = setup
    engine = get_engine("trex", latency_pps=1000)
    r = engine.run(streams, tx=tx, rx=rx, rate_pps=10_000, duration_s=2.0)
    lat = engine.latency
    # The load keeps its rate; the latency stream adds its own 1000 pps.
    assert r.tx_pkts == pytest.approx(22_000, rel=0.01)
    assert lat["lat_probes_sent"] == pytest.approx(2000, rel=0.01)
    assert lat["lat_probes_received"] >= 0.99 * lat["lat_probes_sent"]
    assert 0 < lat["lat_p50_us"] <= lat["lat_p99_us"] <= lat["lat_max_us"]


def test_line_rate_run(setup):
    streams, tx, rx = setup
    r = get_engine("trex").run(streams, tx=tx, rx=rx, rate_pps=None, duration_s=2.0)
    assert r.offered_pps is None and r.tx_pps > 10_000 and r.rx_pkts > 0
