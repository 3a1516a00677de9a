"""The workflow on config/smoke.yaml: figures from nothing, reruns do nothing, notebooks run.

This is `make smoke` plus the checks a user relies on; it runs after the integration tests
(pytest collects tests/workflow last), so the variants' builds are warm in ccache.
"""

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from nbclient import NotebookClient

from harness import figures, matrix, paths, plotting

pytestmark = [pytest.mark.integration, pytest.mark.root]
SNAKEMAKE_BIN = str(Path(sys.executable).parent / "snakemake")


def snakemake(*args: str, config: str = "config/smoke.yaml") -> subprocess.CompletedProcess:
    """Run snakemake as `make smoke` does, on target 'all' (first: the options after it take
    several values); the jobs run this checkout's harness."""
    return subprocess.run([SNAKEMAKE_BIN, "all", *args, "--cores", "2", "--resources",
                           "testbed=1", "--configfile", config], cwd=paths.ROOT,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(paths.ROOT)})
SMOKE = yaml.safe_load((paths.ROOT / "config" / "smoke.yaml").read_text())
RESULTS = paths.ROOT / matrix.results_dir(SMOKE)


@pytest.fixture(scope="module")
def smoke_run():
    p = snakemake()
    assert p.returncode == 0, p.stderr[-4000:]
    return p


def test_smoke_produces_table_and_figures(smoke_run):
    df = pd.read_csv(RESULTS / "trials.csv")
    measured = df[df["expressible"]]
    # Every variant the config names measured something.
    assert set(measured["variant"]) == {v for e in SMOKE["experiments"]
                                        for v in e["variants"]}
    assert (measured["rx_pps"] > 0).all()
    # What a variant cannot express is recorded, not skipped: a rewriter on oko.
    assert not df[(df["variant"] == "oko") & (df["extension"] == "dnat")]["expressible"].any()
    for fig in figures.FIGURES:
        for ext in ("png", "pdf"):
            assert (RESULTS / "figures" / f"{fig}.{ext}").stat().st_size > 1000


def test_every_figure_draws_measured_data_with_a_clean_layout(smoke_run, tmp_path,
                                                              monkeypatch):
    # No placeholder canvas: smoke measures something for every figure, and no figure
    # overlaps or clips text or puts its legend over data.
    df = pd.read_csv(RESULTS / "trials.csv")
    problems, save = {}, plotting.save

    def checked(fig, out):
        problems[Path(out).name] = plotting.layout_problems(fig)
        save(fig, out)

    monkeypatch.setattr(plotting, "save", checked)
    for name, draw in figures.FIGURES.items():
        draw(df, tmp_path / name)
    assert {k: v for k, v in problems.items() if v} == {}


def test_variants_of_a_configuration_ran_in_chain_order(smoke_run):
    # Each record was written after its predecessor's: variants ran interleaved as listed,
    # whichever order the scheduler would have preferred.
    before = matrix.run_order(matrix.trials({"repetitions": 3, **SMOKE}))
    chained = [(p, prev) for p, prev in before.items() if prev is not None]
    assert chained
    for p, prev in chained:
        mtime = (RESULTS / "trials" / f"{p}.json").stat().st_mtime_ns
        assert (RESULTS / "trials" / f"{prev}.json").stat().st_mtime_ns < mtime, (prev, p)


def test_every_declared_log_is_written(smoke_run):
    # The table's, the figures' and the overview's jobs (scripts) write their logs as the
    # shell jobs do.
    result_set = RESULTS.relative_to(paths.ROOT / "results")
    logs = [paths.ROOT / "logs" / "tidy_table" / f"{result_set}.log",
            paths.ROOT / "logs" / "report_overview" / f"{result_set}.log"]
    logs += [paths.ROOT / "logs" / "figure" / result_set / f"{fig}.log"
             for fig in figures.FIGURES]
    logs += [paths.ROOT / "logs" / "trial" / result_set / f"{t}.log"
             for t in matrix.trials(SMOKE)]
    assert [p for p in logs if not p.is_file()] == []
    assert "records from" in logs[0].read_text()


def test_rerun_does_nothing(smoke_run):
    p = snakemake("-n")
    assert p.returncode == 0
    assert "Nothing to be done" in p.stdout + p.stderr


def test_report_is_one_page_with_overview_and_every_figure(smoke_run, tmp_path):
    # `make report` on the smoke result set: one self-contained HTML page holding the
    # overview (question, variants, machine, configuration) and every figure, each with
    # its caption and the machine its records name.
    out = tmp_path / "report.html"
    p = snakemake("--report", str(out))
    assert p.returncode == 0, p.stderr[-4000:]
    # Snakemake's report keeps its items in a script block: name → caption, labels and
    # the file as a data URI.
    page = out.read_text()
    items = {Path(k).name: v for k, v in json.loads(
        re.search(r"var results = (\{.*?\});\n", page, re.S).group(1)).items()}
    overview = base64.b64decode(items["overview.html"]["data_uri"].split("base64,")[1])
    df = pd.read_csv(RESULTS / "trials.csv")
    machine = f"{df['cpu_model'].iloc[0]}, {df['nproc'].iloc[0]} cores, Linux " \
              f"{df['kernel'].iloc[0]}"
    for text in ("How should BPF extensions be integrated", machine, "unmodified Open vSwitch",
                 *(f"<td>{e}</td>" for e in df["experiment"].unique())):
        assert text in overview.decode(), text
    for fig in figures.FIGURES:
        item = items[f"{fig}.png"]
        assert item["caption"] and item["labels"]["machine"] == machine, fig
        assert int(item["labels"]["trials"]) > 0, fig


def test_invalid_config_fails_before_any_job(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nrepetitions: 0\nexperiments: [{name: x, variants: [vanilla]}]\n")
    p = snakemake("-n", config=str(bad))
    assert p.returncode != 0
    assert "repetitions" in p.stdout + p.stderr


@pytest.mark.parametrize("notebook", sorted((paths.ROOT / "notebooks").glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_notebook_runs_on_smoke_results(smoke_run, notebook):
    nb = nbformat.read(notebook, as_version=4)
    os.environ["EXTBENCH_RESULTS"] = str(RESULTS.relative_to(paths.ROOT))
    os.environ["EXTBENCH_ROOT"] = str(paths.ROOT)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(paths.ROOT)}}).execute()
