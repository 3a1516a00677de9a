"""The paper's figures: one function per figure, each reading only the tidy table.

Points are medians over repetitions and error bars their 95 % bootstrap confidence
intervals. A figure whose trials the config does not contain says so on the canvas
instead of failing, so that small configs (smoke) can still draw every figure.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from harness.results import aggregate, varying_keys  # noqa: E402

#: Cache levels of the datapath, in lookup order, and the record fields that count them.
#: A failed upcall is a packet translated but no datapath flow installed: forwarded
#: under the cache configuration "none" (harness/cache.py), dropped otherwise.
CACHE_LEVELS = {"simple match": "simple_match_hits", "EMC": "emc_hits", "SMC": "smc_hits",
                "megaflow": "megaflow_hits", "upcall": "upcalls",
                "upcall, no flow installed": "failed_upcalls"}


def save(fig, out: Path) -> None:
    """Write the figure as PNG and PDF next to each other."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out.with_suffix(".png"), dpi=150, bbox_inches="tight")
    fig.savefig(out.with_suffix(".pdf"), bbox_inches="tight")
    plt.close(fig)


def _empty(ax, what: str) -> None:
    ax.text(0.5, 0.5, f"no trials for this figure in this result set\n({what})",
            ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def _measured(df: pd.DataFrame) -> pd.DataFrame:
    """Trials that ran (not 'not expressible'), with 'rate' = the figure's throughput.

    For rate searches the rate is the search's answer (received pps at the highest valid
    rate); for fixed-rate trials, the received pps.
    """
    if "expressible" in df:
        df = df[df["expressible"].fillna(True).astype(bool)]
    df = df.copy()
    search = df["search_rx_pps"] if "search_rx_pps" in df else pd.Series(np.nan, df.index)
    df["rate"] = search.fillna(df["rx_pps"])
    return df


def _throughput(df: pd.DataFrame) -> pd.DataFrame:
    """Measured trials that say what a variant sustains: rate searches and trials at the
    engine's maximum rate (not the fixed-rate trials of the correctness and latency runs)."""
    data = _measured(df)
    kind = data["trial_kind"] if "trial_kind" in data else pd.Series("fixed", data.index)
    return data[data["offered_pps"].isna() | (kind != "fixed")]


def _default_caches(data: pd.DataFrame) -> pd.DataFrame:
    """Trials with OVS's default cache configuration: figures that do not tell cache
    configurations apart must not pool them (rx_by_cache and rx_vs_chain do)."""
    return data[data["cache"].fillna("default") == "default"] if "cache" in data else data


def _sweeps(data: pd.DataFrame, x: str) -> pd.DataFrame:
    """The rows of the experiments that vary 'x' (a figure's x axis): a figure draws the
    sweeps an experiment asked for, not every trial that happens to match."""
    if x not in data:
        return data.iloc[0:0]
    if data.empty or "experiment" not in data:
        return data
    return data[data.groupby("experiment", dropna=False)[x].transform("nunique") > 1]


def _facets(data: pd.DataFrame, x: str, exclude: tuple[str, ...] = ()) -> list[str]:
    """What lines (or bars) of a figure over 'x' are told apart by: the variant and every
    other key column of the record contract that varies in 'data' (port type, cache …)."""
    return ["variant", *varying_keys(data, exclude=("variant", "experiment", x, *exclude))]


def _lines(ax, agg: pd.DataFrame, x: str, scale: float = 1e6,
           by: list[str] | None = None) -> None:
    """One line per value of 'by' (default: the variant)."""
    by = by or ["variant"]
    for key, g in agg.groupby(by, dropna=False):
        g = g.sort_values(x)
        yerr = [(g["median"] - g["ci_low"]).fillna(0) / scale,
                (g["ci_high"] - g["median"]).fillna(0) / scale]
        ax.errorbar(g[x], g["median"] / scale, yerr=yerr, marker="o", capsize=3,
                    label=" · ".join(str(k) for k in (key if isinstance(key, tuple) else (key,))))
    ax.grid(True, alpha=0.3)
    ax.legend()


def _label(row) -> str:
    """Extension label of a trial: name, plus +coalesce where set."""
    name = row.get("ext_name") if isinstance(row.get("ext_name"), str) else row["extension"]
    return f"{name}{'+coalesce' if row.get('ext_coalesce') is True else ''}"


def _rate_vs_flows(data: pd.DataFrame, out: Path, what: str, ylabel: str) -> None:
    """Rate (Mpps) against flows, one line per variant, from measured trials 'data'."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    if data.empty:
        _empty(ax, what)
    else:
        facets = _facets(data, "flows")
        _lines(ax, aggregate(data, "rate", by=[*facets, "flows"]), "flows", by=facets)
        ax.set(xscale="log", xlabel="flows", ylabel=ylabel)
        ax.set_ylim(bottom=0)
    save(fig, out)


def rx_vs_flows(df: pd.DataFrame, out: Path) -> None:
    """Received rate (Mpps) against the number of flows, per variant, without extensions."""
    data = _sweeps(_default_caches(_throughput(df)), "flows")
    data = data[(data["extension"] == "none") & (data["topology"] == "p2p")]
    _rate_vs_flows(data, out, "extension none, p2p", "received (Mpps)")


def rx_vs_flows_readonly(df: pd.DataFrame, out: Path) -> None:
    """Throughput (Mpps) against flows per variant with one read-only extension (flow_counter)."""
    data = _default_caches(_throughput(df))
    data = data[(data["extension"].isin(["none", "flow_counter"])) & (data["topology"] == "p2p")]
    data = data[(data["variant"] == "vanilla") | (data["extension"] == "flow_counter")]
    if data[data["extension"] == "flow_counter"].empty:
        data = data.iloc[0:0]
    _rate_vs_flows(data, out, "extension flow_counter", "throughput (Mpps)")


def passes_by_extension(df: pd.DataFrame, out: Path) -> None:
    """Datapath passes per packet and throughput per variant, per extension (chain of 1)."""
    data = _default_caches(_throughput(df))
    data = data[(data["extension"] != "none") & (data.get("ext_chain", 1) == 1)]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.4))
    if data.empty:
        _empty(ax1, "extensions")
        _empty(ax2, "extensions")
        save(fig, out)
        return
    data = data.assign(label=data.apply(_label, axis=1))
    for ax, metric, ylabel, scale in ((ax1, "passes_per_pkt", "datapath passes / packet", 1),
                                      (ax2, "rate", "throughput (Mpps)", 1e6)):
        agg = aggregate(data, metric, by=["variant", "label"])
        table = agg.pivot(index="label", columns="variant", values="median") / scale
        table.plot.bar(ax=ax, rot=30)
        ax.set(xlabel="", ylabel=ylabel)
        ax.grid(True, axis="y", alpha=0.3)
    save(fig, out)


def cache_breakdown(df: pd.DataFrame, out: Path) -> None:
    """Share of packets answered by each cache level (and upcalls), per variant and extension."""
    data = _default_caches(_measured(df))
    data = data[data["ovs_pkts"].fillna(0) > 0]
    fig, ax = plt.subplots(figsize=(7, 3.4))
    if data.empty:
        _empty(ax, "trials with datapath counters")
        save(fig, out)
        return
    data = data.assign(label=data["variant"] + "\n" + data.apply(_label, axis=1))
    levels = {name: col for name, col in CACHE_LEVELS.items() if col in data}
    sums = data.groupby("label")[[*levels.values(), "ovs_pkts", "recirculations"]].sum()
    passes = sums["ovs_pkts"] + sums["recirculations"]
    shares = sums[list(levels.values())].div(passes, axis=0)
    shares.columns = list(levels)
    shares.plot.bar(stacked=True, ax=ax, rot=0)
    ax.set(xlabel="", ylabel="share of datapath passes", ylim=(0, 1))
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    save(fig, out)


def rx_vs_chain(df: pd.DataFrame, out: Path) -> None:
    """Throughput (Mpps) against the number of chained extensions (noop), per variant."""
    data = _sweeps(_throughput(df), "ext_chain")
    if "ext_chain" not in data:
        data = data.iloc[0:0]
    data = data[data.get("ext_name", pd.Series(dtype=str)) == "noop"]
    fig, ax = plt.subplots(figsize=(5, 3.2))
    if data.empty:
        _empty(ax, "noop chains")
    else:
        data = data.assign(variant=data["variant"] + np.where(
            data["ext_coalesce"].fillna(False).astype(bool), "+coalesce", ""))
        facets = _facets(data, "ext_chain", exclude=("extension",))
        _lines(ax, aggregate(data, "rate", by=[*facets, "ext_chain"]), "ext_chain", by=facets)
        ax.set(xlabel="chained extensions", ylabel="throughput (Mpps)")
        ax.set_ylim(bottom=0)
    save(fig, out)


def megaflows_vs_flows(df: pd.DataFrame, out: Path) -> None:
    """Datapath flows (megaflows) at the end of a trial against the number of flows."""
    data = _default_caches(_measured(df))
    data = data[data["topology"] == "p2p"]
    data = data.assign(variant=data["variant"] + np.where(data["extension"] == "none", "",
                                                          " / " + data["extension"]))
    fig, ax = plt.subplots(figsize=(5, 3.2))
    if data.empty:
        _empty(ax, "p2p trials")
    else:
        _lines(ax, aggregate(data, "megaflows", by=["variant", "flows"]), "flows", scale=1,
               by=["variant"])
        ax.set(xscale="log", xlabel="flows", ylabel="megaflows")
    save(fig, out)


def verifier_decisions(df: pd.DataFrame, out: Path) -> None:
    """The verifier variant's re-classification decisions against the extensions' labels.

    Decision observed in the datapath: re-classified iff passes per packet > 1. Label:
    the metadata's changes_flow_key. needed = both; avoided = neither; wrong otherwise.
    """
    data = _measured(df)
    data = data[(data["variant"] == "verifier") & (data["extension"] != "none")]
    fig, ax = plt.subplots(figsize=(6, 0.5 + 0.35 * max(1, data["extension"].nunique())))
    if data.empty:
        _empty(ax, "verifier trials with extensions")
        save(fig, out)
        return
    rows = []
    for name, g in data.groupby("ext_name"):
        recirc = bool((g["passes_per_pkt"] > 1.005).any())
        label = bool(g["ext_changes_flow_key"].iloc[0])
        verdict = ("re-classification needed" if recirc and label else
                   "re-classification avoided" if not recirc and not label else
                   "WRONG: missed a flow-key write" if label else "WRONG: needless")
        rows.append([name, "yes" if label else "no", "yes" if recirc else "no",
                     f"{g['passes_per_pkt'].median():.2f}", verdict])
    ax.set_axis_off()
    table = ax.table(cellText=rows, loc="center", colLabels=[
        "extension", "writes flow key\n(label)", "re-classified\n(observed)",
        "passes/pkt", "decision"])
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.scale(1, 1.4)
    save(fig, out)


def delivery_cells(df: pd.DataFrame) -> pd.DataFrame:
    """(extension · profile) × variant → the worst delivery of its fixed-rate trials.

    Delivery is judged at fixed rates only: at the maximum rate the switch drops packets.
    """
    if not {"delivery", "offered_pps"} <= set(df):
        return pd.DataFrame()
    data = df[(df["extension"] != "none") & df["offered_pps"].notna()]
    if data.empty:
        return pd.DataFrame()
    data = data.assign(row=data["extension"] + " · " + data["profile"])
    worst = {"wrong": 0, "not scored": 1, "not expressible": 2, "correct": 3}
    return (data.groupby(["row", "variant"])["delivery"]
            .agg(lambda s: min(s, key=lambda v: worst.get(v, -1))).unstack())


def delivery_matrix(df: pd.DataFrame, out: Path) -> None:
    """Delivery correctness of the fixed-rate trials (at the maximum rate the switch drops
    packets for lack of time): variant × (extension · profile) → correct / wrong / not
    expressible / not scored (no expectation declared for that profile and topology)."""
    cell = delivery_cells(df)
    fig, ax = plt.subplots(figsize=(7, 0.8 + 0.35 * max(1, len(cell))))
    if cell.empty:
        _empty(ax, "fixed-rate trials with extensions")
        save(fig, out)
        return
    colours = {"correct": "#b7e1b0", "wrong": "#f4a6a6", "not expressible": "#dddddd",
               "not scored": "#f6e7a6"}
    ax.set_axis_off()
    table = ax.table(cellText=cell.fillna("–").values, rowLabels=cell.index,
                     colLabels=cell.columns, loc="center",
                     cellColours=[[colours.get(v, "white") for v in row]
                                  for row in cell.fillna("–").values])
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.scale(1, 1.3)
    save(fig, out)


def latency_percentiles(df: pd.DataFrame, out: Path) -> None:
    """One-way latency percentiles (µs) per variant, from the trials with a latency probe."""
    cols = ["lat_min_us", "lat_p50_us", "lat_p99_us", "lat_max_us"]
    data = _default_caches(_measured(df))
    data = data.dropna(subset=[c for c in cols if c in data]) if set(cols) <= set(data) \
        else data.iloc[0:0]
    fig, ax = plt.subplots(figsize=(6, 3.2))
    if data.empty:
        _empty(ax, "trials with a latency probe")
    else:
        label = data["variant"] + np.where(data["extension"] == "none", "",
                                           "\n" + data["extension"])
        if "port_type" in data and data["port_type"].nunique() > 1:
            label = label + "\n" + data["port_type"]
        data = data.assign(label=label)
        table = data.groupby("label")[cols].median()
        table.columns = ["min", "p50", "p99", "max"]
        table.plot.bar(ax=ax, rot=0, logy=True)
        ax.set(xlabel="", ylabel="one-way latency (µs)")
        ax.grid(True, axis="y", alpha=0.3)
    save(fig, out)


def rx_by_cache(df: pd.DataFrame, out: Path) -> None:
    """Throughput (Mpps) per cache configuration, per variant without and with one program
    (the talk's "all caches / megaflow only / no cache"), from experiments varying caches."""
    data = _sweeps(_throughput(df), "cache")
    if "ext_chain" in data:
        data = data[data["ext_chain"].fillna(1) <= 1]
    fig, ax = plt.subplots(figsize=(7, 3.4))
    if data.empty:
        _empty(ax, "experiments varying the cache configuration")
        save(fig, out)
        return
    data = data.assign(label=data["variant"] + np.where(
        data["extension"] == "none", " (no program)", " + " + data["extension"]))
    by = ["label", *_facets(data, "cache", exclude=("extension",))[1:], "cache"]
    agg = aggregate(data, "rate", by=by)
    order = list(dict.fromkeys(data["cache"]))  # As the experiment lists them.
    index = [c for c in by if c != "cache"]
    med = agg.pivot_table(index=index, columns="cache", values="median").reindex(
        columns=order) / 1e6
    lo = (agg.pivot_table(index=index, columns="cache", values="ci_low").reindex(
        columns=order) / 1e6)
    hi = (agg.pivot_table(index=index, columns="cache", values="ci_high").reindex(
        columns=order) / 1e6)
    yerr = np.stack([(med - lo).fillna(0).to_numpy(), (hi - med).fillna(0).to_numpy()],
                    axis=1)
    med.T.plot.bar(ax=ax, rot=0, yerr=yerr, capsize=2)
    ax.set(xlabel="cache configuration", ylabel="throughput (Mpps)")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=7)
    save(fig, out)


FIGURES = {f.__name__: f for f in (
    rx_vs_flows, rx_vs_flows_readonly, passes_by_extension, cache_breakdown, rx_vs_chain,
    megaflows_vs_flows, verifier_decisions, delivery_matrix, latency_percentiles,
    rx_by_cache)}
