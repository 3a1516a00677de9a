"""Mix several streams' packet cycles into one cycle, in proportion to the streams' rates.

A sender that loops over one list of packets (tcpreplay) sends several streams at their
relative rates if each stream fills a share of the list equal to its share of the total
rate. Each stream's share must be a whole number of its own periods, so that every loop
over the list continues each stream's sequence exactly where TRex would be; the shares
are chosen within ``TOLERANCE`` (relative) of the rates, and the packets of the streams
are spread evenly through the list.
"""

from collections.abc import Sequence
from typing import TypeVar

from harness.errors import ExtbenchError

TOLERANCE = 0.01
#: A packet, or anything that stands for one (a packet with its stream's index).
P = TypeVar("P")


def shares(periods: Sequence[int], rates: Sequence[float], max_packets: int,
           tolerance: float = TOLERANCE) -> list[int]:
    """Packets of each stream in the mixed cycle: multiples of its period, ∝ its rate.

    periods: each stream's period (packets); rates: each stream's rate (any unit)
    """
    total = sum(rates)
    if any(r <= 0 for r in rates):
        raise ExtbenchError(f"stream rates must be positive to mix streams, got {list(rates)}")
    want = [r / total for r in rates]
    # The smallest cycle in which every stream gets at least one whole period.
    base = max(p / w for p, w in zip(periods, want, strict=True))
    k = 1.0
    while True:
        counts = [p * max(1, round(base * k * w / p)) for p, w in zip(periods, want, strict=True)]
        n = sum(counts)
        if n > max_packets:
            raise ExtbenchError(f"cannot mix streams with rates {list(rates)} and periods "
                                f"{list(periods)} within {tolerance:.0%} in at most "
                                f"{max_packets} packets")
        if all(abs(c / n - w) <= tolerance * w for c, w in zip(counts, want, strict=True)):
            return counts
        k += 1.0


def interleave(cycles: Sequence[Sequence[P]], counts: Sequence[int]) -> list[P]:
    """One list where stream i appears counts[i] times, evenly spread, in its own order."""
    slots = sorted(((j + 0.5) / n, i, j) for i, n in enumerate(counts) for j in range(n))
    return [cycles[i][j % len(cycles[i])] for _, i, j in slots]


def mix(cycles: Sequence[Sequence[P]], rates: Sequence[float], max_packets: int) -> list[P]:
    """The mixed cycle of several streams' cycles at their relative 'rates'."""
    if len(cycles) == 1:
        return list(cycles[0])
    return interleave(cycles, shares([len(c) for c in cycles], rates, max_packets))
