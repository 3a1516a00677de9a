"""The look shared by every figure (harness.figures, harness.compare): one palette, titles
that ask the figure's question, panels per value of what else varies (``panel_groups``,
``grid``), medians with CIs (``errorbar``, ``dots``), tables that fit their text, PNG and
PDF output, and a layout check that finds overlapping or clipped text, legends over data
and empty canvases.

Colours are fixed per variant (``VARIANT_COLOURS``, the Okabe-Ito colour-blind-safe
palette) and per cache level, so a variant has the same colour in every figure.
"""

import itertools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.collections import Collection, LineCollection  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.table import Table  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from harness.results import aggregate  # noqa: E402

#: Variant → colour, the same in every figure (Okabe-Ito).
VARIANT_COLOURS = {"vanilla": "#000000", "softflow": "#E69F00", "oko": "#0072B2",
                   "verifier": "#009E73", "refined": "#CC79A7", "oko-fold": "#56B4E9",
                   "runtime": "#999999"}
#: Colours for anything else that needs telling apart (unknown variants, in order).
OTHER_COLOURS = ["#D55E00", "#F0E442", "#882255", "#44AA99", "#AA4499", "#332288"]
#: Cache level → colour (cache_breakdown).
LEVEL_COLOURS = {"simple match": "#999999", "EMC": "#56B4E9", "SMC": "#CC79A7",
                 "megaflow": "#0072B2", "upcall": "#E69F00",
                 "upcall, no flow installed": "#D55E00"}
#: Line styles for what is told apart within one variant (coalesce, an extension …).
LINESTYLES = ["-", "--", ":", "-."]
#: Written under every title of a figure with error bars.
CI_NOTE = "points: median over repetitions; bars: 95 % percentile-bootstrap CI of the median"
EMPTY_TEXT = "no trials for this figure in this result set"


def variant_colour(variant: str) -> str:
    """The colour of 'variant' (a label 'variant+…' or 'variant · …' takes its variant's)."""
    base = str(variant).split("+")[0].split(" ")[0]
    if base in VARIANT_COLOURS:
        return VARIANT_COLOURS[base]
    return OTHER_COLOURS[sum(map(ord, base)) % len(OTHER_COLOURS)]


def figure(question: str, ncols: int = 1, nrows: int = 1, width: float = 5.5,
           height: float = 3.4, note: str | None = CI_NOTE, **kw):
    """A figure whose title is its question (and, below it, how points are computed).

    Returns (fig, axes) with 'axes' a 2-D array (nrows × ncols); the layout is constrained,
    so labels, titles and outside legends get room instead of overlapping.
    """
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), squeeze=False,
                             layout="constrained", **kw)
    fig.suptitle(question + (f"\n{note}" if note else ""), fontsize=9)
    return fig, axes


def legend_outside(fig, handles=None, labels=None, title: str | None = None) -> None:
    """One legend for the whole figure, below the axes (never over data, never beside the
    title)."""
    if handles is None:
        seen = {}
        for ax in fig.axes:
            for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
                seen.setdefault(lab, h)
        labels, handles = list(seen), list(seen.values())
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(handles), 4),
                   fontsize=7, title=title, title_fontsize=7, frameon=False)


def empty(ax, what: str) -> None:
    """Say on the canvas that the result set has no trials for this figure."""
    ax.text(0.5, 0.5, f"{EMPTY_TEXT}\n({what})", ha="center", va="center",
            transform=ax.transAxes, fontsize=8)
    ax.set_axis_off()


def draw_table(ax, rows: list[list[str]], columns: list[str],
               colours: list[list[str]] | None = None, fontsize: float = 8) -> Table:
    """A table whose columns are as wide as their widest text (header included), left
    aligned, filling 'ax'; the figure is resized so that the text fits at 'fontsize'."""
    ax.set_axis_off()
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    probe = ax.text(0, 0, "", fontsize=fontsize)
    widths = []
    for j, head in enumerate(columns):
        texts = [head, *(row[j] for row in rows)]
        w = 0.0
        for t in texts:
            probe.set_text(t)
            w = max(w, probe.get_window_extent(renderer).width)
        widths.append(w + 2.5 * fontsize)  # Padding inside the cell (points ≈ pixels/dpi).
    probe.remove()
    lines = max(str(c).count("\n") + 1 for c in columns)
    total = sum(widths) / fig.dpi
    height = (len(rows) + lines) * fontsize * 1.9 / 72
    fig.set_size_inches(max(total + 0.4, 3.0), height + 0.9)
    table = ax.table(cellText=rows, colLabels=columns, cellColours=colours, cellLoc="left",
                     colLoc="left", loc="upper center",
                     colWidths=[w / sum(widths) for w in widths], bbox=[0, 0, 1, 1])
    table.auto_set_font_size(False)
    table.set_fontsize(fontsize)
    for (r, _), cell in table.get_celld().items():
        if r == 0:
            cell.set_text_props(weight="bold")
            cell.set_height(cell.get_height() * lines)
    return table


def save(fig, out: Path) -> None:
    """Write the figure as PNG and PDF next to each other."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out.with_suffix(".png"), dpi=150)
    fig.savefig(out.with_suffix(".pdf"))
    plt.close(fig)


def value_label(column: str, value) -> str:
    """How a key field's value reads in a panel title or a row label."""
    if column == "rate_pps":
        return "maximum rate" if pd.isna(value) else f"{value / 1e3:g} kpps"
    if column == "flows":
        return f"{int(value):,} flows"
    if column == "pkt_size":
        return f"{int(value)} B"
    if column == "cache":
        return f"cache {value}"
    if column == "port_type":
        return f"{value} ports"
    if column in ("topology", "profile", "experiment", "extension"):
        return str(value)
    return f"{column} {value}"


def panel_groups(data: pd.DataFrame, facets: list[str]) -> list[tuple[str, pd.DataFrame]]:
    """(title, rows) per panel: one per combination of the 'facets' columns' values."""
    if not facets:
        return [("", data)]
    return [(" · ".join(value_label(c, v) for c, v in zip(facets, k if isinstance(k, tuple)
                                                     else (k,), strict=True)), g)
            for k, g in data.groupby(facets, dropna=False, sort=True)]


def grid(question: str, groups: list, width: float = 3.4, height: float = 2.8,
          note: str | None = CI_NOTE, **kw):
    """A figure with one panel per group (at most three a row); unused panels hidden."""
    ncols = min(len(groups), 3) or 1
    nrows = -(-len(groups) // ncols) or 1
    fig, axes = figure(question, ncols=ncols, nrows=nrows,
                                width=max(6.8, 1.6 + width * ncols),
                                height=0.9 + height * nrows, note=note, **kw)
    flat = list(axes.flat)
    for ax in flat[len(groups):]:
        ax.set_visible(False)
    for ax, (title, _) in zip(flat, groups, strict=False):
        if title:
            ax.set_title(title, fontsize=8)
    return fig, flat


def note(data: pd.DataFrame) -> str:
    """How the points of a figure over 'data' are computed (no CI with one repetition)."""
    if "rep" in data and data["rep"].nunique() < 2:
        return "points: one trial each (one repetition: no confidence interval)"
    return CI_NOTE


def nothing(question: str, what: str, out: Path) -> None:
    """Save a figure that asks 'question' and says it has no trials ('what' it needs)."""
    fig, axes = figure(question, note=None)
    empty(axes[0, 0], what)
    save(fig, out)


def errorbar(ax, x, agg: pd.DataFrame, scale: float, horizontal: bool = False, **kw):
    """Medians of 'agg' (harness.results.aggregate) divided by 'scale', with their CIs."""
    med = agg["median"].to_numpy() / scale
    err = np.array([(agg["median"] - agg["ci_low"]).fillna(0).to_numpy(),
                    (agg["ci_high"] - agg["median"]).fillna(0).to_numpy()]) / scale
    if horizontal:
        return ax.errorbar(med, x, xerr=err, capsize=2, **kw)
    return ax.errorbar(x, med, yerr=err, capsize=3, **kw)


def dots(ax, data: pd.DataFrame, rows: list[str], metric: str, scale: float) -> None:
    """Horizontal dot plot: one row per category ('row' column), one dot per variant
    (dodged), median with its 95 % CI."""
    variants = sorted(data["variant"].unique())
    for i, variant in enumerate(variants):
        g = data[data["variant"] == variant]
        if g.empty:
            continue
        agg = aggregate(g, metric, by=["row"])
        y = agg["row"].map({r: n for n, r in enumerate(rows)}).to_numpy(dtype=float)
        y += (i - (len(variants) - 1) / 2) * 0.8 / max(len(variants), 1)
        errorbar(ax, y, agg, scale, horizontal=True, marker="o", markersize=4,
                  linestyle="none", color=variant_colour(variant), label=variant)
    ax.set_yticks(range(len(rows)), rows, fontsize=7)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(True, axis="x", alpha=0.3)


# The layout check.

def _texts(fig) -> list[tuple[str, matplotlib.text.Text]]:
    """Every visible, non-empty text of 'fig' with a name saying where it is."""
    out = []

    def add(where, t):
        if t is not None and t.get_visible() and t.get_text().strip():
            out.append((where, t))

    add("title", fig._suptitle)
    for legend in fig.legends:
        for t in legend.get_texts():
            add("legend", t)
        add("legend title", legend.get_title())
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        for name in ("title", "_left_title", "_right_title"):
            add(f"axes {i} title", getattr(ax, name) if name != "title" else ax.title)
        if ax.axison:
            add(f"axes {i} x label", ax.xaxis.label)
            add(f"axes {i} y label", ax.yaxis.label)
            for axis, name in ((ax.xaxis, "x"), (ax.yaxis, "y")):
                lo, hi = sorted(axis.get_view_interval())
                for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                    # Ticks outside the view are not drawn.
                    loc = tick.get_loc()
                    if loc is None or not lo - 1e-9 * abs(hi - lo) <= loc <= hi + 1e-9 * abs(
                            hi - lo):
                        continue
                    for label in (tick.label1, tick.label2):
                        if label.get_visible():
                            add(f"axes {i} {name} tick", label)
        for t in ax.texts:
            add(f"axes {i} text", t)
        legend = ax.get_legend()
        if legend is not None:
            for t in legend.get_texts():
                add(f"axes {i} legend", t)
        for child in ax.get_children():
            if isinstance(child, Table):
                for (r, c), cell in child.get_celld().items():
                    add(f"axes {i} table cell {r},{c}", cell.get_text())
    return out


def _data_points(ax) -> np.ndarray:
    """Display coordinates of 'ax''s data: line vertices (and points along each segment),
    bar corners and centres, collection offsets and segments."""
    pts = []
    to_display = ax.transData.transform
    for artist in ax.get_children():
        if isinstance(artist, Line2D) and artist.get_visible():
            xy = np.asarray(artist.get_xydata(), dtype=float)
            xy = xy[np.isfinite(xy).all(axis=1)]
            if len(xy) and artist.get_transform() == ax.transData:
                d = to_display(xy)
                pts.append(d)
                for a, b in itertools.pairwise(d):
                    pts.append(a + np.linspace(0, 1, 25)[:, None] * (b - a))
        elif isinstance(artist, Rectangle) and artist is not ax.patch and artist.get_visible():
            bb = artist.get_window_extent()
            if bb.width > 0 and bb.height > 0:
                xs, ys = np.linspace(bb.x0, bb.x1, 5), np.linspace(bb.y0, bb.y1, 5)
                pts.append(np.array([(x, y) for x in xs for y in ys]))
        elif isinstance(artist, LineCollection) and artist.get_visible():
            for seg in artist.get_segments():
                seg = np.asarray(seg, dtype=float)
                seg = seg[np.isfinite(seg).all(axis=1)]
                if len(seg) >= 2:
                    d = to_display(seg)
                    for a, b in itertools.pairwise(d):
                        pts.append(a + np.linspace(0, 1, 25)[:, None] * (b - a))
        elif isinstance(artist, Collection) and artist.get_visible():
            offsets = np.asarray(artist.get_offsets(), dtype=float)
            if len(offsets):
                pts.append(artist.get_offset_transform().transform(offsets))
    return np.concatenate(pts) if pts else np.empty((0, 2))


def _has_data(ax) -> bool:
    if any(isinstance(c, Table) for c in ax.get_children()):
        return True
    return len(_data_points(ax)) > 0


def layout_problems(fig, tolerance: float = 1.0) -> list[str]:
    """What a reviewer would send back about the layout of 'fig' (empty if nothing):
    texts overlapping each other (tick labels, titles, legends, table cells), texts or
    axes outside the canvas, a legend over data points or lines, a text wider than its
    table cell, an empty canvas or one that only says it has no data.

    tolerance: pixels by which boxes may touch without counting as an overlap
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    problems = []
    texts = [(where, t, t.get_window_extent(renderer)) for where, t in _texts(fig)]
    for where, t, bb in texts:
        if (bb.x0 < canvas.x0 - tolerance or bb.y0 < canvas.y0 - tolerance
                or bb.x1 > canvas.x1 + tolerance or bb.y1 > canvas.y1 + tolerance):
            problems.append(f"clipped: {where} {t.get_text()!r} outside the canvas")
    for (w1, t1, b1), (w2, t2, b2) in itertools.combinations(texts, 2):
        inner = Bbox.from_extents(b1.x0 + tolerance, b1.y0 + tolerance, b1.x1 - tolerance,
                                  b1.y1 - tolerance)
        if inner.width > 0 and inner.height > 0 and inner.overlaps(b2):
            problems.append(f"overlap: {w1} {t1.get_text()!r} and {w2} {t2.get_text()!r}")
    for ax in fig.axes:
        for child in ax.get_children():
            if not isinstance(child, Table):
                continue
            for (r, c), cell in child.get_celld().items():
                bb, tb = cell.get_window_extent(renderer), cell.get_text().get_window_extent(
                    renderer)
                if cell.get_text().get_text() and (tb.x0 < bb.x0 - tolerance
                                                   or tb.x1 > bb.x1 + tolerance
                                                   or tb.y0 < bb.y0 - tolerance
                                                   or tb.y1 > bb.y1 + tolerance):
                    problems.append(f"overflow: table cell {r},{c} "
                                    f"{cell.get_text().get_text()!r} wider than its cell")
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    for legend in legends:
        bb = legend.get_window_extent(renderer)
        for i, ax in enumerate(fig.axes):
            pts = _data_points(ax) if ax.axison else np.empty((0, 2))
            inside = ((pts[:, 0] > bb.x0) & (pts[:, 0] < bb.x1) & (pts[:, 1] > bb.y0)
                      & (pts[:, 1] < bb.y1)) if len(pts) else np.array([False])
            if inside.any():
                problems.append(f"legend over data of axes {i}")
    if not any(_has_data(ax) for ax in fig.axes if ax.get_visible()):
        problems.append("empty canvas: no data drawn")
    if any(EMPTY_TEXT in t.get_text() for _, t, _ in texts):
        problems.append("empty canvas: the figure says it has no trials")
    return problems
