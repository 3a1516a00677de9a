"""What `make report` shows beside the figures: an overview page and, per figure, where its
trials ran.

The report (``snakemake --report``, workflow/rules/report.smk) is one HTML page. Its overview item
(``overview_html``) states the question, the variants (their descriptions and the builds
the trials ran), the machines and commits the records name, and the configuration (result
set, repetitions, durations, every experiment and its axes). Each figure's labels
(``figure_labels``) name the experiments, trials, machines and commits behind that figure,
taken from the records it draws (``harness.figures.SOURCES``), not from the machine that
renders the report.
"""

import html
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from harness import figures
from harness.errors import ExtbenchError
from harness.ovs.variant import load_variant

QUESTION = ("How should BPF extensions be integrated into Open vSwitch, and what does each "
            "way cost its caches? Each variant of OVS 3.1.0 (userspace datapath) puts an "
            "extension in another place: an action, a filter, or an action whose "
            "re-classification a verifier decides. The figures compare their throughput, "
            "cache use, re-classifications, latency and delivery on the same traffic.")


def machines(rows: pd.DataFrame) -> list[str]:
    """The machines the records name: 'CPU, N cores, Linux K', most trials first."""
    cols = ["cpu_model", "nproc", "kernel"]
    if rows.empty or not set(cols) <= set(rows):
        return []
    counts = rows[cols].astype(str).value_counts()
    return [f"{cpu}, {n} cores, Linux {kernel}" for cpu, n, kernel in counts.index]


def _values(rows: pd.DataFrame, column: str) -> list[str]:
    if column not in rows:
        return []
    return [str(v) for v in rows[column].dropna().astype(str).value_counts().index]


def provenance_labels(rows: pd.DataFrame) -> dict[str, str]:
    """Experiments, trials, machines, commits and measurement dates of 'rows' (records)."""
    days = sorted({str(t)[:10] for t in rows.get("utc_time", pd.Series()).dropna()})
    return {"experiments": ", ".join(sorted(_values(rows, "experiment"))) or "–",
            "trials": str(len(rows)),
            "machine": "; ".join(machines(rows)) or "–",
            "commit": ", ".join(_values(rows, "git_revision")) or "–",
            "measured": (f"{days[0]} – {days[-1]}" if len(days) > 1 else days[0]) if days
            else "–"}


def figure_labels(table: str | Path, figure: str) -> dict[str, str]:
    """The report labels of 'figure': its name and the provenance of the trials it draws
    from the tidy table 'table'."""
    if figure not in figures.SOURCES:
        raise ExtbenchError(f"figure '{figure}': harness.figures.SOURCES does not say which "
                            f"trials it draws")
    df = pd.read_csv(table)
    return {"figure": figure, **provenance_labels(figures.SOURCES[figure](df))}


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, border=0, classes="xb", escape=True)


def _axes(experiment: Mapping) -> str:
    return "; ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                     for k, v in experiment.items() if k != "name")


def overview_html(df: pd.DataFrame, config: Mapping) -> str:
    """The report's overview page of result set 'config' from its tidy table 'df'."""
    variants = []
    for name in sorted(df["variant"].dropna().unique()) if "variant" in df else []:
        v = load_variant(name)
        rows = df[df["variant"] == name]
        variants.append({"variant": name, "what it does": v.description,
                         "layers": ", ".join(v.layer_names),
                         "builds (manifest sha256)": ", ".join(
                             s[:12] for s in _values(rows, "variant_manifest_sha256")) or "–",
                         "trials": len(rows)})
    settings = {k: config.get(k) for k in ("name", "repetitions", "duration_s", "trial_kind",
                                           "engine", "latency_pps") if k in config}
    experiments = [{"experiment": e["name"], "axes (defaults otherwise)": _axes(e) or "–",
                    "trials": int((df.get("experiment") == e["name"]).sum())}
                   for e in config.get("experiments", [])]
    where = provenance_labels(df)
    figure_rows = [{"figure": name, "question": " ".join((draw.__doc__ or "").split()),
                    **{k: v for k, v in provenance_labels(figures.SOURCES[name](df)).items()
                       if k in ("experiments", "trials")}}
                   for name, draw in figures.FIGURES.items() if name in figures.SOURCES]
    parts = [
        "<h2>The question</h2>", f"<p>{html.escape(QUESTION)}</p>",
        "<h2>Variants</h2>", _table(pd.DataFrame(variants)),
        "<h2>Where and when</h2>",
        "<ul>" + "".join(f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>"
                         for k, v in where.items()) + "</ul>",
        "<h2>Configuration</h2>",
        "<ul>" + "".join(f"<li><b>{html.escape(k)}</b>: {html.escape(str(v))}</li>"
                         for k, v in settings.items()) + "</ul>",
        _table(pd.DataFrame(experiments)),
        "<h2>Figures</h2>", _table(pd.DataFrame(figure_rows)),
    ]
    style = ("<style>body{font-family:sans-serif;max-width:70em;margin:1em auto}"
             "table.xb{border-collapse:collapse;font-size:90%}"
             "table.xb td,table.xb th{border:1px solid #ccc;padding:3px 6px;"
             "text-align:left;vertical-align:top}</style>")
    title = f"extbench result set {html.escape(str(config.get('name', '?')))}"
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"{style}</head><body><h1>{title}</h1>{''.join(parts)}</body></html>\n")
