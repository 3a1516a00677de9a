"""Comparing two result sets (two commits, two machines, two port types): per
configuration, the ratio B/A of the median received rate (and of cycles per packet where
both have it), with a bootstrap confidence interval, and a verdict.

A configuration is the record contract's aggregation key (harness.records.KEY_COLUMNS)
minus the key fields that differ by design between the two sets (a key field whose values
in A and in B have nothing in common, e.g. port_type system vs dpdk) and any the caller
ignores. As in FD.io CSIT's per-patch comparison, a change is flagged only when it is both
significant and large: the confidence interval of B/A excludes 1 *and* the ratio differs
from 1 by more than a threshold. A lower received rate, or more cycles per packet, is a
regression; the other way, an improvement.

The interval is a percentile bootstrap: the repetitions of A and of B are resampled
independently (with replacement, ``n_boot`` times, seeded per configuration so that the
answer does not depend on the order of the table), and B/A is the ratio of the resamples'
medians. With fewer than two repetitions on either side there is no interval, and no
verdict.
"""

import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from harness import plotting
from harness.errors import ExtbenchError
from harness.plotting import variant_colour
from harness.records import KEY_COLUMNS
from harness.results import measured, tidy_table

#: Metric → (label, +1 if higher is better, −1 if lower is better, display scale, unit).
METRICS = {"rate": ("received rate", +1, 1e6, "Mpps"),
           "cycles_per_pkt": ("cycles per packet", -1, 1.0, "cycles")}
#: Default flagging threshold: |B/A − 1| must exceed it (and the CI exclude 1).
THRESHOLD = 0.05


@dataclass
class Comparison:
    """The outcome of comparing result set A with B."""

    table: pd.DataFrame
    #: Key fields whose values differ by design: name → (values in A, values in B).
    by_design: dict[str, tuple[list, list]] = field(default_factory=dict)
    #: Key fields a configuration is identified by (those that vary are shown).
    keys: list[str] = field(default_factory=list)
    only_a: int = 0
    only_b: int = 0
    threshold: float = THRESHOLD
    level: float = 0.95

    @property
    def regressions(self) -> int:
        """How many (configuration, metric) pairs were flagged as regressions."""
        return int((self.table["verdict"] == "regression").sum()) if len(self.table) else 0

    @property
    def improvements(self) -> int:
        """How many (configuration, metric) pairs were flagged as improvements."""
        return int((self.table["verdict"] == "improvement").sum()) if len(self.table) else 0


def load(path: str | Path) -> pd.DataFrame:
    """A result set: a tidy table (trials.csv), a results folder holding one, or a folder
    of records (read through the contract)."""
    path = Path(path)
    if path.is_dir() and (path / "trials.csv").exists():
        path = path / "trials.csv"
    if path.is_file():
        return pd.read_csv(path)
    if path.is_dir():
        records = sorted(path.rglob("*.json"))
        if records:
            return tidy_table(records)
    raise ExtbenchError(f"{path}: neither a tidy table (trials.csv) nor a folder with one "
                        f"or with trial records")


def ratio_ci(a: np.ndarray, b: np.ndarray, level: float = 0.95, n_boot: int = 10000,
             rng: np.random.Generator | None = None) -> tuple[float, float, float]:
    """median(b)/median(a) and its percentile-bootstrap confidence interval (NaN bounds
    with fewer than two values on either side)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    ratio = float(np.median(b) / np.median(a))
    if len(a) < 2 or len(b) < 2:
        return ratio, float("nan"), float("nan")
    rng = rng or np.random.default_rng(0)
    ma = np.median(rng.choice(a, size=(n_boot, len(a))), axis=1)
    mb = np.median(rng.choice(b, size=(n_boot, len(b))), axis=1)
    ratios = mb / ma
    alpha = (1 - level) / 2
    return ratio, float(np.quantile(ratios, alpha)), float(np.quantile(ratios, 1 - alpha))


def verdict(ratio: float, lo: float, hi: float, better: int, threshold: float) -> str:
    """regression, improvement, no change, or too few repetitions (no interval)."""
    if np.isnan(lo) or np.isnan(hi):
        return "too few repetitions"
    if lo <= 1 <= hi or abs(ratio - 1) <= threshold:
        return "no change"
    return "improvement" if (ratio > 1) == (better > 0) else "regression"


def _by_design(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> dict:
    out = {}
    for k in keys:
        va, vb = set(a[k].dropna().astype(str)), set(b[k].dropna().astype(str))
        if va and vb and not va & vb:
            out[k] = (sorted(va), sorted(vb))
    return out


def _null_keys(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """'df' with null key values as "∅", so that they match (bpf_jit of a variant without
    the BPF runtime, rate_pps of a trial at the maximum rate)."""
    df = df.copy()
    for k in keys:
        df[k] = df[k].astype(object).where(df[k].notna(), "∅")
    return df


def compare(a: pd.DataFrame, b: pd.DataFrame, threshold: float = THRESHOLD,
            level: float = 0.95, n_boot: int = 10000, seed: int = 0,
            ignore: tuple[str, ...] = ()) -> Comparison:
    """Compare result set 'a' with 'b' (tidy tables), configuration by configuration."""
    a, b = measured(a), measured(b)
    unknown = [k for k in ignore if k not in KEY_COLUMNS]
    if unknown:
        raise ExtbenchError(f"--ignore {', '.join(unknown)}: not a key field of the record "
                            f"contract (known: {', '.join(KEY_COLUMNS)})")
    keys = [k for k in KEY_COLUMNS if k in a and k in b and k not in ignore]
    design = _by_design(a, b, keys)
    keys = [k for k in keys if k not in design]
    ga, gb = ({k: g for k, g in _null_keys(t, keys).groupby(keys)} for t in (a, b))
    common = sorted(set(ga) & set(gb), key=str)
    rows = []
    for key in common:
        for metric, (_, better, _, _) in METRICS.items():
            if metric not in ga[key] or metric not in gb[key]:
                continue
            va, vb = ga[key][metric].dropna(), gb[key][metric].dropna()
            if va.empty or vb.empty or (va == 0).all():
                continue
            rng = np.random.default_rng([seed, zlib.crc32(f"{key}{metric}".encode())])
            ratio, lo, hi = ratio_ci(va, vb, level, n_boot, rng)
            rows.append({**dict(zip(keys, key, strict=True)), "metric": metric,
                         "n_a": len(va), "n_b": len(vb), "median_a": float(va.median()),
                         "median_b": float(vb.median()), "ratio": ratio, "ci_low": lo,
                         "ci_high": hi, "verdict": verdict(ratio, lo, hi, better, threshold)})
    table = pd.DataFrame(rows).replace({"∅": None})
    return Comparison(table, design, keys, len(set(ga) - set(gb)), len(set(gb) - set(ga)),
                      threshold, level)


def _label(row: pd.Series, shown: list[str]) -> str:
    return " · ".join(str(row[k]) for k in shown if row[k] is not None and not (
        isinstance(row[k], float) and np.isnan(row[k])))


def _shown(c: Comparison) -> list[str]:
    """The key fields that tell the compared configurations apart."""
    t = c.table
    shown = [k for k in c.keys if k in t and t[k].astype(str).nunique() > 1]
    return shown or [k for k in ("variant",) if k in t]


def report(c: Comparison, name_a: str, name_b: str) -> str:
    """The comparison as text: one line per configuration and metric."""
    lines = [f"A: {name_a}", f"B: {name_b}"]
    for k, (va, vb) in c.by_design.items():
        lines.append(f"differs by design: {k}: {', '.join(va)} → {', '.join(vb)}")
    pct = round(c.level * 100)
    lines.append(f"B/A of medians over repetitions, {pct} % percentile-bootstrap CI; flagged "
                 f"when the CI excludes 1 and |B/A − 1| > {c.threshold:.0%}")
    if c.table.empty:
        lines.append("no configuration in common")
    else:
        shown = _shown(c)
        t = c.table.assign(configuration=c.table.apply(_label, axis=1, shown=shown))
        width = max(len("configuration"), *(len(s) for s in t["configuration"]))
        lines.append(f"{'configuration':<{width}}  {'metric':<17} {'n A/B':>5}  "
                     f"{'median A':>10} {'median B':>10}  {'B/A':>6} {'CI':<17} verdict")
        lines.append(f"({' · '.join(shown)})")
        for _, r in t.iterrows():
            label, better, scale, unit = METRICS[r["metric"]]
            ci = (f"[{r['ci_low']:.3f}, {r['ci_high']:.3f}]" if not np.isnan(r["ci_low"])
                  else "–")
            lines.append(f"{r['configuration']:<{width}}  {label:<17} "
                         f"{r['n_a']:>2}/{r['n_b']:<2}  "
                         f"{r['median_a'] / scale:>10.3f} {r['median_b'] / scale:>10.3f}  "
                         f"{r['ratio']:>6.3f} {ci:<17} {r['verdict']}")
        lines.append("(medians in " + ", ".join(f"{m[0]}: {m[3]}" for m in METRICS.values())
                     + ")")
    lines.append(f"{len(c.table)} comparisons: {c.regressions} regressions, "
                 f"{c.improvements} improvements; configurations only in A: {c.only_a}, "
                 f"only in B: {c.only_b}")
    return "\n".join(lines)


def to_json(c: Comparison, name_a: str, name_b: str) -> str:
    """The comparison as JSON: the sets, the settings, and one object per comparison."""
    rows = json.loads(c.table.to_json(orient="records")) if len(c.table) else []
    return json.dumps({"a": name_a, "b": name_b, "threshold": c.threshold, "level": c.level,
                       "keys": c.keys, "by_design": c.by_design, "only_a": c.only_a,
                       "only_b": c.only_b, "regressions": c.regressions,
                       "improvements": c.improvements, "comparisons": rows}, indent=1)


def _short(name: str) -> str:
    """A result set's name for a title: the folder below results/
    (results/smoke/fixed-2s-lat1000-local → smoke/fixed-2s-lat1000-local)."""
    path = Path(name)
    folder = path.parent if path.suffix == ".csv" else path
    parts = folder.parts[folder.parts.index("results") + 1:] if "results" in folder.parts \
        else folder.parts[-1:]
    return "/".join(parts)[:40] or str(name)


def figure(c: Comparison, out: Path, name_a: str = "A", name_b: str = "B") -> None:
    """How does B compare with A? B/A per configuration with its CI, one panel
    per metric; the band is the threshold, colours are the variants'."""
    name_a, name_b = (_short(n) for n in (name_a, name_b))
    question = f"How does B ({name_b}) compare with A ({name_a})?"
    t = c.table
    if t.empty:
        fig, axes = plotting.figure(question, note=None)
        plotting.empty(axes[0, 0], "no configuration in common")
        plotting.save(fig, out)
        return
    shown = _shown(c)
    t = t.assign(configuration=t.apply(_label, axis=1, shown=shown))
    rows = list(dict.fromkeys(t["configuration"]))
    metrics = [m for m in METRICS if (t["metric"] == m).any()]
    fig, axes = plotting.figure(
        question, ncols=len(metrics), width=3.2 + 3.2 * len(metrics),
        height=1.5 + 0.25 * len(rows), sharey=True,
        note=f"B/A of medians, {round(c.level * 100)} % bootstrap CI; band: ±{c.threshold:.0%};"
             f" ▼ regression, ▲ improvement")
    for ax, metric in zip(axes[0], metrics, strict=True):
        g = t[t["metric"] == metric]
        ax.axvspan(1 - c.threshold, 1 + c.threshold, color="#dddddd", zorder=0)
        ax.axvline(1, color="grey", linewidth=0.8, zorder=1)
        for _, r in g.iterrows():
            y = rows.index(r["configuration"])
            err = [[r["ratio"] - r["ci_low"]], [r["ci_high"] - r["ratio"]]] if not np.isnan(
                r["ci_low"]) else None
            marker = {"regression": "v", "improvement": "^"}.get(r["verdict"], "o")
            colour = variant_colour(r["variant"]) if "variant" in r else "black"
            ax.errorbar([r["ratio"]], [y], xerr=err, marker=marker, markersize=5,
                        color=colour, capsize=2, linestyle="none")
        ax.set_yticks(range(len(rows)), rows, fontsize=7)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlabel(f"B/A, {METRICS[metric][0]}")
        ax.grid(True, axis="x", alpha=0.3)
    plotting.save(fig, out)
