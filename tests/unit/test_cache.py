"""Cache configurations: names, the OVS settings they become, the CLI and config axis."""

import re

import pytest
import yaml
from jsonschema import Draft202012Validator

from harness import cli, matrix, paths, trial
from harness.cache import PRESETS, CacheConfig
from harness.errors import ExtbenchError


@pytest.mark.parametrize("name, other_config, appctl", [
    ("default", {}, []),
    ("all", {"emc-insert-inv-prob": "1", "smc-enable": "true"}, []),
    ("megaflow", {"emc-insert-inv-prob": "0"}, []),
    ("exact", {"emc-insert-inv-prob": "0"}, [("upcall/disable-megaflows",)]),
    ("none", {"emc-insert-inv-prob": "0", "flow-limit": "0"}, []),
    ("emc100", {}, []),
    ("emc1000_smc", {"emc-insert-inv-prob": "1000", "smc-enable": "true"}, []),
    ("nosmc_exact", {}, [("upcall/disable-megaflows",)]),
])
def test_settings_of_each_configuration(name, other_config, appctl):
    c = CacheConfig.parse(name)
    assert c.name == name
    assert c.other_config() == other_config
    assert c.appctl_commands() == appctl


def test_presets_say_what_the_talk_s_configurations_are():
    assert not CacheConfig.parse("default").other_config()  # Nothing set: OVS as shipped.
    assert CacheConfig.parse("all").emc and CacheConfig.parse("all").megaflows == "mf"
    assert not CacheConfig.parse("megaflow").emc
    assert CacheConfig.parse("none").megaflows == "nomf"
    # Every preset is written in the token grammar.
    for preset, tokens in PRESETS.items():
        assert CacheConfig.parse(preset) == CacheConfig.parse(tokens or "emc100") \
            .__class__(**{**CacheConfig.parse(tokens or "emc100").__dict__, "name": preset})


def test_record_fields_and_allowed_log():
    c = CacheConfig.parse("none")
    assert c.record_fields() == {"cache": "none", "cache_emc_inv_prob": 0, "cache_smc": False,
                                 "cache_megaflows": "nomf"}
    for line in ("2026-12-06T17:01:36.442Z|00050|ofproto_dpif_upcall|WARN|upcall: datapath "
                 "reached the dynamic limit of 0 flows.",
                 "2026-12-06T17:01:42.001Z|00057|ofproto_dpif_upcall|WARN|Dropped 61234 log "
                 "messages in last 6 seconds (most recently, 0 seconds ago) due to excessive "
                 "rate"):
        assert any(re.search(a, line) for a in c.allowed_log()), line
    # Only that module's: another module's dropped warnings are still problems.
    other = "…|00058|dpif_netdev|WARN|Dropped 3 log messages in last 1 seconds (most " \
            "recently, 0 seconds ago) due to excessive rate"
    assert not any(re.search(a, other) for a in c.allowed_log())
    assert CacheConfig.parse("all").allowed_log() == ()


@pytest.mark.parametrize("bad, message", [
    ("lru", "unknown part 'lru'"),
    ("emc1_emc2", "contradicts"),
    ("mf_nomf", "contradicts"),
    ("emc99999999999", "N ≤ 4294967295"),
    ("", "empty"),
    ("emc-1", "unknown part"),
])
def test_bad_configurations_are_refused(bad, message):
    with pytest.raises(ExtbenchError, match=message):
        CacheConfig.parse(bad)


def test_cli_takes_the_cache_and_the_experiment():
    args = cli.parser().parse_args(["trial", "--variant", "oko", "--cache", "megaflow",
                                    "--experiment", "caches", "--extension", "noop"])
    spec = cli._spec(args)
    assert (spec.cache, spec.experiment, spec.extension) == ("megaflow", "caches", "noop")
    default = cli._spec(cli.parser().parse_args(["ndr", "--variant", "vanilla"]))
    assert default == trial.TrialSpec(variant="vanilla")  # CLI defaults are TrialSpec's.


def test_cli_refuses_an_unknown_cache(capsys):
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["trial", "--variant", "oko", "--cache", "lru"])
    assert "unknown part 'lru'" in capsys.readouterr().err


def test_trial_validation_refuses_an_unknown_cache(monkeypatch):
    # validate() checks the cache configuration among the spec's other inputs.
    monkeypatch.setattr(trial, "manifest_sha256", lambda variant: "0" * 64)
    with pytest.raises(ExtbenchError, match="cache 'emc1_lru'"):
        trial.validate(trial.TrialSpec(variant="vanilla", cache="emc1_lru"))


class FakeOvs:
    def __init__(self):
        self.calls = []

    def appctl(self, *args):
        self.calls.append(args)
        return "megaflows disabled"


def test_testbed_runs_the_configuration_s_appctl_commands():
    bed = trial.Testbed.__new__(trial.Testbed)
    bed.ovs, bed.cache = FakeOvs(), CacheConfig.parse("emc0_exact")
    bed._apply_cache()
    assert bed.ovs.calls == [("upcall/disable-megaflows",)]


@pytest.mark.parametrize("config", ["config.yaml", "smoke.yaml"])
def test_configs_validate_and_vary_the_caches(config):
    schema = yaml.safe_load(paths.CONFIG_SCHEMA.read_text())
    data = yaml.safe_load((paths.ROOT / "config" / config).read_text())
    Draft202012Validator(schema).validate(data)
    data.setdefault("repetitions", 3)
    caches = {matrix.parse_trial(p)["cache"] for p in matrix.trials(data)}
    assert {"default", "all", "megaflow", "none"} <= caches


def test_config_schema_refuses_a_cache_that_is_no_path_component():
    schema = yaml.safe_load(paths.CONFIG_SCHEMA.read_text())
    bad = {"name": "x", "experiments": [{"name": "e", "variants": ["vanilla"],
                                         "caches": ["emc-1"]}]}
    errors = list(Draft202012Validator(schema).iter_errors(bad))
    assert errors and "emc-1" in errors[0].message
