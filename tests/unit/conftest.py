"""Fixtures of the unit tests: trial records as the harness assembles them."""

from types import SimpleNamespace

import pytest

from harness import trial
from harness.ovs import stats
from harness.trial import TrialSpec

PMD_STATS = ("pmd thread numa_id 0 core_id 1:\n  packets received: 1000\n"
             "  packet recirculations: 0\n  emc hits: 900\n  megaflow hits: 100\n"
             "  miss with success upcall: 0\n")


def traffic(**kw) -> SimpleNamespace:
    """An engine's result (harness.traffic.engine.TrafficResult's fields)."""
    fields = dict(engine="dpdk", offered_pps=None, duration_s=2.0, tx_pkts=1000, rx_pkts=990,
                  tx_pps=500.0, rx_pps=495.0, loss_pct=1.0, sender_drops=0, receiver_drops=0,
                  ring_full=10, rx_by_endpoint={"xbh2": 990}, window_ns=None)
    return SimpleNamespace(**(fields | kw))


@pytest.fixture
def measured(monkeypatch):
    """measured(spec, **fields): a measurement's record as Testbed.measure assembles it
    (real parsers' output; make_record's build manifest stubbed: unit tests have no
    build), with 'fields' changed."""
    monkeypatch.setattr(trial, "manifest_sha256", lambda variant: "0" * 64)

    def make(spec: TrialSpec, **fields) -> dict:
        record = trial.make_record(spec, traffic(), stats.sum_pmd_stats(PMD_STATS), 3, 1.5,
                                   {}, [])
        record.update(trial.bpf_deltas([], []))
        record.update({f"ovs_port_{k}": v for k, v in stats.parse_port_counters("").items()},
                      ovs_socket_drops=0)
        return record | fields

    return make
