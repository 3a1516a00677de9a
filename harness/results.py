"""Trial records → one tidy table (a row per trial), and its aggregation over repetitions."""

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from harness import records

#: Columns that identify a configuration (the record contract's key fields, in its order);
#: repetitions of one configuration differ in 'rep'.
CONFIG_COLUMNS = records.KEY_COLUMNS
#: Fields kept as JSON strings in the table.
NESTED = records.NESTED
#: The table's columns: every field of the contract, then the file each row came from.
COLUMNS = [*records.COLUMNS, "record_file"]


def tidy_table(record_paths: Iterable[str | Path]) -> pd.DataFrame:
    """One row per record (checked against the contract, old versions migrated or refused),
    with every column of the contract in its order; nested values as JSON strings."""
    rows = []
    for path in record_paths:
        record = records.read_record(path)
        for key in NESTED:
            if key in record:
                record[key] = json.dumps(record[key], sort_keys=True)
        record["record_file"] = str(path)
        rows.append(record)
    df = pd.DataFrame(rows, columns=COLUMNS)
    if df.empty:
        return df
    return df.sort_values([*CONFIG_COLUMNS, "rep"], na_position="first", ignore_index=True)


def measured(df: pd.DataFrame) -> pd.DataFrame:
    """Trials that ran (not 'not expressible'), with 'rate' = the received rate that
    throughput figures and comparisons use: a rate search's answer (received pps at the
    highest valid rate), or else the trial's received pps."""
    if "expressible" in df:
        df = df[df["expressible"].fillna(True).astype(bool)]
    df = df.copy()
    search = df["search_rx_pps"] if "search_rx_pps" in df else pd.Series(np.nan, df.index)
    df["rate"] = search.fillna(df["rx_pps"]) if "rx_pps" in df else search
    return df


def varying_keys(df: pd.DataFrame, exclude: Iterable[str] = ()) -> list[str]:
    """Key columns (the contract's) with more than one value in 'df', besides 'exclude':
    what a figure must facet or label by so as not to pool different configurations."""
    skip = set(exclude)
    return [c for c in CONFIG_COLUMNS if c in df and c not in skip
            and df[c].nunique(dropna=False) > 1]


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
