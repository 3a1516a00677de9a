"""The paper's figures: one function per figure, each reading only the tidy table.

Each figure asks one question (its title). Points are medians over repetitions and error
bars their 95 % percentile-bootstrap confidence intervals (harness.results.bootstrap_ci:
2,000 resamples of the repetitions, seeded; none with a single repetition). Colours are
the variant's in every figure (harness.plotting.VARIANT_COLOURS); what else varies among
the selected trials (a key field of the record contract: port type, cache configuration,
topology …) becomes a facet, one panel per value, never a pooled point. A figure whose
trials the result set does not contain says so on the canvas instead of failing.
"""

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from harness import plotting
from harness.plotting import LINESTYLES, variant_colour
from harness.results import aggregate, measured, varying_keys

#: Cache levels of the datapath, in lookup order, and the record fields that count them.
#: A failed upcall is a packet translated but no datapath flow installed: forwarded
#: under the cache configuration "none" (harness/cache.py), dropped otherwise.
CACHE_LEVELS = {"simple match": "simple_match_hits", "EMC": "emc_hits", "SMC": "smc_hits",
                "megaflow": "megaflow_hits", "upcall": "upcalls",
                "upcall, no flow installed": "failed_upcalls"}


def _measured(df: pd.DataFrame) -> pd.DataFrame:
    """Trials that ran, with 'rate' (harness.results.measured)."""
    return measured(df)


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


def _label(row) -> str:
    """Extension label of a trial: name, plus +coalesce where set."""
    name = row.get("ext_name") if isinstance(row.get("ext_name"), str) else row["extension"]
    return f"{name}{'+coalesce' if row.get('ext_coalesce') is True else ''}"


def _ext_labels(data: pd.DataFrame) -> pd.Series:
    return data.apply(_label, axis=1) if len(data) else pd.Series(dtype=str)


def _varying(data: pd.DataFrame, exclude: tuple[str, ...]) -> list[str]:
    """Key fields to facet by: those with two values or more besides null (a null key,
    such as bpf_jit of a variant without the BPF runtime, means "does not apply")."""
    return [c for c in varying_keys(data, exclude=exclude) if data[c].nunique() > 1]


def _line_figure(data: pd.DataFrame, out: Path, question: str, what: str, x: str,
                 metric: str, xlabel: str, ylabel: str, scale: float = 1e6,
                 style: str | None = None, xlog: bool = True) -> None:
    """Lines of 'metric' against 'x': colour = variant, line style = the 'style' column's
    value (an extension, +coalesce …); one panel per value of the other varying keys."""
    if data.empty:
        plotting.nothing(question, what, out)
        return
    groups = plotting.panel_groups(data, _varying(
        data, ("variant", "experiment", x, "extension", *([style] if style else []))))
    fig, axes = plotting.grid(question, groups, sharey=True, note=plotting.note(data))
    # Markers shrink from line to line, so that lines on the same values stay visible.
    size = {v: 6.5 - 2.5 * i / max(1, data["variant"].nunique() - 1)
            for i, v in enumerate(sorted(data["variant"].unique()))}
    # A variant label with a flag (softflow+coalesce) takes the next line style.
    # "none" (no extension) is drawn solid.
    styles = {v: i for i, v in enumerate(sorted(data[style].astype(str).unique(),
                                                key=lambda v: (v != "none", v)))} \
        if style else {}
    for ax, (_, panel) in zip(axes, groups, strict=False):
        by = ["variant", *([style] if style else [])]
        for key, g in panel.groupby(by, sort=True):
            key = key if isinstance(key, tuple) else (key,)
            agg = aggregate(g, metric, by=[x]).sort_values(x)
            label = " · ".join(str(k) for k in key)
            plotting.errorbar(
                ax, agg[x], agg, scale, marker="o", markersize=size[key[0]], label=label,
                color=variant_colour(key[0]), linestyle=LINESTYLES[
                    (styles.get(str(key[-1]), 0) + ("+" in key[0])) % len(LINESTYLES)])
        ax.set(xlabel=xlabel, ylabel=ylabel)
        if xlog:
            ax.set_xscale("log")
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
    plotting.legend_outside(fig)
    plotting.save(fig, out)


def _line_numbers(data: pd.DataFrame, x: str, metric: str,
                  style: str | None = None) -> pd.DataFrame:
    """What a line figure draws: per panel, line and x, n, median, 95 % CI, CV, and the
    ratio of the median to vanilla's (without an extension) at the same panel and x."""
    if data.empty:
        return pd.DataFrame()
    panels = _varying(data, ("variant", "experiment", x, "extension",
                             *([style] if style else [])))
    agg = aggregate(data, metric, by=[*panels, "variant", *([style] if style else []), x])
    base = data[(data["variant"] == "vanilla") & (data["extension"] == "none")] \
        if "extension" in data else data.iloc[0:0]
    if base.empty:
        return agg
    ref = aggregate(base, metric, by=[*panels, x])[[*panels, x, "median"]]
    agg = agg.merge(ref.rename(columns={"median": "vanilla_median"}), on=[*panels, x],
                    how="left")
    return agg.assign(vs_vanilla=agg["median"] / agg.pop("vanilla_median"))


def _rx_vs_flows_data(df: pd.DataFrame) -> pd.DataFrame:
    data = _sweeps(_default_caches(_throughput(df)), "flows")
    return data[data["extension"] == "none"]


def rx_vs_flows(df: pd.DataFrame, out: Path) -> None:
    """How does each variant's received rate (Mpps) fall as flows grow (10 … 1M), with no
    extension? From the experiments sweeping flows, at the engine's maximum rate."""
    _line_figure(_rx_vs_flows_data(df), out,
                 "How does throughput fall as flows grow? (no extension)",
                 "flow sweeps without extensions", "flows", "rate", "flows (log scale)",
                 "received rate (Mpps)")


def _rx_vs_flows_readonly_data(df: pd.DataFrame) -> pd.DataFrame:
    data = _sweeps(_default_caches(_throughput(df)), "flows")
    writes = data.get("ext_writes_packet", pd.Series(False, data.index))
    readonly = (data["extension"] != "none") & ~writes.astype("boolean").fillna(False)
    data = data[readonly | ((data["variant"] == "vanilla") & (data["extension"] == "none"))]
    if not readonly.any():
        data = data.iloc[0:0]
    return data.assign(extension=_ext_labels(data))


def rx_vs_flows_readonly(df: pd.DataFrame, out: Path) -> None:
    """What does a read-only extension cost as flows grow? Received Mpps against flows per
    variant with each read-only extension the flow sweeps ran, beside vanilla without one."""
    _line_figure(_rx_vs_flows_readonly_data(df), out,
                 "What does a read-only extension cost as flows grow?",
                 "flow sweeps with a read-only extension", "flows", "rate",
                 "flows (log scale)", "received rate (Mpps)", style="extension")


def _rows(data: pd.DataFrame, base: pd.Series, within: tuple[str, ...]) -> pd.Series:
    """Row labels: 'base', plus the values of the 'within' key fields that vary for one
    base label (so that no row pools two configurations)."""
    out = base.astype(str)
    for col in within:
        if col in data and (data.groupby(base)[col].nunique(dropna=False) > 1).any():
            out = out + " · " + data[col].map(lambda v, c=col: plotting.value_label(c, v))
    return out


def _single(data: pd.DataFrame) -> pd.DataFrame:
    """Trials of one extension (or none) outside the experiments that sweep flows or chain
    lengths (those have their own figures)."""
    sweeps = set(_sweeps(data, "flows")["experiment"]) | set(_sweeps(data, "ext_chain")[
        "experiment"])
    data = data[~data["experiment"].isin(sweeps)]
    return data[data["ext_chain"].fillna(1) == 1] if "ext_chain" in data else data


def _passes_data(df: pd.DataFrame) -> pd.DataFrame:
    data = _single(_default_caches(_measured(df)))
    data = data[data["extension"] != "none"]
    return data.assign(row=_rows(data, _ext_labels(data), ("topology", "profile")))


def _vanilla_like(df: pd.DataFrame, fast: pd.DataFrame) -> pd.DataFrame:
    """Vanilla's maximum-rate trials without an extension in the configurations of 'fast'
    (port type, flows, packet size, topology, profile)."""
    same = ["port_type", "flows", "pkt_size", "topology", "profile"]
    base = _default_caches(_throughput(df))
    return base[(base["variant"] == "vanilla") & (base["extension"] == "none")].merge(
        fast[same].drop_duplicates(), on=same)


def _passes_and_rate(data: pd.DataFrame, by: list[str],
                     base: pd.DataFrame | None = None) -> pd.DataFrame:
    """Passes per packet of every trial in 'data' and received rate of its trials at the
    maximum rate, by 'by' (columns suffixed _passes and _rate; passes only without such
    trials), with the rate's ratio to the median of 'base' (vs_vanilla) if given."""
    passes = aggregate(data, "passes_per_pkt", by=by)
    fast = _throughput(data)
    if fast.empty:
        return passes
    rate = aggregate(fast, "rate", by=by)
    if base is not None and len(base):
        rate["vs_vanilla"] = rate["median"] / base["rate"].median()
    return passes.merge(rate, on=by, how="left", suffixes=("_passes", "_rate"))


def _passes_numbers(df: pd.DataFrame) -> pd.DataFrame:
    data = _passes_data(df)
    if data.empty:
        return pd.DataFrame()
    return _passes_and_rate(data, ["row", "variant"], _vanilla_like(df, _throughput(data)))


def passes_by_extension(df: pd.DataFrame, out: Path) -> None:
    """How many datapath passes does each extension cost each variant, and what received
    rate is left? Single extensions (not the experiments sweeping flows or chains), OVS's
    default caches. Passes per packet from every trial that ran (the translation decides
    them, not the rate or the port type), received Mpps from the trials at the maximum
    rate; the dashed line is vanilla without an extension in the same configuration."""
    question = "What does one extension cost: datapath passes and received rate?"
    data = _passes_data(df)
    if data.empty:
        plotting.nothing(question, "trials with one extension", out)
        return
    fast = _throughput(data)
    rows = sorted(data["row"].unique())
    fig, axes = plotting.figure(question, ncols=2, width=8.0, note=plotting.note(data),
                                height=1.4 + 0.26 * len(rows), sharey=True)
    ax1, ax2 = axes[0]
    plotting.dots(ax1, data, rows, "passes_per_pkt", 1)
    ax1.set(xlabel="datapath passes per packet")
    ax1.set_xlim(left=0)
    if fast.empty:
        plotting.empty(ax2, "no trial at the maximum rate")
    else:
        plotting.dots(ax2, fast, rows, "rate", 1e6)
        base = _vanilla_like(df, fast)
        if len(base):
            ax2.axvline(base["rate"].median() / 1e6, color=variant_colour("vanilla"),
                        linestyle="--", linewidth=1, label="vanilla, no extension")
        ax2.set(xlabel="received rate (Mpps)")
        ax2.set_xlim(left=0)
    plotting.legend_outside(fig)
    plotting.save(fig, out)


def cache_shares(data: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Share of datapath passes (packets + recirculations) answered by each cache level
    (CACHE_LEVELS' names), per group of 'by', counters summed over the group's trials: the
    one definition of a cache share."""
    levels = {name: col for name, col in CACHE_LEVELS.items() if col in data}
    sums = data.groupby(by)[[*levels.values(), "ovs_pkts", "recirculations"]].sum()
    shares = sums[list(levels.values())].div(sums["ovs_pkts"] + sums["recirculations"],
                                             axis=0).fillna(0)
    shares.columns = list(levels)
    return shares


def _cache_data(df: pd.DataFrame) -> pd.DataFrame:
    data = _single(_default_caches(_measured(df)))
    data = data[data["ovs_pkts"].fillna(0) > 0]
    return data.assign(row=_rows(data, _ext_labels(data), ("topology", "profile",
                                                           "port_type")))


def cache_breakdown(df: pd.DataFrame, out: Path) -> None:
    """Which cache answers each datapath pass? Share of passes (packets + recirculations)
    answered by simple match, EMC, SMC, megaflow or an upcall, per variant (one panel each)
    and extension, under OVS's default caches, outside the flow and chain sweeps; counters
    summed over repetitions (and rates)."""
    question = "Which cache answers each datapath pass? (OVS's default caches)"
    data = _cache_data(df)
    if data.empty:
        plotting.nothing(question, "trials with datapath counters", out)
        return
    levels = {name: col for name, col in CACHE_LEVELS.items() if col in data}
    variants = sorted(data["variant"].unique())
    counts = [data[data["variant"] == v]["row"].nunique() for v in variants]
    fig, axes = plotting.figure(question, nrows=len(variants), width=7.5,
                                height=1.0 + 0.22 * sum(counts) + 0.35 * len(variants),
                                note="hits / (packets + recirculations), summed over "
                                     "repetitions",
                                sharex=True, gridspec_kw={"height_ratios": counts})
    for ax, variant in zip(axes[:, 0], variants, strict=True):
        shares = cache_shares(data[data["variant"] == variant], ["row"])
        left = np.zeros(len(shares))
        for name in levels:
            ax.barh(range(len(shares)), shares[name], left=left, height=0.7,
                    color=plotting.LEVEL_COLOURS[name], label=name)
            left += shares[name].to_numpy()
        ax.set_yticks(range(len(shares)), shares.index, fontsize=7)
        ax.set_ylim(len(shares) - 0.5, -0.5)
        ax.set_title(variant, fontsize=8, loc="left", color=variant_colour(variant))
        ax.set_xlim(0, 1)
    axes[-1, 0].set_xlabel("share of datapath passes")
    plotting.legend_outside(fig, title="answered by")
    plotting.save(fig, out)


def _rx_vs_chain_data(df: pd.DataFrame) -> pd.DataFrame:
    data = _sweeps(_throughput(df), "ext_chain")
    data = data[data["ext_chain"].notna()] if "ext_chain" in data else data.iloc[0:0]
    return data.assign(variant=data["variant"] + np.where(
        data.get("ext_coalesce", pd.Series(False, data.index)).astype("boolean")
        .fillna(False), "+coalesce", ""), extension=data.get("ext_name"))


def rx_vs_chain(df: pd.DataFrame, out: Path) -> None:
    """How does the received rate (Mpps) fall with the number of chained extensions
    (1 … 10)? Per variant (dashed: SoftFlow's coalesce flag), one panel per cache
    configuration (and other key fields that vary), at the engine's maximum rate."""
    _line_figure(_rx_vs_chain_data(df), out,
                 "How does throughput fall with the length of an extension chain?",
                 "experiments varying the chain length", "ext_chain", "rate",
                 "chained extensions", "received rate (Mpps)", style="extension", xlog=False)


def _fold_chain_data(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chains of the experiments with oko-fold, and vanilla without an extension in
    those experiments (the reference)."""
    data = _rx_vs_chain_data(df)
    if data.empty or "experiment" not in data:
        return data, data
    folds = data.loc[data["variant"] == "oko-fold", "experiment"].unique()
    base = _throughput(df)
    base = base[base["experiment"].isin(folds) & (base["variant"] == "vanilla")
                & (base["extension"] == "none")]
    return data[data["experiment"].isin(folds)], base


def fold_chain(df: pd.DataFrame, out: Path) -> None:
    """What does folding pure filters into megaflows buy, and what does it cost? Received
    rate and datapath flows against the chain length, oko vs oko-fold (line style =
    extension; dashed black: vanilla without an extension), at the engine's maximum rate."""
    question = "What does folding pure filters into the megaflow buy, and cost?"
    data, base = _fold_chain_data(df)
    if data.empty:
        plotting.nothing(question, "experiments with oko-fold varying the chain length", out)
        return
    exclude = ("variant", "experiment", "ext_chain", "extension")
    groups = plotting.panel_groups(data, _varying(data, exclude))
    metrics = [("rate", "received rate (Mpps)", 1e6), ("megaflows", "datapath flows", 1)]
    panels = [(" · ".join(t for t in (title, what) if t), g, metric, ylabel, scale)
              for title, g in groups for metric, ylabel, scale in metrics
              for what in [{"rate": "throughput", "megaflows": "megaflows"}[metric]]]
    fig, axes = plotting.grid(question, [(t, g) for t, g, *_ in panels], sharey=False,
                              note=plotting.note(data))
    styles = {e: i for i, e in enumerate(sorted(data["extension"].astype(str).unique()))}
    for ax, (_, panel, metric, ylabel, scale) in zip(axes, panels, strict=False):
        for (variant, ext), g in panel.groupby(["variant", "extension"], sort=True):
            agg = aggregate(g, metric, by=["ext_chain"]).sort_values("ext_chain")
            plotting.errorbar(ax, agg["ext_chain"], agg, scale, marker="o", markersize=4,
                              label=f"{variant} · {ext}", color=variant_colour(variant),
                              linestyle=LINESTYLES[styles[str(ext)] % len(LINESTYLES)])
        if metric == "rate" and len(base):
            ax.axhline(base["rate"].median() / scale, color=variant_colour("vanilla"),
                       linestyle="--", linewidth=1, label="vanilla, no extension")
        ax.set(xlabel="chained filters", ylabel=ylabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
    handles, labels = {}, {}
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(lab, h)
            labels[lab] = lab
    plotting.legend_outside(fig, list(handles.values()), list(labels))
    plotting.save(fig, out)


def _fold_chain_numbers(df: pd.DataFrame) -> pd.DataFrame:
    data, base = _fold_chain_data(df)
    if data.empty:
        return pd.DataFrame()
    rows = []
    for metric in ("rate", "megaflows"):
        agg = aggregate(data, metric, by=["variant", "extension", "ext_chain"])
        agg.insert(0, "metric", metric)
        if metric == "rate" and len(base):
            agg["vs_vanilla"] = agg["median"] / base["rate"].median()
        rows.append(agg)
    return pd.concat(rows, ignore_index=True)


def _megaflows_vs_flows_data(df: pd.DataFrame) -> pd.DataFrame:
    data = _sweeps(_default_caches(_measured(df)), "flows")
    return data.assign(extension=_ext_labels(data))


def megaflows_vs_flows(df: pd.DataFrame, out: Path) -> None:
    """How many datapath flows (megaflows, at the end of a trial) does each variant install
    as flows grow? From the experiments sweeping flows; line style = extension."""
    _line_figure(_megaflows_vs_flows_data(df), out,
                 "How many datapath flows does each variant install as flows grow?",
                 "flow sweeps", "flows", "megaflows", "flows (log scale)",
                 "datapath flows at the end", scale=1, style="extension")


def _verifier_data(df: pd.DataFrame) -> pd.DataFrame:
    data = _measured(df)
    return data[(data["variant"] == "verifier") & (data["extension"] != "none")]


def verifier_table(df: pd.DataFrame) -> pd.DataFrame:
    """Per extension the verifier variant ran: the label (changes_flow_key), whether it
    re-classified (passes per packet > 1 in any trial), passes per packet, the decision."""
    data = _verifier_data(df)
    rows = []
    for name, g in data.groupby("ext_name"):
        recirc = bool((g["passes_per_pkt"] > 1.005).any())
        label = bool(g["ext_changes_flow_key"].iloc[0])
        rows.append({
            "extension": name, "writes_flow_key": label, "reclassified": recirc,
            "passes_median": g["passes_per_pkt"].median(),
            "passes_min": g["passes_per_pkt"].min(), "passes_max": g["passes_per_pkt"].max(),
            "decision": ("re-classification needed" if recirc and label else
                         "re-classification avoided" if not recirc and not label else
                         "WRONG: missed a flow-key write" if label else "WRONG: needless")})
    return pd.DataFrame(rows)


def verifier_decisions(df: pd.DataFrame, out: Path) -> None:
    """Does the verifier variant re-classify exactly when an extension may write the flow
    key? Decision observed in the datapath: re-classified iff passes per packet > 1.
    Label: the metadata's changes_flow_key. needed = both; avoided = neither; wrong
    otherwise."""
    question = "Does the verifier re-classify exactly when an extension writes the flow key?"
    decisions = verifier_table(df)
    if decisions.empty:
        plotting.nothing(question, "verifier trials with extensions", out)
        return
    rows, colours = [], []
    for _, d in decisions.iterrows():
        rows.append([d["extension"], "yes" if d["writes_flow_key"] else "no",
                     "yes" if d["reclassified"] else "no",
                     f"{d['passes_median']:.2f} ({d['passes_min']:.2f}–"
                     f"{d['passes_max']:.2f})", d["decision"]])
        ok = "#b7e1b0" if not d["decision"].startswith("WRONG") else "#f4a6a6"
        colours.append(["white"] * 4 + [ok])
    fig, axes = plotting.figure(question, note="every trial of the verifier variant with an "
                                "extension; passes: median (min–max) over trials")
    plotting.draw_table(axes[0, 0], rows, [
        "extension", "writes flow key\n(label)", "re-classified\n(observed)",
        "datapath passes\nper packet", "decision"], colours)
    plotting.save(fig, out)


def _delivery_data(df: pd.DataFrame) -> pd.DataFrame:
    if not {"delivery", "offered_pps"} <= set(df):
        return df.iloc[0:0]
    return df[(df["extension"] != "none") & df["offered_pps"].notna()]


def delivery_cells(df: pd.DataFrame) -> pd.DataFrame:
    """(extension · profile) × variant → the worst delivery of its fixed-rate trials.

    Delivery is judged at fixed rates only: at the maximum rate the switch drops packets.
    """
    data = _delivery_data(df)
    if data.empty:
        return pd.DataFrame()
    data = data.assign(row=data["extension"] + " · " + data["profile"])
    worst = {"wrong": 0, "not scored": 1, "not expressible": 2, "correct": 3}
    return (data.groupby(["row", "variant"])["delivery"]
            .agg(lambda s: min(s, key=lambda v: worst.get(v, -1))).unstack())


def delivery_matrix(df: pd.DataFrame, out: Path) -> None:
    """Does each variant deliver what each extension's metadata expects? Fixed-rate trials
    only (at the maximum rate the switch drops packets for lack of time): variant ×
    (extension · profile) → correct / wrong / not expressible / not scored (no expectation
    declared for that profile and topology); the worst of the repetitions."""
    question = "Does each variant deliver what each extension expects?"
    cell = delivery_cells(df)
    if cell.empty:
        plotting.nothing(question, "fixed-rate trials with extensions", out)
        return
    colours = {"correct": "#b7e1b0", "wrong": "#f4a6a6", "not expressible": "#dddddd",
               "not scored": "#f6e7a6"}
    values = cell.fillna("–")
    rows = [[idx, *row] for idx, row in zip(values.index, values.to_numpy().tolist(),
                                            strict=True)]
    fig, axes = plotting.figure(question, note="fixed-rate trials; the worst of the "
                                "repetitions")
    plotting.draw_table(axes[0, 0], rows, ["extension · profile", *cell.columns],
                        [["white", *(colours.get(v, "white") for v in row[1:])]
                         for row in rows])
    plotting.save(fig, out)


LATENCY = ["lat_min_us", "lat_p50_us", "lat_p99_us", "lat_max_us"]


def _latency_data(df: pd.DataFrame) -> pd.DataFrame:
    data = _default_caches(_measured(df))
    data = data[data["offered_pps"].notna()] if set(LATENCY) <= set(data) \
        else data.iloc[0:0]
    data = data.dropna(subset=LATENCY)
    return data.assign(row=_rows(data, data["variant"] + " · " + _ext_labels(data),
                                 ("topology", "profile")))


def _latency_numbers(df: pd.DataFrame) -> pd.DataFrame:
    data = _latency_data(df)
    if data.empty:
        return pd.DataFrame()
    panels = _varying(data, ("variant", "experiment", "extension", "topology", "profile"))
    return data.groupby([*panels, "row"], dropna=False)[LATENCY].median().reset_index()


def latency_percentiles(df: pd.DataFrame, out: Path) -> None:
    """What one-way latency (µs) does each variant and extension show at a fixed rate?
    min–max as a line, p50 and p99 as marks (medians over repetitions), one panel per port
    type and rate (and other key fields that vary), OVS's default caches."""
    question = "What one-way latency does each variant show at a fixed rate?"
    cols = LATENCY
    data = _latency_data(df)
    if data.empty:
        plotting.nothing(question, "fixed-rate trials with a latency probe", out)
        return
    groups = plotting.panel_groups(data, _varying(
        data, ("variant", "experiment", "extension", "topology", "profile")))
    rows = sorted(data["row"].unique())
    fig, axes = plotting.grid(question, groups, width=4.2, height=0.6 + 0.2 * len(rows),
                              sharey=True, note="line: min–max; marks: p50 and p99; medians "
                              "over repetitions")
    marks = {"lat_p50_us": ("o", "p50"), "lat_p99_us": ("s", "p99")}
    for ax, (_, panel) in zip(axes, groups, strict=False):
        med = panel.groupby("row")[cols].median()
        for row, v in med.iterrows():
            y = rows.index(row)
            colour = variant_colour(row.split(" · ")[0])
            ax.plot([v["lat_min_us"], v["lat_max_us"]], [y, y], color=colour, linewidth=1.2)
            for col, (marker, _) in marks.items():
                ax.plot([v[col]], [y], marker=marker, color=colour, markersize=4,
                        linestyle="none")
        ax.set_xscale("log")
        ax.set_yticks(range(len(rows)), rows, fontsize=7)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set(xlabel="one-way latency (µs, log scale)")
        ax.grid(True, axis="x", alpha=0.3)
    from matplotlib.lines import Line2D
    plotting.legend_outside(fig, [Line2D([], [], marker=m, color="grey", linestyle="none")
                                  for m, _ in marks.values()],
                            [name for _, name in marks.values()])
    plotting.save(fig, out)


def _cache_sweep_data(df: pd.DataFrame) -> pd.DataFrame:
    data = _sweeps(_throughput(df), "cache")
    data = data[~data["experiment"].isin(_sweeps(data, "ext_chain")["experiment"])]
    if "ext_chain" in data:
        data = data[data["ext_chain"].fillna(1) <= 1]
    return data.assign(extension=np.where(data["extension"] == "none", "no program",
                                          "program: " + data["extension"]))


def _cache_sweep_numbers(df: pd.DataFrame) -> pd.DataFrame:
    """Per panel, variant and cache: the median and CI, the ratio to the same variant under
    the experiment's first cache configuration (all caches), and to vanilla without a
    program under the same cache configuration."""
    data = _cache_sweep_data(df)
    if data.empty:
        return pd.DataFrame()
    panels = _varying(data, ("variant", "experiment", "cache", "extension"))
    agg = aggregate(data, "rate", by=["extension", *panels, "variant", "cache"])
    first = list(dict.fromkeys(data["cache"]))[0]
    ref = agg[agg["cache"] == first][["extension", *panels, "variant", "median"]]
    agg = agg.merge(ref.rename(columns={"median": "first"}), how="left",
                    on=["extension", *panels, "variant"])
    agg[f"vs_{first}"] = agg["median"] / agg.pop("first")
    van = agg[(agg["variant"] == "vanilla") & (agg["extension"] == "no program")]
    agg = agg.merge(van[[*panels, "cache", "median"]].rename(columns={"median": "van"}),
                    how="left", on=[*panels, "cache"])
    agg["vs_vanilla"] = agg["median"] / agg.pop("van")
    return agg


def rx_by_cache(df: pd.DataFrame, out: Path) -> None:
    """What does each cache configuration cost each variant, without and with one program?
    Received Mpps per cache configuration (the talk's "all caches / megaflow only / no
    cache"), bars per variant, one panel per extension (and other varying key fields),
    from the experiments varying caches but not chains, at the engine's maximum rate."""
    question = "What does each cache configuration cost, without and with one program?"
    data = _cache_sweep_data(df)
    if data.empty:
        plotting.nothing(question, "experiments varying the cache configuration", out)
        return
    groups = plotting.panel_groups(data, ["extension", *_varying(
        data, ("variant", "experiment", "cache", "extension"))])
    order = list(dict.fromkeys(data["cache"]))  # As the experiment lists them.
    variants = sorted(data["variant"].unique())
    fig, axes = plotting.grid(question, groups, width=3.0, sharey=True, note=plotting.note(data))
    width = 0.8 / len(variants)
    for ax, (_, panel) in zip(axes, groups, strict=False):
        for i, variant in enumerate(variants):
            g = panel[panel["variant"] == variant]
            if g.empty:
                continue
            agg = aggregate(g, "rate", by=["cache"])
            x = agg["cache"].map(order.index).to_numpy() + (i - (len(variants) - 1) / 2) * width
            med = agg["median"].to_numpy() / 1e6
            err = np.array([(agg["median"] - agg["ci_low"]).fillna(0),
                            (agg["ci_high"] - agg["median"]).fillna(0)]) / 1e6
            ax.bar(x, med, width=width, yerr=err, capsize=2, color=variant_colour(variant),
                   label=variant)
        ax.set_xticks(range(len(order)), order, fontsize=8)
        ax.set(xlabel="cache configuration", ylabel="received rate (Mpps)")
        ax.grid(True, axis="y", alpha=0.3)
    plotting.legend_outside(fig)
    plotting.save(fig, out)


#: Share of the packets that dnat rewrites, by profile: vip_mix_NN sends NN % to its
#: virtual IP, udp_flows everything (its destination is the virtual IP, h2).
REWRITE_SHARES = {"vip_mix_10": 0.1, "vip_mix_50": 0.5, "vip_mix_90": 0.9, "udp_flows": 1.0}


def _rewrite_share_data(df: pd.DataFrame) -> pd.DataFrame:
    data = _default_caches(_measured(df))
    data = data[(data["extension"] == "dnat") & data["profile"].isin(REWRITE_SHARES)]
    data = data.assign(rewrite_share=data["profile"].map(REWRITE_SHARES))
    return _sweeps(data, "rewrite_share")


def _rewrite_share_numbers(df: pd.DataFrame) -> pd.DataFrame:
    data = _rewrite_share_data(df)
    if data.empty:
        return pd.DataFrame()
    return _passes_and_rate(data, ["variant", "rewrite_share"])


def rewrite_share(df: pd.DataFrame, out: Path) -> None:
    """How do passes per packet and received rate follow the share of packets that an
    extension rewrites? dnat with a share of the traffic to its virtual IP (profiles
    vip_mix_NN; udp_flows: all of it), per variant: refined re-classifies only the
    rewritten packets (1 + share passes), verifier and softflow every packet. Passes from
    every trial, received Mpps from the trials at the engine's maximum rate."""
    question = "Does re-classification follow the share of packets an extension rewrites?"
    data = _rewrite_share_data(df)
    if data.empty:
        plotting.nothing(question, "dnat trials over rewrite shares", out)
        return
    panels = [("datapath passes per packet", data, "passes_per_pkt", 1),
              ("received rate (Mpps)", _throughput(data), "rate", 1e6)]
    fig, axes = plotting.grid(question, [(t, d) for t, d, _, _ in panels],
                              note=plotting.note(data))
    for ax, (title, panel, metric, scale) in zip(axes, panels, strict=False):
        if panel.empty:
            plotting.empty(ax, "no trial at the maximum rate")
            continue
        for variant, g in panel.groupby("variant", sort=True):
            agg = aggregate(g, metric, by=["rewrite_share"]).sort_values("rewrite_share")
            plotting.errorbar(ax, agg["rewrite_share"], agg, scale, marker="o",
                              markersize=5, label=variant, color=variant_colour(variant))
        ax.set(xlabel="share of packets rewritten", ylabel=title)
        ax.set_xlim(0, 1.05)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
    plotting.legend_outside(fig)
    plotting.save(fig, out)


FIGURES = {f.__name__: f for f in (
    rx_vs_flows, rx_vs_flows_readonly, passes_by_extension, cache_breakdown, rx_vs_chain,
    megaflows_vs_flows, verifier_decisions, delivery_matrix, latency_percentiles,
    rx_by_cache, fold_chain, rewrite_share)}


#: Figure → the trials it draws (rows of the tidy table), selected as the figure selects
#: them: the report names each figure's experiments, machines and commits from these.
SOURCES = {
    "rx_vs_flows": _rx_vs_flows_data,
    "rx_vs_flows_readonly": _rx_vs_flows_readonly_data,
    "passes_by_extension": lambda df: (lambda d: pd.concat(
        [d, _vanilla_like(df, _throughput(d))]))(_passes_data(df)),
    "cache_breakdown": _cache_data,
    "rx_vs_chain": _rx_vs_chain_data,
    "megaflows_vs_flows": _megaflows_vs_flows_data,
    "verifier_decisions": _verifier_data,
    "delivery_matrix": _delivery_data,
    "latency_percentiles": _latency_data,
    "rx_by_cache": _cache_sweep_data,
    "fold_chain": lambda df: (lambda d, base: pd.concat([d, base]))(*_fold_chain_data(df)),
    "rewrite_share": _rewrite_share_data,
}


#: Figure → the numbers behind it, computed as the figure computes them.
NUMBERS = {
    "rx_vs_flows": lambda df: _line_numbers(_rx_vs_flows_data(df), "flows", "rate"),
    "rx_vs_flows_readonly": lambda df: _line_numbers(_rx_vs_flows_readonly_data(df), "flows",
                                                     "rate", "extension"),
    "passes_by_extension": _passes_numbers,
    "cache_breakdown": lambda df: (lambda d: cache_shares(d, ["variant", "row"]) if len(d)
                                   else pd.DataFrame())(_cache_data(df)),
    "rx_vs_chain": lambda df: _line_numbers(_rx_vs_chain_data(df), "ext_chain", "rate",
                                            "extension"),
    "megaflows_vs_flows": lambda df: _line_numbers(_megaflows_vs_flows_data(df), "flows",
                                                   "megaflows", "extension"),
    "verifier_decisions": verifier_table,
    "delivery_matrix": delivery_cells,
    "latency_percentiles": _latency_numbers,
    "rx_by_cache": _cache_sweep_numbers,
    "fold_chain": _fold_chain_numbers,
    "rewrite_share": _rewrite_share_numbers,
}


def numbers(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind figure 'name' (medians, CIs, ratios to vanilla; shares; tables)
    from the tidy table 'df', as the figure computes them."""
    return NUMBERS[name](df)
