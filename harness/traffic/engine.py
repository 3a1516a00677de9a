"""Engines send a profile's streams between endpoints and count what arrives.

The public ``run`` and ``warmup`` of ``Engine`` do the ordering; an engine fills in the
underscore hooks (``_prepare``, ``_start``, ``_wait``, ``_stop``, ``_collect``,
``_warmup``). ``_stop`` runs in ``finally`` whatever happened, so every process started
is stopped and every temporary file removed. Engines are found by name in ``ENGINES``.
"""

import importlib
from collections.abc import Sequence
from dataclasses import dataclass

from harness.errors import ExtbenchError, unknown
from harness.traffic.endpoint import Endpoint
from harness.traffic.profile import CompiledStream

# Engine name → "module:Class", imported on first use.
ENGINES: dict[str, str] = {"local": "harness.traffic.local:LocalEngine",
                           "trex": "harness.traffic.trex:TrexEngine"}


@dataclass(frozen=True)
class TrafficResult:
    """What one run sent and received.

    engine: the engine's name
    offered_pps: requested rate (packets/s), None for as fast as the engine can
    duration_s: measured sending time (s)
    tx_pkts: packets counted at the sender's interface
    rx_pkts: packets counted at the receivers' interfaces, in total
    rx_by_endpoint: packets counted at each receiver, by endpoint name
    tx_pps, rx_pps: tx_pkts and rx_pkts over duration_s (packets/s)
    loss_pct: 100 × (tx_pkts − rx_pkts) / tx_pkts; negative if receivers counted more
    sender_drops: packets the sender failed to send or its interface dropped
    receiver_drops: packets the receivers' interfaces dropped on arrival, in total
    ring_full: packets the switch's receive ring refused (dpdk engine; see
        ``harness.traffic.dpdk``), 0 where the engine cannot tell
    window_ns: wall-clock times (ns, CLOCK_REALTIME) of the counter readings the counts
        are differences of, if the engine reads counters on this machine (else None)
    """

    engine: str
    offered_pps: float | None
    duration_s: float
    tx_pkts: int
    rx_pkts: int
    rx_by_endpoint: dict[str, int]
    tx_pps: float
    rx_pps: float
    loss_pct: float
    sender_drops: int = 0
    receiver_drops: int = 0
    ring_full: int = 0
    window_ns: tuple[int, int] | None = None

    @classmethod
    def from_counts(cls, engine: str, offered_pps: float | None, duration_s: float,
                    tx_pkts: int, rx_by_endpoint: dict[str, int],
                    drops: "Drops | None" = None,
                    window_ns: tuple[int, int] | None = None) -> "TrafficResult":
        """Derive the totals and rates from the counted packets."""
        if tx_pkts <= 0:
            raise ExtbenchError(f"engine {engine}: no packets counted at the sender "
                                f"(tx_pkts={tx_pkts}); nothing was measured")
        rx_pkts = sum(rx_by_endpoint.values())
        return cls(engine=engine, offered_pps=offered_pps, duration_s=duration_s,
                   tx_pkts=tx_pkts, rx_pkts=rx_pkts, rx_by_endpoint=dict(rx_by_endpoint),
                   tx_pps=tx_pkts / duration_s, rx_pps=rx_pkts / duration_s,
                   loss_pct=100.0 * (tx_pkts - rx_pkts) / tx_pkts,
                   sender_drops=(drops or Drops()).sender,
                   receiver_drops=(drops or Drops()).receiver,
                   ring_full=(drops or Drops()).ring_full, window_ns=window_ns)


@dataclass(frozen=True)
class Drops:
    """Packets lost at the traffic's ends, as an engine counts them (packets)."""

    sender: int = 0
    receiver: int = 0
    ring_full: int = 0


class Engine:
    """Base of every engine: the ordering of a run; subclasses fill in the hooks.

    An engine object runs one thing at a time; hooks share state through attributes.
    """

    name = ""
    warmup_pps = 10_000.0

    def run(self, streams: Sequence[CompiledStream], tx: Endpoint, rx: Sequence[Endpoint],
            rate_pps: float | None = None, duration_s: float = 10.0) -> TrafficResult:
        """Send 'streams' from 'tx' to 'rx' for 'duration_s' at 'rate_pps' and count.

        rate_pps: total rate over all streams, split in proportion to their rates
            (packets/s); None sends as fast as the engine can
        """
        _check_args(streams, rx, rate_pps, duration_s)
        try:
            self._prepare(list(streams), tx, list(rx))
            self._start(rate_pps, duration_s)
            elapsed = self._wait(rate_pps, duration_s)
        finally:
            self._stop()
        tx_pkts, rx_by = self._collect()
        return TrafficResult.from_counts(self.name, rate_pps, elapsed, tx_pkts, rx_by,
                                         self._drops(), self._window())

    def warmup(self, streams: Sequence[CompiledStream], tx: Endpoint, rx: Sequence[Endpoint],
               rate_pps: float | None = None) -> None:
        """Send every distinct packet of 'streams' at least once, at a low rate.

        rate_pps: the rate (packets/s), default ``warmup_pps``
        """
        _check_args(streams, rx, rate_pps, 1.0)
        try:
            self._prepare(list(streams), tx, list(rx))
            self._warmup(rate_pps or self.warmup_pps)
        finally:
            self._stop()

    def _prepare(self, streams: list[CompiledStream], tx: Endpoint, rx: list[Endpoint]) -> None:
        """Check that the engine can send 'streams' and get ready; send nothing yet."""
        raise NotImplementedError

    def _start(self, rate_pps: float | None, duration_s: float) -> None:
        """Take the counters' starting values and start sending."""
        raise NotImplementedError

    def _wait(self, rate_pps: float | None, duration_s: float) -> float:
        """Wait until sending is over; return the sending time (s)."""
        raise NotImplementedError

    def _stop(self) -> None:
        """Stop whatever was started and remove temporary files (idempotent)."""
        raise NotImplementedError

    def _collect(self) -> tuple[int, dict[str, int]]:
        """After sending: (packets sent, {receiver name: packets received})."""
        raise NotImplementedError

    def _warmup(self, rate_pps: float) -> None:
        """Send each distinct packet at least once at 'rate_pps' and wait until done."""
        raise NotImplementedError

    def _drops(self) -> Drops:
        """After ``_collect``: what was lost at the sender and at the receivers."""
        raise NotImplementedError

    def _window(self) -> tuple[int, int] | None:
        """After ``_collect``: when the counters were read (ns), None if not here."""
        return None


def _check_args(streams, rx, rate_pps, duration_s) -> None:
    if not streams:
        raise ExtbenchError("no streams to send")
    if not rx:
        raise ExtbenchError("no receiving endpoints")
    if rate_pps is not None and not rate_pps > 0:
        raise ExtbenchError(f"rate_pps must be positive or None, got {rate_pps}")
    if not duration_s > 0:
        raise ExtbenchError(f"duration_s must be positive, got {duration_s}")


def engine_names() -> list[str]:
    """Names of the registered engines."""
    return sorted(ENGINES)


def get_engine(name: str, **options) -> Engine:
    """A new engine of kind 'name' (options go to its constructor)."""
    if name not in ENGINES:
        raise unknown("engine", name, engine_names())
    module, cls = ENGINES[name].split(":")
    return getattr(importlib.import_module(module), cls)(**options)
