"""Trial records → one tidy table (a row per trial), and its aggregation over repetitions."""

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from harness.records import read_record

#: Columns that identify a configuration; repetitions of one configuration differ in 'rep'.
CONFIG_COLUMNS = ["variant", "topology", "profile", "extension", "flows", "pkt_size",
                  "offered_pps", "port_type"]
NESTED = ["spec", "rx_by_host", "datapath_drops", "ovs_log_problems", "bpf_programs",
          "search_iterations"]


def tidy_table(record_paths: Iterable[str | Path]) -> pd.DataFrame:
    """One row per record; nested values are kept as JSON strings."""
    rows = []
    for path in record_paths:
        record = read_record(path)
        for key in NESTED:
            if key in record:
                record[key] = json.dumps(record[key], sort_keys=True)
        record["record_file"] = str(path)
        rows.append(record)
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    return df.sort_values(CONFIG_COLUMNS[:6] + ["rep"], na_position="first",
                          ignore_index=True)


def bootstrap_ci(values: np.ndarray, level: float = 0.95, n_boot: int = 2000,
                 seed: int = 0) -> tuple[float, float]:
    """Percentile-bootstrap confidence interval of the median (NaN with fewer than 2 values)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) < 2:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    medians = np.median(rng.choice(values, size=(n_boot, len(values))), axis=1)
    alpha = (1 - level) / 2
    return float(np.quantile(medians, alpha)), float(np.quantile(medians, 1 - alpha))


def aggregate(df: pd.DataFrame, metric: str, by: list[str] | None = None) -> pd.DataFrame:
    """Per configuration: n, median, 95 % CI of the median, coefficient of variation."""
    by = by or [c for c in CONFIG_COLUMNS if c in df.columns]
    rows = []
    for key, group in df.groupby(by, dropna=False, sort=True):
        values = group[metric].astype(float).to_numpy()
        lo, hi = bootstrap_ci(values)
        mean = float(np.nanmean(values)) if len(values) else float("nan")
        std = float(np.nanstd(values, ddof=1)) if len(values) > 1 else float("nan")
        rows.append(dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True),
                         n=len(values), median=float(np.nanmedian(values)), ci_low=lo,
                         ci_high=hi, cv=std / mean if mean else float("nan")))
    return pd.DataFrame(rows)
