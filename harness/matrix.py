"""Expanding the config's experiments into trials, for the Snakefile.

An experiment lists values per axis; ``scale: outer`` takes their cartesian product,
``scale: joint`` zips them (lists of length 1 are broadcast). Each trial is identified by
a path below ``results/<config>/<measurement>/trials/``, from which its parameters are read
back; the path starts with the experiment's name, so every record names the experiment
that asked for it (two experiments never share a trial).
"""

import itertools
import re

import yaml

from harness import paths
from harness.cache import CacheConfig
from harness.errors import ExtbenchError

#: Trial axis → the config key listing its values.
AXES = {"variant": "variants", "topology": "topologies", "profile": "profiles",
        "extension": "extensions", "flows": "flows", "pkt_size": "pkt_sizes", "rate": "rates",
        "port_type": "port_types", "cache": "caches"}
#: The config's JSON schema (validated, and its defaults set, by the Snakefile).
SCHEMA = yaml.safe_load(paths.CONFIG_SCHEMA.read_text())
#: The axes' defaults, as the schema declares them.
DEFAULTS = {key: prop["default"] for key, prop in SCHEMA["properties"]["experiments"]
            ["items"]["properties"].items() if key in AXES.values() and "default" in prop}
TRIAL_PATH = ("{experiment}/{variant}/{topology}/{profile}/{extension}/"
              "{flows}f-{pkt_size}B-{rate}pps-{port_type}-{cache}-rep{rep}")
#: A trial path, as Snakemake's wildcard constraint and as parse_trial reads it.
TRIAL_PATTERN = (r"(?P<experiment>[\w-]+)/(?P<variant>[\w-]+)/(?P<topology>[\w-]+)/"
                 r"(?P<profile>[\w-]+)/(?P<extension>[\w-]+)/(?P<flows>\d+)f-"
                 r"(?P<pkt_size>\d+)B-(?P<rate>max|\d+)pps-(?P<port_type>[a-z]+)-"
                 r"(?P<cache>[a-z0-9]+(?:_[a-z0-9]+)*)-rep(?P<rep>\d+)")
TRIAL_RE = re.compile(f"^{TRIAL_PATTERN}$")
#: The same without group names, for Snakemake's wildcard constraint of {trial}.
TRIAL_CONSTRAINT = re.sub(r"\(\?P<\w+>", "(", TRIAL_PATTERN)


def measurement(config: dict) -> str:
    """The config's settings that change every trial's result but are not in its path, as
    one readable folder name: kind (with trials per rate for a search), duration, latency
    probe, engine. E.g. ``fixed-2s-lat1000-local``, ``ndr3-5s-nolat-local``."""
    get = lambda key: config.get(key, SCHEMA["properties"][key].get("default"))  # noqa: E731
    kind = get("trial_kind")
    if kind != "fixed":
        kind += str(get("search_trials_per_rate"))
    latency = f"lat{get('latency_pps'):g}" if get("latency_pps") else "nolat"
    return f"{kind}-{get('duration_s'):g}s-{latency}-{get('engine')}"


def results_dir(config: dict) -> str:
    """Where a config's results go, relative to the repository: ``results/<name>/
    <measurement>/`` (trials/, trials.csv, figures/), so that changing trial_kind,
    duration_s, latency_pps or engine writes a new result set instead of overwriting one."""
    return f"results/{config['name']}/{measurement(config)}"


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def expand_experiment(exp: dict, repetitions: int) -> list[dict]:
    """Every trial (a dict of axis values plus 'rep') of one experiment."""
    columns = {axis: _as_list(exp.get(key, DEFAULTS.get(key))) for axis, key in AXES.items()}
    if exp.get("scale", "outer") == "joint":
        n = max(len(v) for v in columns.values())
        bad = [a for a, v in columns.items() if len(v) not in (1, n)]
        if bad:
            raise ValueError(f"experiment '{exp['name']}': joint axes {bad} must have 1 or "
                             f"{n} values")
        combos = [tuple(v[i] if len(v) > 1 else v[0] for v in columns.values())
                  for i in range(n)]
    else:
        # The variant axis is the innermost loop (see below).
        axes = list(columns)
        order = [a for a in axes if a != "variant"] + ["variant"]
        combos = [tuple(dict(zip(order, c, strict=True))[a] for a in axes)
                  for c in itertools.product(*(columns[a] for a in order))]
    # Repetitions are the outer loop and variants change fastest, so that variants of one
    # configuration run interleaved (A B C A B C …) and machine drift spreads over all.
    trials = []
    for rep in range(repetitions):
        for combo in combos:
            trials.append(dict(zip(AXES, combo, strict=True), experiment=exp["name"],
                               rep=rep))
    return trials


def trials(config: dict) -> list[str]:
    """Trial paths of every experiment in the config, in execution order.

    Checks what the config's schema cannot: unique experiment names, cache configurations
    that harness.cache understands (before any job runs).
    """
    out, seen = [], set()
    names = [exp["name"] for exp in config["experiments"]]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"experiment names must be unique: {', '.join(twice)}")
    for exp in config["experiments"]:
        for cache in exp.get("caches", DEFAULTS["caches"]):
            try:
                CacheConfig.parse(cache)
            except ExtbenchError as e:
                raise ValueError(f"experiment '{exp['name']}': {e}") from None
        for t in expand_experiment(exp, config["repetitions"]):
            path = TRIAL_PATH.format(**t)
            if path not in seen:
                seen.add(path)
                out.append(path)
    return out


def parse_trial(path: str) -> dict:
    """The parameters encoded in a trial path."""
    m = TRIAL_RE.match(path)
    if not m:
        raise ValueError(f"not a trial path: {path}")
    return m.groupdict()


def configuration_key(path: str) -> str:
    """A trial's configuration: its path without the variant and the repetition (the
    experiment stays: the trials of one experiment form their own chains)."""
    t = parse_trial(path)
    return TRIAL_PATH.format(**{**t, "variant": "*", "rep": "*"})


def run_order(paths: list[str]) -> dict[str, str | None]:
    """Each trial's predecessor in its configuration's run order (None for the first).

    The trials of one configuration run as a chain, repetition by repetition and variant
    after variant within one (A B C A B C …): each waits for the record of the one before,
    so no scheduler or executor can block them by variant, and machine drift falls on every
    variant alike. Different configurations stay independent (parallel on a cluster).
    """
    position = {p: i for i, p in enumerate(paths)}
    chains: dict[str, list[str]] = {}
    for p in paths:
        chains.setdefault(configuration_key(p), []).append(p)
    before: dict[str, str | None] = {}
    for chain in chains.values():
        chain.sort(key=lambda p: (int(parse_trial(p)["rep"]), position[p]))
        for prev, p in zip([None, *chain], chain, strict=False):
            before[p] = prev
    return before
