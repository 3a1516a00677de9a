"""The trial record contract: schema, what is derived from it, old records, assembly."""

import json

import pytest

from harness import records, results, trial
from harness.records import RecordError, read_record, write_record
from harness.trial import TrialSpec


def test_key_columns_come_from_the_schema_in_its_order():
    assert results.CONFIG_COLUMNS == records.KEY_COLUMNS
    assert records.KEY_COLUMNS == ["experiment", "variant", "topology", "profile", "extension",
                                   "flows", "pkt_size", "rate_pps", "port_type", "trial_kind",
                                   "cache", "bpf_jit"]
    assert {"spec", "rx_by_host", "search_iterations", "bpf_programs"} <= set(records.NESTED)
    assert results.COLUMNS[:len(records.COLUMNS)] == records.COLUMNS


def test_a_measured_record_follows_the_contract(measured):
    spec = TrialSpec(variant="verifier", experiment="caches", cache="megaflow",
                     port_type="dpdk", duration_s=2)
    record = measured(spec)
    assert records.problems(record) == []
    assert (record["record_version"], record["experiment"], record["cache"]) == (
        records.VERSION, "caches", "megaflow")
    assert (record["cache_emc_inv_prob"], record["cache_smc"], record["cache_megaflows"]) == (
        0, False, "mf")
    assert record["bpf_jit"] == "true" and record["trial_kind"] == "fixed"


def test_the_record_of_an_inexpressible_trial_follows_the_contract():
    spec = TrialSpec(variant="vanilla", extension="noop", experiment="e", cache="none")
    record = trial.not_expressible_record(spec, "vanilla has no extensions")
    assert records.problems(record) == []
    assert record["bpf_jit"] is None and record["delivery"] == "not expressible"


def test_a_search_record_follows_the_contract(measured, monkeypatch):
    spec = TrialSpec(variant="vanilla", duration_s=1, experiment="ndr")

    class Bed:
        def __init__(self, spec):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            pass

        def measure(self, rate, duration):
            return measured(spec) | {"offered_pps": rate, "loss_pct": 0.0 if rate else 5.0}

    monkeypatch.setattr(trial, "Testbed", Bed)
    monkeypatch.setattr(trial, "not_expressible", lambda spec: None)
    record = trial.run_search(spec, "ndr", max_iterations=3)
    assert records.problems(record) == []
    assert record["trial_kind"] == "ndr" and record["rate_pps"] is None
    assert len(record["search_iterations"]) == 3


def test_undeclared_and_mistyped_fields_are_refused(tmp_path, measured):
    record = measured(TrialSpec(variant="vanilla", duration_s=2))
    with pytest.raises(RecordError, match="r.json.*'emc_hitz' was unexpected"):
        write_record(tmp_path / "r.json", record | {"emc_hitz": 1})
    with pytest.raises(RecordError, match="cache_megaflows: 'off' is not one of"):
        write_record(tmp_path / "r.json", record | {"cache_megaflows": "off"})
    assert not (tmp_path / "r.json").exists()


def test_old_records_are_refused_naming_file_and_version(tmp_path):
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"variant": "vanilla", "rx_pps": 1.0}))
    with pytest.raises(RecordError, match=r"old\.json: record_version 0 .* rerun the trial"):
        read_record(old)
    new = tmp_path / "new.json"
    new.write_text(json.dumps({"record_version": records.VERSION + 1}))
    with pytest.raises(RecordError, match=r"new\.json: record_version 2 is newer"):
        read_record(new)


def test_old_records_are_migrated_when_a_migration_exists(tmp_path, monkeypatch, measured):
    current = measured(TrialSpec(variant="vanilla", duration_s=2))
    old = {k: v for k, v in current.items() if k not in ("record_version", "cache")}
    monkeypatch.setitem(records.MIGRATIONS, 0, lambda r: r | {"record_version": 1,
                                                              "cache": "default"})
    (tmp_path / "old.json").write_text(json.dumps(old))
    migrated = read_record(tmp_path / "old.json")
    assert json.dumps(migrated, sort_keys=True) == json.dumps(current, sort_keys=True)


def test_tidy_table_has_every_column_of_the_contract(tmp_path, measured):
    for rep in range(2):
        write_record(tmp_path / f"{rep}.json",
                     measured(TrialSpec(variant="vanilla", rep=rep, cache="all")))
    df = results.tidy_table(sorted(tmp_path.glob("*.json")))
    assert list(df.columns) == results.COLUMNS
    agg = results.aggregate(df, "rx_pps")
    assert len(agg) == 1 and agg.loc[0, "cache"] == "all" and agg.loc[0, "n"] == 2
