"""Rate search: the highest offered rate whose loss stays within a bound (NDR, PDR).

As TRex's ndr_bench and VSPERF's RFC 2544 test do: a first load at the engine's maximum
rate; if it loses more than the bound, a binary search on the offered rate between 0 and
the rate the engine actually offered, until the bracket is within the precision or the
iteration limit is reached. Every trial is kept.

On a shared machine a single trial misclassifies loads near the capacity (one scheduling
hiccup drops packets at a rate that usually passes, and the binary search never comes
back up). As FD.io CSIT's MLRsearch does, a load may be classified by several trials:
with ``trials_per_rate`` = N (odd), trials run at the load until a majority of N agrees,
and the majority decides. N = 1 is the classic single-trial search.
"""

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

#: Loss bounds (%) of the two standard searches.
BOUNDS = {"ndr": 0.0, "pdr": 0.1}


@dataclass
class SearchResult:
    """The answer (rates in pps; None if no load was valid) and every trial's record.

    'rate_pps' and 'rx_pps' are the medians over the answer load's trials; 'best' is the
    answer load's fastest valid trial (None if no load was valid).
    """

    kind: str
    loss_bound_pct: float
    rate_pps: float | None
    rx_pps: float | None
    iterations: list[dict] = field(default_factory=list)
    best: dict | None = None


def search(measure: Callable[[float | None], dict], kind: str = "ndr",
           loss_bound_pct: float | None = None, precision: float = 0.01,
           max_iterations: int = 10, trials_per_rate: int = 1) -> SearchResult:
    """Search the highest valid load; 'measure(rate_pps or None=max)' returns a record.

    A trial is valid iff its loss_pct ≤ the bound; a load is valid iff most of its trials
    are. 'precision' is relative to the engine's maximum rate: the search stops when
    hi - lo ≤ precision × max. 'max_iterations' limits the loads tried, not the trials.
    Each trial's record gets ``search_iteration`` (the load's index), ``rate_trial``,
    ``valid`` (this trial) and ``rate_valid`` (the load's verdict).
    """
    if trials_per_rate < 1 or trials_per_rate % 2 == 0:
        raise ValueError(f"trials_per_rate must be odd and positive, not {trials_per_rate}")
    bound = BOUNDS[kind] if loss_bound_pct is None else loss_bound_pct
    result = SearchResult(kind, bound, None, None)
    loads = 0

    def load(rate: float | None) -> tuple[bool, float]:
        """Classify one load; return its verdict and the median rate actually offered."""
        nonlocal loads
        trials: list[dict] = []
        need = trials_per_rate // 2 + 1
        while max(sum(t["valid"] for t in trials),
                  sum(not t["valid"] for t in trials)) < need:
            record = measure(rate)
            record.update(search_iteration=loads, rate_trial=len(trials),
                          valid=record["loss_pct"] <= bound)
            trials.append(record)
            result.iterations.append(record)
        loads += 1
        verdict = sum(t["valid"] for t in trials) >= need
        for t in trials:
            t["rate_valid"] = verdict
        tx = statistics.median(t["tx_pps"] for t in trials)
        if verdict and (result.rate_pps is None or tx > result.rate_pps):
            result.rate_pps = tx
            result.rx_pps = statistics.median(t["rx_pps"] for t in trials)
            result.best = max((t for t in trials if t["valid"]), key=lambda t: t["tx_pps"])
        return verdict, tx

    valid, top = load(None)
    if valid:
        return result
    lo, hi = 0.0, top
    while loads < max_iterations and hi - lo > precision * top:
        mid = (lo + hi) / 2
        if load(mid)[0]:
            lo = mid
        else:
            hi = mid
    return result
