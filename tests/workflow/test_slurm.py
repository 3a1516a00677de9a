"""The workflow through a real SLURM cluster: scripts/slurm-local.sh starts a one-node
cluster on this machine (Debian's slurm-wlm and munge), runs one trial, its table and its
figures through `--profile config/slurm`, and tears the cluster down.

Opt-in (XB_SLURM=1): about 3 minutes once vanilla is built, and it installs slurm-wlm and
munge if they are missing, so `make test` does not run it by default.
"""

import json
import os
import re
import subprocess

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
                       text=True, env={**os.environ, "PYTHONPATH": str(paths.ROOT)})
    out = p.stdout + p.stderr
    assert p.returncode == 0, out[-4000:]
    # Every job but the target ran as a SLURM job; the trial with a node to itself.
    assert set(re.findall(r"^localrule (\w+):", out, re.M)) <= {"all"}
    submitted = re.findall(r"^Job \d+ has been submitted with SLURM jobid \d+ \(log: (\S+)\)",
                           out, re.M)
    assert len([s for s in submitted if "/rule_figure/" in s]) == len(figures.FIGURES)
    trial_logs = [s for s in submitted if "/rule_trial/" in s]
    assert len(trial_logs) == 1
    assert "slurm_extra=--exclusive" in open(trial_logs[0]).read()
    # The results have a local run's shape: the record contract's table, a measured trial.
    df = pd.read_csv(results / "trials.csv")
    assert set(df.columns) - set(records.COLUMNS) - {"record_file"} == set()
    assert len(df) == 1 and df["expressible"].all() and (df["rx_pkts"] > 0).all()
    for fig in figures.FIGURES:
        assert (results / "figures" / f"{fig}.png").stat().st_size > 1000
    # The cluster is gone: no state folder left behind.
    assert not re.search(r"kept /tmp/xb-slurm-", out)
