"""The workflow's plan for each config (``snakemake -n``): no job runs, no root needed."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from harness import matrix, paths

SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")


@pytest.mark.parametrize("config", ["smoke.yaml", "config.yaml"])
def test_dry_run_plans_every_trial_with_its_experiment_and_cache(config):
    p = subprocess.run([SNAKEMAKE, "all", "-n", "-p", "--nolock", "--cores", "2",
                        "--resources", "testbed=1", "--configfile", f"config/{config}"],
                       cwd=paths.ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr[-3000:]
    out = p.stdout + p.stderr
    data = yaml.safe_load((paths.ROOT / "config" / config).read_text())
    data.setdefault("repetitions", 3)
    planned = matrix.trials(data)
    commands = re.findall(r"extbench trial (.*?) --out (\S+)\.json", out)
    # Done trials are not planned again; whatever is planned passes its path's parameters.
    assert len(commands) <= len(planned)
    for args, out_path in commands:
        t = matrix.parse_trial(out_path.split("/trials/", 1)[1])
        assert f"--experiment {t['experiment']} " in args
        assert f"--cache {t['cache']} " in args
        assert f"--port-type {t['port_type']} " in args
