"""Expansion of the config's experiments into trials."""

import pytest

from harness import matrix


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
    assert t == {"variant": "vanilla", "topology": "p2p", "profile": "udp_flows",
                 "extension": "none", "flows": "1000", "pkt_size": "64", "rate": "1000",
                 "port_type": "system", "rep": "0"}
    with pytest.raises(ValueError):
        matrix.parse_trial("nonsense")


def test_run_order_chains_each_configuration_interleaved():
    # Two experiments share a configuration; the second adds a variant to it.
    config = {"repetitions": 2, "experiments": [
        {"name": "e1", "variants": ["a", "b"], "flows": [10, 100]},
        {"name": "e2", "variants": ["c"], "flows": [10]}]}
    before = matrix.run_order(matrix.trials(config))

    def chain_of(flows: int) -> list[str]:
        first = [p for p, prev in before.items() if prev is None
                 and matrix.parse_trial(p)["flows"] == str(flows)]
        assert len(first) == 1
        after = {prev: p for p, prev in before.items() if prev is not None}
        out = first
        while out[-1] in after:
            out.append(after[out[-1]])
        return [f"{matrix.parse_trial(p)['variant']}{matrix.parse_trial(p)['rep']}"
                for p in out]

    assert chain_of(10) == ["a0", "b0", "c0", "a1", "b1", "c1"]
    assert chain_of(100) == ["a0", "b0", "a1", "b1"]
