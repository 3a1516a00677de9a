"""The report's overview page and each figure's labels come from the records it draws."""

import pandas as pd
import pytest
import yaml

from harness import figures, paths, report
from harness.errors import ExtbenchError
from tests.unit.test_figures import contract_csv


def test_every_figure_says_which_trials_it_draws():
    assert set(figures.SOURCES) == set(figures.FIGURES)


@pytest.fixture
def smoke(tmp_path, synthetic):
    contract_csv(synthetic, tmp_path, "smoke.yaml", None)
    return tmp_path / "trials.csv"


def test_figure_labels_name_the_experiments_machine_and_commit_of_its_trials(smoke):
    labels = report.figure_labels(smoke, "rx_by_cache")
    assert labels["figure"] == "rx_by_cache"
    # Only the experiment that varies the caches feeds this figure, not the whole set.
    assert labels["experiments"] == "caches"
    assert int(labels["trials"]) == len(figures.SOURCES["rx_by_cache"](pd.read_csv(smoke)))
    assert labels["machine"] == "Intel Xeon (synthetic), 2 cores, Linux 6.1.0-28-amd64"
    assert labels["commit"] == "synthetic"
    assert labels["measured"] == "2026-12-06"


def test_every_figure_of_smoke_has_trials_behind_it(smoke):
    for name in figures.FIGURES:
        assert int(report.figure_labels(smoke, name)["trials"]) > 0, name


def test_machines_are_listed_most_trials_first():
    rows = pd.DataFrame({"cpu_model": ["A", "B", "B"], "nproc": ["2", "4", "4"],
                         "kernel": ["6.1", "6.2", "6.2"]})
    assert report.machines(rows) == ["B, 4 cores, Linux 6.2", "A, 2 cores, Linux 6.1"]


def test_an_unknown_figure_is_refused(smoke):
    with pytest.raises(ExtbenchError, match="figure 'nope'"):
        report.figure_labels(smoke, "nope")


def test_overview_states_question_variants_machine_configuration_and_figures(smoke):
    config = yaml.safe_load((paths.ROOT / "config" / "smoke.yaml").read_text())
    page = report.overview_html(pd.read_csv(smoke), config)
    assert "How should BPF extensions be integrated" in page
    for variant in ("vanilla", "softflow", "oko", "verifier"):
        assert f"<td>{variant}</td>" in page
    assert "unmodified Open vSwitch 3.1.0" in page
    assert "Intel Xeon (synthetic), 2 cores, Linux 6.1.0-28-amd64" in page
    for experiment in config["experiments"]:
        assert f"<td>{experiment['name']}</td>" in page
    for name in figures.FIGURES:
        assert f"<td>{name}</td>" in page
