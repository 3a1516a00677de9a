"""The paper's figures: one function per figure, each reading only the tidy table."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from harness.results import aggregate  # noqa: E402


def save(fig, out: Path) -> None:
    """Write the figure as PNG and PDF next to each other."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out.with_suffix(".png"), dpi=150, bbox_inches="tight")
    fig.savefig(out.with_suffix(".pdf"), bbox_inches="tight")
    plt.close(fig)


def rx_vs_flows(df: pd.DataFrame, out: Path) -> None:
    """Received rate (Mpps) against the number of flows, one line per variant.

    Only trials without an extension; points are medians over repetitions, error bars
    their 95 % bootstrap confidence intervals.
    """
    data = df[df["extension"] == "none"]
    agg = aggregate(data, "rx_pps", by=["variant", "flows"])
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for variant, g in agg.groupby("variant"):
        g = g.sort_values("flows")
        yerr = [(g["median"] - g["ci_low"]).fillna(0) / 1e6,
                (g["ci_high"] - g["median"]).fillna(0) / 1e6]
        ax.errorbar(g["flows"], g["median"] / 1e6, yerr=yerr, marker="o", capsize=3,
                    label=variant)
    ax.set_xscale("log")
    ax.set_xlabel("flows")
    ax.set_ylabel("received (Mpps)")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend()
    save(fig, out)


FIGURES = {"rx_vs_flows": rx_vs_flows}
