"""The workflow through a real SLURM cluster: scripts/slurm-local.sh starts a one-node
cluster on this machine (Debian's slurm-wlm and munge), runs one trial, its table and its
figures through `--profile config/slurm`, and tears the cluster down.

Opt-in (XB_SLURM=1): about 3 minutes once vanilla is built, and it installs slurm-wlm and
munge if they are missing, so `make test` does not run it by default.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from harness import figures, matrix, paths, records

pytestmark = [
    pytest.mark.integration,
    pytest.mark.root,
    pytest.mark.skipif(not os.environ.get("XB_SLURM"), reason="opt-in: XB_SLURM=1"),
]
CONFIG = {"name": "slurm-test", "repetitions": 1, "duration_s": 2, "latency_pps": 1000,
          "experiments": [{"name": "one", "variants": ["vanilla"], "rates": [20000]}]}


def test_one_trial_table_and_figures_run_as_slurm_jobs(tmp_path):
    config = tmp_path / "slurm-test.yaml"
    config.write_text(json.dumps(CONFIG))  # JSON is YAML
    results = paths.ROOT / matrix.results_dir(CONFIG)
    for f in results.rglob("*"):
        if f.is_file():
            f.unlink()
    p = subprocess.run([str(paths.ROOT / "scripts" / "slurm-local.sh"), "all",
                        "--configfile", str(config)], cwd=paths.ROOT, capture_output=True,
                       text=True, env={**os.environ, "PYTHONPATH": str(paths.ROOT),
                                       "XB_SLURM_KEEP": "1"})
    out = p.stdout + p.stderr
    kept = re.search(r"kept (/tmp/xb-slurm-\w+)", out)
    try:
        assert p.returncode == 0, out[-4000:]
        # Every job but the target ran as a SLURM job; the trial with a node to itself, as
        # slurmctld allocated it (every CPU, where the other jobs get the one they ask for).
        assert set(re.findall(r"^localrule (\w+):", out, re.M)) <= {"all"}
        submitted = re.findall(r"^Job \d+ has been submitted with SLURM jobid (\d+) "
                               r"\(log: \S+/rule_(\w+)/", out, re.M)
        rules = [rule for _, rule in submitted]
        assert rules.count("figure") == len(figures.FIGURES) and rules.count("trial") == 1
        allocated = dict(re.findall(r"sched: Allocate JobId=(\d+) NodeList=\S+ #CPUs=(\d+)",
                                    Path(kept.group(1), "slurmctld.log").read_text()))
        for jobid, rule in submitted:
            cpus = int(allocated[jobid])
            assert cpus == (os.cpu_count() if rule == "trial" else 1), (rule, cpus)
    finally:
        if kept:
            shutil.rmtree(kept.group(1))
    # The daemons are gone (stopped by PID by the script).
    assert not subprocess.run(["pgrep", "-f", kept.group(1)], capture_output=True).stdout
    # The results have a local run's shape: the record contract's table, a measured trial.
    df = pd.read_csv(results / "trials.csv")
    assert set(df.columns) - set(records.COLUMNS) - {"record_file"} == set()
    assert len(df) == 1 and df["expressible"].all() and (df["rx_pkts"] > 0).all()
    for fig in figures.FIGURES:
        assert (results / "figures" / f"{fig}.png").stat().st_size > 1000
