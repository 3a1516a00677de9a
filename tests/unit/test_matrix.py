"""Expansion of the config's experiments into trials."""

import re

import pytest
import yaml

from harness import matrix, paths


def test_outer_is_cartesian_and_interleaves_variants():
    exp = {"name": "e", "variants": ["a", "b"], "flows": [10, 100]}
    trials = matrix.expand_experiment(exp, repetitions=2)
    assert len(trials) == 2 * 2 * 2
    # Variants change fastest (A B A B …); repetitions are the outer loop.
    assert [t["variant"] for t in trials] == ["a", "b"] * 4
    assert [t["flows"] for t in trials[:4]] == [10, 10, 100, 100]
    assert [t["rep"] for t in trials] == [0] * 4 + [1] * 4


def test_joint_zips_and_broadcasts():
    exp = {"name": "e", "scale": "joint", "variants": ["a"], "flows": [1, 2, 3],
           "pkt_sizes": [64, 128, 256]}
    trials = matrix.expand_experiment(exp, repetitions=1)
    assert [(t["flows"], t["pkt_size"]) for t in trials] == [(1, 64), (2, 128), (3, 256)]


def test_joint_rejects_mismatched_lengths():
    exp = {"name": "e", "scale": "joint", "variants": ["a", "b"], "flows": [1, 2, 3]}
    with pytest.raises(ValueError, match="joint axes"):
        matrix.expand_experiment(exp, repetitions=1)


def test_trial_path_round_trip():
    config = {"repetitions": 1, "experiments": [{"name": "e", "variants": ["vanilla"],
                                                  "rates": [1000, "max"]}]}
    paths = matrix.trials(config)
    assert len(paths) == 2
    t = matrix.parse_trial(paths[0])
    assert t == {"experiment": "e", "variant": "vanilla", "topology": "p2p",
                 "profile": "udp_flows", "extension": "none", "flows": "1000",
                 "pkt_size": "64", "rate": "1000", "port_type": "system",
                 "cache": "default", "rep": "0"}
    with pytest.raises(ValueError):
        matrix.parse_trial("nonsense")


def test_run_order_chains_each_configuration_interleaved():
    # Two experiments with a configuration in common: each runs its own trials.
    config = {"repetitions": 2, "experiments": [
        {"name": "e1", "variants": ["a", "b"], "flows": [10, 100]},
        {"name": "e2", "variants": ["c"], "flows": [10]}]}
    before = matrix.run_order(matrix.trials(config))

    def chain_of(flows: int, experiment: str = "e1") -> list[str]:
        first = [p for p, prev in before.items() if prev is None
                 and matrix.parse_trial(p)["flows"] == str(flows)
                 and matrix.parse_trial(p)["experiment"] == experiment]
        assert len(first) == 1
        after = {prev: p for p, prev in before.items() if prev is not None}
        out = first
        while out[-1] in after:
            out.append(after[out[-1]])
        return [f"{matrix.parse_trial(p)['variant']}{matrix.parse_trial(p)['rep']}"
                for p in out]

    assert chain_of(10) == ["a0", "b0", "a1", "b1"]
    assert chain_of(100) == ["a0", "b0", "a1", "b1"]
    assert chain_of(10, "e2") == ["c0", "c1"]


def test_every_trial_names_its_experiment_and_cache():
    config = {"repetitions": 1, "experiments": [
        {"name": "caches", "variants": ["vanilla", "oko"], "caches": ["all", "emc1_smc_mf"]},
        {"name": "plain", "variants": ["vanilla"]}]}
    trials = [matrix.parse_trial(p) for p in matrix.trials(config)]
    assert [(t["experiment"], t["variant"], t["cache"]) for t in trials] == [
        ("caches", "vanilla", "all"), ("caches", "oko", "all"),
        ("caches", "vanilla", "emc1_smc_mf"), ("caches", "oko", "emc1_smc_mf"),
        ("plain", "vanilla", "default")]


def test_trials_refuse_duplicate_experiments_and_unknown_caches():
    twice = {"repetitions": 1, "experiments": [{"name": "e", "variants": ["a"]},
                                                {"name": "e", "variants": ["b"]}]}
    with pytest.raises(ValueError, match="unique: e"):
        matrix.trials(twice)
    bad = {"repetitions": 1, "experiments": [{"name": "e", "variants": ["a"],
                                              "caches": ["emc1_lru"]}]}
    with pytest.raises(ValueError, match="experiment 'e'.*'lru'"):
        matrix.trials(bad)


def test_defaults_are_the_config_schema_s():
    schema = yaml.safe_load(paths.CONFIG_SCHEMA.read_text())
    axes = schema["properties"]["experiments"]["items"]["properties"]
    assert matrix.DEFAULTS["caches"] == axes["caches"]["default"] == ["default"]
    assert set(matrix.DEFAULTS) == set(matrix.AXES.values()) - {"variants"}


def test_snakemake_constraint_matches_the_paths():
    config = {"repetitions": 1, "experiments": [{"name": "x-1", "variants": ["vanilla"],
                                                  "caches": ["none", "emc0_smc_exact"]}]}
    for p in matrix.trials(config):
        assert re.fullmatch(matrix.TRIAL_CONSTRAINT, p)


def test_results_dir_names_every_setting_that_changes_a_result():
    # Switching trial_kind (or duration, latency probe, engine) writes a new result set
    # instead of overwriting one; defaults come from the schema.
    base = {"name": "smoke", "experiments": []}
    assert matrix.results_dir(base) == "results/smoke/fixed-10s-nolat-local"
    fixed = {**base, "duration_s": 2, "latency_pps": 1000}
    assert matrix.results_dir(fixed) == "results/smoke/fixed-2s-lat1000-local"
    ndr = {**fixed, "trial_kind": "ndr"}
    assert matrix.results_dir(ndr) == "results/smoke/ndr3-2s-lat1000-local"
    one = {**ndr, "search_trials_per_rate": 1}
    assert matrix.results_dir(one) == "results/smoke/ndr1-2s-lat1000-local"
    configs = (base, fixed, ndr, one, {**fixed, "duration_s": 2.5})
    assert len({matrix.results_dir(c) for c in configs}) == len(configs)
