"""The workflow's plan for each config (``snakemake -n``), its default profile and its lint:
no job runs, no root needed. Each snakemake call takes a few seconds."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from harness import matrix, paths

SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
WORKFLOW = paths.WORKFLOW
#: What `snakemake --lint` may still say, because the README explains it ("The workflow").
EXPLAINED_LINTS = {"Specify a conda environment or container for each rule."}


def snakemake(*args: str) -> subprocess.CompletedProcess:
    """Plain `snakemake` from the repository's root, as a user types it (the default
    profile applies); the harness of this checkout on the jobs' path too."""
    return subprocess.run([SNAKEMAKE, *args], cwd=paths.ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(paths.ROOT)})


def planned_trials(out: str) -> list[tuple[str, str]]:
    """(arguments, output path) of every extbench trial a dry run prints."""
    return re.findall(r"extbench trial (.*?) --out (\S+)\.json", out)


@pytest.mark.parametrize("config", ["smoke.yaml", "config.yaml"])
def test_dry_run_plans_every_trial_with_its_experiment_and_cache(config):
    p = snakemake("-n", "--nolock", "--configfile", f"config/{config}")
    assert p.returncode == 0, p.stderr[-3000:]
    out = p.stdout + p.stderr
    data = yaml.safe_load((paths.ROOT / "config" / config).read_text())
    data.setdefault("repetitions", 3)
    planned = matrix.trials(data)
    results = matrix.results_dir(data)
    commands = planned_trials(out)
    # Done trials are not planned again; whatever is planned passes its path's parameters.
    assert len(commands) <= len(planned)
    for args, out_path in commands:
        assert out_path.startswith(f"{results}/trials/")
        t = matrix.parse_trial(out_path.split("/trials/", 1)[1])
        assert f"--experiment {t['experiment']} " in args
        assert f"--cache {t['cache']} " in args
        assert f"--port-type {t['port_type']} " in args


def test_plain_snakemake_uses_the_default_profile_and_target():
    # No target, no cores, no resources: workflow/profiles/default gives 2 cores and
    # testbed=1, and rule all is the default target.
    profile = yaml.safe_load((WORKFLOW / "profiles" / "default" / "config.yaml").read_text())
    assert profile["cores"] == 2 and profile["resources"] == {"testbed": 1}
    assert re.search(r"^rule all:\n    default_target: True$",
                     (WORKFLOW / "Snakefile").read_text(), re.M)
    p = snakemake("-n", "--nolock", "--configfile", "config/smoke.yaml")
    assert p.returncode == 0, p.stderr[-3000:]
    assert "workflow specific profile workflow/profiles/default" in p.stderr
    assert re.search(r"^all\s+1$", p.stdout + p.stderr, re.M)


def test_a_user_config_gets_the_schema_s_defaults_only(tmp_path):
    # Nothing of config/config.yaml (latency_pps: 1000, duration_s: 5) leaks into a user's
    # config: it gets the schema's defaults (no latency probe, 10 s), and its results go to
    # a folder that names them.
    mine = tmp_path / "mine.yaml"
    mine.write_text("name: mine\nrepetitions: 1\nexperiments: [{name: x, variants: [vanilla]}]\n")
    p = snakemake("-n", "--nolock", "--configfile", str(mine))
    assert p.returncode == 0, p.stderr[-3000:]
    commands = planned_trials(p.stdout + p.stderr)
    assert len(commands) == 1
    args, out_path = commands[0]
    assert "--latency-pps" not in args and "--duration 10 " in args
    assert out_path.startswith("results/mine/fixed-10s-nolat-local/trials/x/vanilla/")


def test_switching_trial_kind_writes_another_result_set(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("name: mine\nrepetitions: 1\ntrial_kind: ndr\n"
                    "experiments: [{name: x, variants: [vanilla]}]\n")
    p = snakemake("-n", "--nolock", "-p", "--configfile", str(mine))
    assert p.returncode == 0, p.stderr[-3000:]
    out = p.stdout + p.stderr
    assert re.search(r"extbench ndr --kind ndr --trials-per-rate 3 .* --out "
                     r"results/mine/ndr3-10s-nolat-local/trials/", out)


def test_no_config_is_an_error_that_says_what_to_pass():
    p = snakemake("-n", "--nolock", "--workflow-profile", "none", "--cores", "1")
    assert p.returncode != 0
    assert "--configfile config/config.yaml" in p.stdout + p.stderr


def test_lint_reports_only_what_the_readme_explains():
    p = snakemake("--lint", "--configfile", "config/smoke.yaml")
    lints = set(re.findall(r"^    \* (.*?):?$", p.stdout + p.stderr, re.M))
    assert lints <= EXPLAINED_LINTS, lints
    readme = (paths.ROOT / "README.md").read_text()
    assert "snakemake --lint" in readme and "conda" in readme


def test_every_declared_log_is_written():
    # A rule with log: writes it: its shell command redirects to {log}, or its script
    # opens snakemake.log (no run: blocks).
    for smk in sorted((WORKFLOW / "rules").glob("*.smk")):
        text = smk.read_text()
        assert "\n    run:" not in text, smk.name
        for rule in re.split(r"\n(?=rule )", text):
            if "\n    log:" not in rule:
                continue
            script = re.search(r'\n    script:\n\s+"([^"]+)"', rule)
            if script:
                source = (smk.parent / script.group(1)).resolve().read_text()
                assert "open(snakemake.log[0]" in source, (smk.name, script.group(1))
            else:
                assert re.search(r"> \{log\} 2>&1", rule), (smk.name, rule[:40])
