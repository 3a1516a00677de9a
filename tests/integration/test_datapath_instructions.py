"""The datapath instruction benchmark on real daemons under callgrind (tap ports, tiny).

Hold the testbed lock: ``flock /tmp/xb-testbed.lock … pytest …``.
"""

import shutil
from pathlib import Path

import pytest

from benchmarks.datapath_instructions import HOSTS, port_name, run

pytestmark = [pytest.mark.integration, pytest.mark.root,
              pytest.mark.skipif(shutil.which("valgrind") is None, reason="needs valgrind")]


@pytest.fixture(scope="module")
def results(built_variant):
    for v in ("vanilla", "oko", "oko-fold"):
        built_variant(v)
    rs, skipped = run(["vanilla:none", "oko:none", "oko:port_filter-chain10",
                       "oko-fold:port_filter-chain1", "oko-fold:port_filter-chain10",
                       "vanilla:port_filter"], ["emc1"], packets=100, flows=100, pkt_size=64,
                      bpf_jit="true")
    return {f"{r.variant}:{r.extension}": r for r in rs}, skipped


def test_every_counted_packet_is_forwarded_from_the_warm_caches(results):
    by_config, _ = results
    assert set(by_config) == {"vanilla:none", "oko:none", "oko:port_filter-chain10",
                              "oko-fold:port_filter-chain1", "oko-fold:port_filter-chain10"}
    for r in by_config.values():
        assert r.forwarded == r.expected_forwarded == r.packets == 100
        assert r.emc_hits == 100 and r.megaflow_hits == 0
        assert r.instructions > 0 and r.insns_per_pkt > 0
        assert r.warmup_upcalls >= 1 and r.upcall_insns and r.upcall_insns > 0


def test_a_chain_of_ten_filters_costs_oko_more_than_none(results):
    by_config, _ = results
    none, chain = by_config["oko:none"], by_config["oko:port_filter-chain10"]
    assert chain.bpf_runs_per_pkt == 10.0
    assert chain.insns_per_pkt > none.insns_per_pkt + 10 * 20
    assert chain.ratio_to_vanilla > none.ratio_to_vanilla >= 1.0
    assert by_config["vanilla:none"].ratio_to_vanilla == 1.0
    assert chain.functions_per_pkt.get("filter_chain_check", 0) > 0


def test_what_a_variant_cannot_express_is_skipped_and_nothing_is_left(results):
    _, skipped = results
    assert len(skipped) == 1 and skipped[0].startswith("vanilla:port_filter (emc1)")
    for host in HOSTS:
        assert not Path(f"/sys/class/net/{port_name(host)}").exists()


def test_folded_filters_do_not_run_on_hits_and_ten_cost_what_one_does(results):
    by_config, _ = results
    one, ten = by_config["oko-fold:port_filter-chain1"], by_config["oko-fold:port_filter-chain10"]
    assert one.bpf_runs_per_pkt == ten.bpf_runs_per_pkt == 0.0
    assert abs(ten.insns_per_pkt - one.insns_per_pkt) < 1.0
    assert by_config["vanilla:none"].insns_per_pkt < ten.insns_per_pkt
    assert ten.insns_per_pkt < by_config["oko:port_filter-chain10"].insns_per_pkt / 4
    # Every filter folded: a hit tests the chain's summary (the guard, inline), never the chain
    # itself, and costs within 10 % of vanilla (1.24x before the summary).
    assert "filter_fold_chain_check" not in ten.functions_per_pkt
    assert ten.ratio_to_vanilla < 1.10
