"""Each cache configuration, applied as a trial applies it, on OVS's dummy datapath.

No Mininet and no traffic engine: ovs-vswitchd with ``--enable-dummy`` runs dpif-netdev on
dummy ports, packets enter with ``netdev-dummy/receive``, and ``pmd-stats-show`` says which
cache answered them. Four flows, five packets each: the counters are exact.
"""

import re

import pytest

from harness.cache import CacheConfig
from harness.ovs import stats
from harness.ovs.daemons import OvsInstance

pytestmark = [pytest.mark.integration]
FLOWS, ROUNDS = 4, 5
PACKET = ("in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0800),"
          "ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0,ttl=64,frag=no),"
          "udp(src={sport},dst=12)")


def run(variant: str, cache: str) -> tuple[dict, int, list[str]]:
    """Counters, datapath flows and log warnings after FLOWS × ROUNDS packets."""
    config = CacheConfig.parse(cache)
    with OvsInstance(variant, vswitchd_args=("--enable-dummy", "--disable-system"),
                     other_config=config.other_config()) as ovs:
        ovs.vsctl("add-br", "br0", "--", "set", "bridge", "br0", "datapath_type=dummy",
                  "fail-mode=secure",
                  "--", "add-port", "br0", "p1", "--", "set", "interface", "p1", "type=dummy",
                  "ofport_request=1",
                  "--", "add-port", "br0", "p2", "--", "set", "interface", "p2", "type=dummy",
                  "ofport_request=2")
        for command in config.appctl_commands():  # As Testbed._apply_cache does.
            ovs.appctl(*command)
        ovs.ofctl("add-flow", "br0", "priority=100,ip,nw_dst=10.0.0.2,actions=output:2")
        ovs.appctl("dpif-netdev/pmd-stats-clear")
        for _ in range(ROUNDS):
            for f in range(FLOWS):
                ovs.appctl("netdev-dummy/receive", "p1", PACKET.format(sport=1025 + f))
        counters = stats.sum_pmd_stats(ovs.appctl("dpif-netdev/pmd-stats-show"))
        flows = stats.parse_dp_flow_count(ovs.appctl("dpctl/show"))
        sent = ovs.ofctl("dump-ports", "br0", "2")
        assert f"tx pkts={FLOWS * ROUNDS}" in sent, sent
        log = ovs.vswitchd_log.read_text().splitlines()
    return counters, flows, [line for line in log if "|WARN|" in line or "|ERR|" in line]


@pytest.fixture(scope="module")
def vanilla(built_variant):
    return built_variant("vanilla")


def test_megaflow_only(vanilla):
    c, flows, _ = run(vanilla, "megaflow")
    assert (c["emc_hits"], c["upcalls"], c["megaflow_hits"]) == (0, 1, FLOWS * ROUNDS - 1)
    assert flows == 1


def test_all_caches_insert_every_flow_into_the_emc(vanilla):
    c, flows, _ = run(vanilla, "all")
    # The first packet is an upcall; every other flow's first packet a megaflow hit that
    # inserts it into the EMC; the rest EMC hits.
    assert (c["upcalls"], c["megaflow_hits"]) == (1, FLOWS - 1)
    assert c["emc_hits"] == FLOWS * (ROUNDS - 1)


def test_disable_megaflows_gives_one_exact_flow_per_distinct_packet(vanilla):
    c, flows, _ = run(vanilla, "exact")
    assert (c["emc_hits"], c["upcalls"]) == (0, FLOWS)
    assert c["megaflow_hits"] == FLOWS * (ROUNDS - 1)
    assert flows == FLOWS


def test_no_cache_makes_every_packet_an_upcall_and_forwards_it(vanilla):
    c, flows, warnings = run(vanilla, "none")
    assert (c["emc_hits"], c["megaflow_hits"], c["upcalls"]) == (0, 0, 0)
    assert c["failed_upcalls"] == FLOWS * ROUNDS and flows == 0
    # A warning per upcall (5, then 1 a minute): expected under this configuration, so a
    # trial does not report them as problems.
    assert warnings
    allowed = CacheConfig.parse("none").allowed_log()
    assert all(any(re.search(a, w) for a in allowed) for w in warnings), warnings
