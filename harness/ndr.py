"""Rate search: the highest offered rate whose loss stays within a bound (NDR, PDR).

As TRex's ndr_bench and VSPERF's RFC 2544 test do: a first trial at the engine's maximum
rate; if it loses more than the bound, a binary search on the offered rate between 0 and
the rate the engine actually offered, until the bracket is within the precision or the
iteration limit is reached. Every iteration is kept.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

#: Loss bounds (%) of the two standard searches.
BOUNDS = {"ndr": 0.0, "pdr": 0.1}


@dataclass
class SearchResult:
    """The answer (rates in pps; None if no rate was valid) and every iteration's record."""

    kind: str
    loss_bound_pct: float
    rate_pps: float | None
    rx_pps: float | None
    iterations: list[dict] = field(default_factory=list)


def search(measure: Callable[[float | None], dict], kind: str = "ndr",
           loss_bound_pct: float | None = None, precision: float = 0.01,
           max_iterations: int = 10) -> SearchResult:
    """Search the highest valid rate; 'measure(rate_pps or None=max)' returns a record.

    A record is valid iff its loss_pct ≤ the bound. 'precision' is relative to the
    engine's maximum rate: the search stops when hi - lo ≤ precision × max.
    """
    bound = BOUNDS[kind] if loss_bound_pct is None else loss_bound_pct
    result = SearchResult(kind, bound, None, None)

    def trial(rate: float | None) -> dict:
        record = measure(rate)
        record["search_iteration"] = len(result.iterations)
        record["valid"] = record["loss_pct"] <= bound
        result.iterations.append(record)
        if record["valid"] and (result.rate_pps is None or record["tx_pps"] > result.rate_pps):
            result.rate_pps, result.rx_pps = record["tx_pps"], record["rx_pps"]
        return record

    first = trial(None)
    if first["valid"]:
        return result
    top = first["tx_pps"]
    lo, hi = 0.0, top
    while len(result.iterations) < max_iterations and hi - lo > precision * top:
        mid = (lo + hi) / 2
        if trial(mid)["valid"]:
            lo = mid
        else:
            hi = mid
    return result
