"""Tidy table and aggregation over repetitions."""

import json

import numpy as np
import pytest

from harness.records import write_record
from harness.results import aggregate, bootstrap_ci, tidy_table
from harness.trial import TrialSpec


@pytest.fixture
def record(measured):
    def make(variant, flows, rep, rx):
        return measured(TrialSpec(variant=variant, flows=flows, rep=rep), rx_pps=rx)
    return make


def test_tidy_table_one_row_per_record(tmp_path, record):
    for i, rx in enumerate([100.0, 110.0, 90.0]):
        write_record(tmp_path / f"{i}.json", record("vanilla", 10, i, rx))
    df = tidy_table(sorted(tmp_path.glob("*.json")))
    assert len(df) == 3
    assert json.loads(df.loc[0, "spec"])["variant"] == "vanilla"


def test_tidy_table_keeps_a_search_s_trials_as_json(tmp_path, record):
    record = record("vanilla", 10, 0, 100.0)
    record["search_iterations"] = [{"tx_pps": 200.0, "valid": False, "rx_by_host": {"h2": 1}}]
    write_record(tmp_path / "0.json", record)
    df = tidy_table([tmp_path / "0.json"])
    assert json.loads(df.loc[0, "search_iterations"])[0]["rx_by_host"] == {"h2": 1}


def test_aggregate_median_ci_cv(tmp_path, record):
    paths = []
    for i, rx in enumerate([100.0, 110.0, 90.0]):
        paths.append(tmp_path / f"{i}.json")
        write_record(paths[-1], record("vanilla", 10, i, rx))
    agg = aggregate(tidy_table(paths), "rx_pps", by=["variant", "flows"])
    row = agg.iloc[0]
    assert row["n"] == 3 and row["median"] == 100.0
    assert row["ci_low"] <= 100.0 <= row["ci_high"]
    assert row["cv"] == pytest.approx(10.0 / 100.0)


def test_bootstrap_ci_needs_two_values():
    assert all(np.isnan(bootstrap_ci(np.array([1.0]))))


def test_write_record_is_atomic(tmp_path, record, monkeypatch):
    class Boom:
        pass
    # Past the contract's check (an object is an object), the JSON encoder fails.
    monkeypatch.setattr("harness.records.check", lambda record, source: record)
    with pytest.raises(TypeError):
        write_record(tmp_path / "r.json", record("vanilla", 10, 0, 1.0) | {"spec": Boom()})
    assert list(tmp_path.iterdir()) == []
