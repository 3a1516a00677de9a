"""The notebook runs on a result set of contract records (no trials needed): every section,
the numbers behind every figure, the anchors' shapes beside ours."""

import nbformat
import pytest
from nbclient import NotebookClient

from harness import paths
from harness.records import write_record
from harness.results import tidy_table


@pytest.mark.parametrize("notebook", sorted((paths.ROOT / "notebooks").glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_notebook_runs_on_a_smoke_shaped_result_set(notebook, tmp_path, synthetic,
                                                    monkeypatch):
    records = []
    for i, record in enumerate(synthetic("smoke.yaml", repetitions=2)):
        records.append(tmp_path / "trials" / f"{i}.json")
        write_record(records[-1], record)
    tidy_table(records).to_csv(tmp_path / "trials.csv", index=False)
    monkeypatch.setenv("EXTBENCH_RESULTS", str(tmp_path))
    monkeypatch.setenv("EXTBENCH_ROOT", str(paths.ROOT))
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(paths.ROOT)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert errors == []
