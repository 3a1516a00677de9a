"""The local engine between two Mininet hosts (MininetEndpoint), joined by a plain link."""

import pytest

from harness.proc import run
from harness.traffic import get_engine
from harness.traffic.endpoint import MininetEndpoint
from harness.traffic.profile import compile_streams

pytestmark = [pytest.mark.root, pytest.mark.integration]


@pytest.fixture
def hosts():
    from mininet.link import Link
    from mininet.node import Host

    made, link = [], None
    try:
        made = [Host("xbt1"), Host("xbt2")]
        link = Link(*made)
        for h in made:
            h.cmd("sysctl -qw net.ipv6.conf.all.disable_ipv6=1")
        made[0].setIP("10.0.0.1/24")
        made[1].setIP("10.0.0.2/24")
        yield made
    finally:
        if link is not None:
            link.delete()
        for h in made:
            h.terminate()


def test_mininet_hosts_send_and_count(hosts):
    h1, h2 = hosts
    tx, rx = MininetEndpoint(h1), MininetEndpoint(h2)
    assert (tx.name, tx.intf, tx.ip, rx.mac) == ("xbt1", "xbt1-eth0", "10.0.0.1",
                                                 h2.defaultIntf().updateMAC())
    streams = compile_streams("udp_flows", {"flows": 100, "src": tx.ip, "dst": rx.ip})
    engine = get_engine("local")
    engine.warmup(streams, tx, [rx])
    r = engine.run(streams, tx=tx, rx=[rx], rate_pps=10_000, duration_s=1.0)
    assert r.tx_pkts == pytest.approx(10_000, rel=0.01)
    assert r.rx_by_endpoint == {"xbt2": r.tx_pkts}
    out, _, _ = run(["pgrep", "-f", "tcpreplay.*xbt1-eth0"])
    assert out == ""
