"""Every figure draws from a tidy table, and says so when its trials are missing."""

import itertools

import pandas as pd
import pytest

from harness import figures, plotting


def table() -> pd.DataFrame:
    """A small tidy table with the columns trials write (values are arbitrary)."""
    rows = []
    for variant, ext, flows, rep in itertools.product(
            ["vanilla", "softflow", "oko", "verifier"], ["none", "noop", "dnat"], [10, 1000],
            [0, 1]):
        expressible = not (variant == "vanilla" and ext != "none") and not (
            variant == "oko" and ext == "dnat")
        rows.append({
            "variant": variant, "topology": "p2p", "profile": "udp_flows", "extension": ext,
            "flows": flows, "pkt_size": 64, "offered_pps": None, "rep": rep,
            "expressible": expressible, "rx_pps": 1e5 + rep, "ovs_pkts": 1000.0,
            "recirculations": 1000.0 if variant == "softflow" and ext != "none" else 0.0,
            "passes_per_pkt": 2.0 if variant == "softflow" and ext != "none" else 1.0,
            "simple_match_hits": 0.0, "emc_hits": 900.0, "smc_hits": 0.0,
            "megaflow_hits": 100.0, "upcalls": 0.0, "failed_upcalls": 0.0, "megaflows": 2,
            "ext_name": None if ext == "none" else ext, "ext_chain": 1,
            "ext_coalesce": False, "ext_changes_flow_key": ext == "dnat",
            "delivery": "not expressible" if not expressible else "correct",
            "lat_min_us": 10.0, "lat_p50_us": 20.0, "lat_p99_us": 50.0, "lat_max_us": 90.0,
            "experiment": "sweep", "cache": "default", "port_type": "dpdk",
            "trial_kind": "fixed"})
    # An experiment varying the caches, as config.yaml's cache-configs.
    for variant, ext, cache, rep in itertools.product(
            ["vanilla", "oko"], ["none", "noop"], ["all", "megaflow", "none"], [0, 1]):
        if variant == "vanilla" and ext != "none":
            continue
        rows.append({**rows[0], "experiment": "caches", "variant": variant, "extension": ext,
                     "ext_name": None if ext == "none" else ext, "flows": 1000,
                     "cache": cache, "rep": rep, "rx_pps": {"all": 3e6, "megaflow": 2e6,
                                                            "none": 1e5}[cache] + rep})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("name", sorted(figures.FIGURES))
def test_figure_draws(name, tmp_path):
    figures.FIGURES[name](table(), tmp_path / name)
    for ext in ("png", "pdf"):
        assert (tmp_path / f"{name}.{ext}").stat().st_size > 1000


@pytest.mark.parametrize("name", sorted(figures.FIGURES))
def test_figure_without_its_trials_says_so(name, tmp_path):
    empty = table().iloc[0:0]
    figures.FIGURES[name](empty, tmp_path / name)
    assert (tmp_path / f"{name}.png").exists()


def test_delivery_is_judged_on_fixed_rate_trials_only():
    df = table()
    at_max = df.assign(delivery=df["delivery"].replace("correct", "wrong"))
    fixed = df.assign(offered_pps=20000.0)
    cells = figures.delivery_cells(pd.concat([at_max, fixed], ignore_index=True))
    assert cells.loc["noop · udp_flows", "softflow"] == "correct"
    assert cells.loc["dnat · udp_flows", "oko"] == "not expressible"
    assert figures.delivery_cells(at_max).empty


def test_throughput_figures_leave_out_fixed_rate_trials():
    df = table()
    fixed = df.assign(offered_pps=20000.0, rx_pps=20000.0)
    data = figures._throughput(pd.concat([df, fixed], ignore_index=True))
    assert len(data) == df["expressible"].sum() and (data["rx_pps"] > 20000.0).all()


@pytest.fixture(scope="module")
def csv_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("tables")


def contract_csv(synthetic, folder, config: str, repetitions: int | None) -> pd.DataFrame:
    """Records of every trial of a config through the contract → tidy table → CSV, read
    back as the workflow's figure rule does."""
    from harness.records import write_record
    from harness.results import tidy_table

    paths = []
    for i, record in enumerate(synthetic(config, repetitions=repetitions)):
        paths.append(folder / f"{i}.json")
        write_record(paths[-1], record)
    tidy_table(paths).to_csv(folder / "trials.csv", index=False)
    return pd.read_csv(folder / "trials.csv")


@pytest.mark.parametrize("config,repetitions", [("smoke.yaml", None), ("config.yaml", 3)])
def test_every_figure_draws_from_a_tidy_csv_of_contract_records(
        tmp_path, synthetic, monkeypatch, config, repetitions):
    # A realistic table: every trial of the config, shaped like real records. No figure
    # may be empty, overlap text, clip text or put its legend over data.
    df = contract_csv(synthetic, tmp_path, config, repetitions)
    problems = {}
    save = plotting.save

    def checked(fig, out):
        problems[out.name] = plotting.layout_problems(fig)
        save(fig, out)

    monkeypatch.setattr(plotting, "save", checked)
    for name, draw in figures.FIGURES.items():
        draw(df, tmp_path / name)
        for ext in ("png", "pdf"):
            assert (tmp_path / f"{name}.{ext}").stat().st_size > 1000
    assert {k: v for k, v in problems.items() if v} == {}
    assert set(problems) == set(figures.FIGURES)
    assert set(figures._sweeps(figures._throughput(df), "cache")["cache"]) == {
        "all", "megaflow", "none"}


def _bad(kind: str):
    fig, axes = plotting.figure("a question", ncols=1, width=3, height=2.5)
    ax = axes[0, 0]
    if kind == "overlapping ticks":
        ax.bar(range(8), range(8))
        ax.set_xticks(range(8), [f"a long tick label {i}" for i in range(8)])
    elif kind == "legend over data":
        ax.plot([0, 1], [0, 1], label="a line")
        ax.plot([0, 1], [1, 0], label="another line")
        ax.legend(loc="center")
    elif kind == "clipped":
        ax.plot([0, 1], [0, 1])
        fig.text(0.9, 0.5, "a text running off the canvas")
    elif kind == "empty":
        plotting.empty(ax, "nothing")
    elif kind == "table overflow":
        table = ax.table(cellText=[["2.00", "re-classification needed"]], loc="center",
                         colWidths=[0.2, 0.2])
        table.auto_set_font_size(False)
        table.set_fontsize(9)
    return fig


@pytest.mark.parametrize("kind,expect", [
    ("overlapping ticks", "overlap"), ("legend over data", "legend over data"),
    ("clipped", "clipped"), ("empty", "empty canvas"), ("table overflow", "overflow")])
def test_layout_check_finds_what_a_reviewer_would(kind, expect):
    assert any(p.startswith(expect) for p in plotting.layout_problems(_bad(kind)))


def test_tables_fit_their_text():
    fig, axes = plotting.figure("a table", note=None)
    plotting.draw_table(axes[0, 0], [["dnat", "yes", "2.00 (2.00–2.00)",
                                      "re-classification needed"]],
                        ["extension", "label", "passes", "decision"])
    assert plotting.layout_problems(fig) == []


def test_variants_have_one_colour_everywhere():
    assert plotting.variant_colour("softflow+coalesce") == plotting.VARIANT_COLOURS["softflow"]
    assert plotting.variant_colour("oko · noop") == plotting.VARIANT_COLOURS["oko"]
    assert len(set(plotting.VARIANT_COLOURS.values())) == len(plotting.VARIANT_COLOURS)


def test_figures_select_by_experiment_and_never_pool_cache_configurations():
    df = table()
    # Only the experiment that sweeps flows is drawn against flows.
    assert set(figures._sweeps(df, "flows")["experiment"]) == {"sweep"}
    assert set(figures._sweeps(df, "cache")["experiment"]) == {"caches"}
    # Figures without a cache facet take OVS's default configuration only.
    assert set(figures._default_caches(df)["cache"]) == {"default"}
    # Lines are told apart by the key fields that vary (here the cache), not pooled.
    assert figures._facets(figures._sweeps(df, "cache"), "flows") == [
        "variant", "extension", "cache"]
