"""Cache configurations end to end: each does to the datapath's counters what it says.

After the warm-up every distinct packet has been seen, so during the measurement:
all (every new flow into the EMC) → EMC hits; megaflow (EMC off) → no EMC hit, megaflow
hits; exact (EMC off, upcall/disable-megaflows) → one exact-match datapath flow per
distinct packet, found in dpcls; none (flow-limit 0) → no datapath flow at all, every
packet an upcall that installs nothing ("miss with failed upcall") and is forwarded.
"""

import pytest

from harness import records
from harness.trial import TrialSpec, run_trial

pytestmark = [pytest.mark.integration, pytest.mark.root]
FLOWS, RATE, DURATION = 100, 5000, 2.0


@pytest.fixture(scope="module")
def variants(built_variant):
    return {v: built_variant(v) for v in ("vanilla", "oko")}


def trial(variant: str, cache: str, **kw) -> dict:
    r = run_trial(TrialSpec(variant=variant, flows=FLOWS, duration_s=DURATION,
                            rate_pps=RATE, cache=cache, experiment="test-caches", **kw))
    assert records.problems(r) == []
    assert r["cache"] == cache and r["experiment"] == "test-caches"
    # Whatever the caches, the switch forwards.
    assert r["rx_pkts"] >= 0.98 * r["tx_pkts"], (r["tx_pkts"], r["rx_pkts"])
    assert r["ovs_log_problems"] == []
    return r


def passes(r: dict) -> float:
    return r["ovs_pkts"] + r["recirculations"]


def test_all_caches_answer_from_the_emc(variants):
    r = trial(variants["vanilla"], "all")
    assert (r["cache_emc_inv_prob"], r["cache_smc"]) == (1, True)
    assert r["emc_hits"] >= 0.95 * passes(r)


def test_megaflow_only_has_no_emc_hit(variants):
    r = trial(variants["vanilla"], "megaflow")
    assert r["emc_hits"] == 0 and r["smc_hits"] == 0
    assert r["megaflow_hits"] >= 0.95 * passes(r)
    assert r["megaflows"] < FLOWS  # Megaflows cover many flows each.


def test_exact_match_flows_one_per_distinct_packet(variants):
    r = trial(variants["vanilla"], "exact")
    assert r["emc_hits"] == 0
    assert r["megaflows"] >= FLOWS
    assert r["megaflow_hits"] >= 0.95 * passes(r)


def test_no_cache_makes_every_packet_an_upcall(variants):
    r = trial(variants["vanilla"], "none")
    assert r["cache_megaflows"] == "nomf" and r["megaflows"] == 0
    assert r["emc_hits"] == 0 and r["megaflow_hits"] == 0
    assert r["upcalls"] + r["failed_upcalls"] >= 0.99 * passes(r)


def test_no_cache_reruns_oko_s_filter_on_every_upcall(variants):
    r = trial(variants["oko"], "none", extension="noop")
    assert r["delivery"] == "correct"
    assert r["upcalls"] + r["failed_upcalls"] >= 0.99 * passes(r)
    assert r["bpf_runs"] >= 0.99 * r["ovs_pkts"]


def test_cache_configuration_on_dpdk_ports(variants):
    r = trial(variants["vanilla"], "megaflow", port_type="dpdk")
    assert r["emc_hits"] == 0 and r["megaflow_hits"] >= 0.95 * passes(r)
