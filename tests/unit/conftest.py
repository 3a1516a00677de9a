"""Fixtures of the unit tests: trial records as the harness assembles them."""

from types import SimpleNamespace

import numpy as np
import pytest
import yaml

from harness import paths, trial
from harness.figures import REWRITE_SHARES
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


def _model(spec: TrialSpec, ext, role: str | None, rng) -> dict:
    """Counters of one trial as this machine's runs show them (README, 'Measured here'):
    Mpps by port type falling with flows, one datapath pass per re-classification, cache
    shares by cache configuration, latency percentiles; noise with a CV of about 3 %."""
    use, meta = ext or (None, None)
    chain = use.chain if use else 0
    key_write = bool(meta and meta.meta["changes_flow_key"])
    # refined re-classifies only packets whose consulted bytes changed: dnat's rewritten
    # share (harness.figures.REWRITE_SHARES), no TTL or DSCP write (L3 forwarding).
    share = REWRITE_SHARES.get(spec.profile, 1.0) if use and use.name == "dnat" else 0.0
    recirc = (0 if not use else chain if spec.variant == "softflow" and not use.coalesce else
              chain if spec.variant == "verifier" and key_write else
              chain * share if spec.variant == "refined" and key_write else 0)
    passes = 1.0 + recirc
    base = {"dpdk": 10.5e6, "afxdp": 0.36e6, "system": 0.2e6}[spec.port_type]
    base /= 1 + np.log10(spec.flows) ** 2 / 12
    cost = {"vanilla": 1.0, "softflow": 0.97, "oko": 0.96, "verifier": 0.98,
            "oko-fold": 0.96, "refined": 0.97}[spec.variant]
    # oko-fold decides pure filters once per megaflow: no cost per chained filter.
    folded = spec.variant == "oko-fold" and meta is not None \
        and meta.name in ("noop", "port_filter")
    cost *= (1 if folded else 1 - 0.06 * chain if role == "filter"
             else 1 - 0.04 * chain) / passes
    cost *= {"all": 1.05, "megaflow": 0.9, "none": 0.08, "exact": 0.5}.get(spec.cache, 1.0)
    capacity = base * cost * rng.lognormal(0, 0.03)
    rx = min(spec.rate_pps, capacity) if spec.rate_pps else capacity
    pkts = rx * spec.duration_s
    emc = {"all": 0.95, "megaflow": 0.0, "none": 0.0}.get(spec.cache,
                                                          max(0.0, 1 - spec.flows / 1300))
    lookups = pkts * passes
    failed = lookups if spec.cache == "none" else 0.0
    fields = dict(
        offered_pps=spec.rate_pps, duration_s=spec.duration_s, tx_pps=rx * 1.01, rx_pps=rx,
        tx_pkts=int(pkts * 1.01), rx_pkts=int(pkts), loss_pct=1.0, ovs_pkts=pkts,
        recirculations=pkts * recirc, passes_per_pkt=passes, emc_hits=lookups * emc - failed,
        megaflow_hits=lookups * (1 - emc) if not failed else 0.0, failed_upcalls=failed,
        upcalls=0.0, simple_match_hits=0.0, smc_hits=0.0,
        megaflows=int(passes * (1 + chain)) if spec.cache != "none" else 0,
        cycles_per_pkt=2.4e9 / capacity if spec.port_type != "system" else None)
    if spec.latency_pps:
        p50 = {"dpdk": 90.0, "afxdp": 60.0, "system": 70.0}[spec.port_type] * passes
        p50 *= rng.lognormal(0, 0.1)
        fields.update(lat_pps=spec.latency_pps, lat_clock="kernel", lat_probes_sent=2000,
                      lat_probes_received=2000, lat_probes_lost=0, lat_samples=2000,
                      lat_min_us=p50 / 4, lat_p50_us=p50, lat_p99_us=p50 * 12,
                      lat_max_us=p50 * 40)
    if ext:
        fields.update(ext_name=meta.name, ext_role=role, ext_chain=use.chain,
                      ext_coalesce=use.coalesce, ext_changes_flow_key=key_write,
                      ext_writes_packet=meta.writes_packet,
                      delivery=("not scored" if not spec.rate_pps else
                                "wrong" if use.coalesce and key_write else "correct"))
    return {k: v for k, v in fields.items() if v is not None}


@pytest.fixture
def synthetic(measured, monkeypatch):
    """synthetic(config, repetitions=None, seed=0, scale=None): contract-valid records of
    every trial of a config (a file under config/ or a dict), shaped like real ones
    (``_model``); scale(spec) → a factor on the received rate (a known effect)."""
    from harness import matrix
    from harness.bpf import metadata
    from harness.ovs.variant import load_variant
    from harness.placement import ExtensionUse, NotExpressible, role_on

    fixed = {"kernel": "6.1.0-28-amd64", "cpu_model": "Intel Xeon (synthetic)",
             "nproc": "2", "git_revision": "synthetic", "utc_time": "2026-12-06T12:00:00+00:00"}
    monkeypatch.setattr(trial, "provenance", lambda: dict(fixed))

    def make(config, repetitions=None, seed=0, scale=None) -> list[dict]:
        if not isinstance(config, dict):
            config = yaml.safe_load((paths.ROOT / "config" / config).read_text())
        rng = np.random.default_rng(seed)
        out = []
        for path in matrix.trials(config | ({"repetitions": repetitions} if repetitions
                                            else {})):
            t = matrix.parse_trial(path)
            spec = TrialSpec(
                variant=t["variant"], topology=t["topology"], profile=t["profile"],
                extension=None if t["extension"] == "none" else t["extension"],
                flows=int(t["flows"]), pkt_size=int(t["pkt_size"]),
                rate_pps=None if t["rate"] == "max" else float(t["rate"]),
                port_type=t["port_type"], cache=t["cache"], rep=int(t["rep"]),
                duration_s=float(config.get("duration_s", 2)), experiment=t["experiment"],
                latency_pps=config.get("latency_pps"))
            ext, role = None, None
            if spec.extension:
                use = ExtensionUse.parse(spec.extension)
                meta = metadata.load(use.name)
                variant = load_variant(spec.variant)
                try:
                    role = role_on(variant.extensions, variant.action_options, use, meta.kind)
                except NotExpressible as e:
                    out.append(trial.not_expressible_record(spec, str(e)))
                    continue
                ext = (use, meta)
            record = measured(spec, **_model(spec, ext, role, rng))
            if scale:
                record["rx_pps"] *= scale(spec)
            out.append(record)
        return out

    return make
