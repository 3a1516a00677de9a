"""When a TRex core sends each packet of a profile: its stream scheduler, as a pure function.

TRex's data path (src/stx/stl/trex_stl_stream_node.h, trex_stl_dp_core.cpp) keeps one node
per stream in a queue ordered by time and, at each node's time, sends its packet and
reschedules it. This module replays that logic with one core's arithmetic (no multi-core
phases):

- A self-starting stream sends its first packet at its ``isg`` (µs) after the start; the
  others wait until a stream names them as ``next``.
- Packets of a stream are 1/pps apart (the rate scaled by the multiplier; gaps are not).
- ``continuous``: forever. ``single_burst``: ``total_pkts`` packets. ``multi_burst``:
  ``count`` bursts of ``pkts_per_burst``, the first packet of a burst ``ibg`` µs after the
  last packet of the one before (TRex adds the gap instead of the packet gap).
- When a burst stream ends, its ``next`` stream (if it is idle) starts ``isg`` of the next
  stream after the last packet; the field engine carries on where it stopped (TRex does not
  reset a restarted stream's variables). ``action_count`` N > 0 on the ending stream: it
  starts its next stream only N − 1 times, and ends the chain at its N-th end (TRex
  decrements the counter and stops at zero). The traffic stops when no stream is active.
- ``start_paused`` streams and dummy streams send nothing (no console resumes a paused
  stream) but keep their place in time: a paused node comes round every 0.1 s, as TRex's.

The result is a list of ``Send`` (time in seconds from the start, stream index); the
k-th send of a stream carries the k-th packet of its field engine.
"""

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

from harness.errors import ExtbenchError
from harness.traffic.profile import CompiledStream

_PAUSED_GAP_S = 0.1  # TRex's packet gap of a paused node.
_DUMMY = 0x8


@dataclass(frozen=True)
class Send:
    """One packet of the schedule: when (s from the start), and of which stream (index)."""

    time_s: float
    stream: int


def stream_label(s: CompiledStream) -> str:
    """'stream 3' or "stream 3 'name'", for messages."""
    return f"stream {s.index}" + (f" '{s.name}'" if s.name else "")


def next_index(s: CompiledStream, streams: Sequence[CompiledStream]) -> int | None:
    """Index of the stream that 's' starts when it ends (its ``next``), None if none."""
    j = s.json
    nxt = j.get("next")
    if nxt is None:
        nid = j.get("next_stream_id", -1)
        return None if nid in (-1, None) else int(nid)
    for t in streams:
        if t.name == nxt:
            return t.index
    raise ExtbenchError(f"{stream_label(s)}: next stream '{nxt}' is not in the profile")


def is_plain(s: CompiledStream, max_isg_us: float = 0.0) -> bool:
    """Continuous, self-starting, sending, without a start delay above 'max_isg_us'."""
    j = s.json
    return (s.mode.get("type") == "continuous" and j.get("self_start", True)
            and not j.get("start_paused", False) and not j.get("flags", 0) & _DUMMY
            and float(j.get("isg", 0) or 0) <= max_isg_us)


def rate_free(s: CompiledStream) -> bool:
    """Whether the stream's rate never shows: bursts of one packet (as
    ``STLProfile.load_pcap`` makes them, at a percentage of the line)."""
    m = s.mode
    return (m.get("type") == "single_burst" and m.get("total_pkts") == 1
            or m.get("type") == "multi_burst" and m.get("pkts_per_burst") == 1)


class Node:
    """A stream's state in the scheduler (TRex's CGenNodeStateless)."""

    def __init__(self, s: CompiledStream, scale: float):
        j, m = s.json, s.mode
        self.index, self.kind = s.index, m.get("type")
        self.isg_s = float(j.get("isg", 0) or 0) / 1e6
        self.silent = bool(j.get("start_paused", False) or j.get("flags", 0) & _DUMMY)
        pps = s.pps
        if rate_free(s):
            pps = pps or 1.0  # One packet per burst: the rate never shows.
        if pps is None or pps <= 0:
            raise ExtbenchError(f"{stream_label(s)}: rate type '{s.rate['type']}' has no "
                                f"packet rate here (pps, bps_L1, bps_L2)")
        self.gap_s = _PAUSED_GAP_S if j.get("start_paused", False) else 1.0 / (pps * scale)
        if self.kind == "continuous":
            self.burst, self.bursts, self.ibg_s = 0, 0, 0.0
        elif self.kind == "single_burst":
            self.burst, self.bursts, self.ibg_s = int(m["total_pkts"]), 1, 0.0
        elif self.kind == "multi_burst":
            self.burst, self.bursts = int(m["pkts_per_burst"]), int(m["count"])
            self.ibg_s = float(m.get("ibg", 0)) / 1e6
        else:
            raise ExtbenchError(f"{stream_label(s)}: unknown mode '{self.kind}'")
        if self.kind != "continuous" and (self.burst < 1 or self.bursts < 1):
            raise ExtbenchError(f"{stream_label(s)}: a burst of {self.burst} packets, "
                                f"{self.bursts} times, sends nothing")
        self.left, self.bursts_left = self.burst, self.bursts
        self.action = int(j.get("action_count", 0) or 0)
        self.active = bool(j.get("self_start", True))
        self.time = self.isg_s
        self.next: Node | None = None

    def refresh(self) -> None:
        self.left, self.bursts_left, self.active = self.burst, self.bursts, True


def build_nodes(streams: Sequence[CompiledStream], scale: float = 1.0) -> dict[int, Node]:
    """The enabled streams' scheduler nodes by stream index, in stream order, each linked
    to its ``next`` node; 'scale' multiplies every stream's packet rate."""
    by_index = {s.index: s for s in streams}
    nodes = {s.index: Node(s, scale) for s in streams if s.json.get("enabled", True)}
    if not nodes:
        raise ExtbenchError("every stream of the profile is disabled")
    for i, node in nodes.items():
        nxt = next_index(by_index[i], streams)
        if nxt is not None:
            if nxt not in nodes:
                raise ExtbenchError(f"{stream_label(by_index[i])}: its next stream {nxt} is "
                                    f"disabled or missing")
            node.next = nodes[nxt]
    return nodes


def schedule(streams: Sequence[CompiledStream], duration_s: float | None = None,
             scale: float = 1.0, max_packets: int = 1_048_576,
             limit: int | None = None) -> list[Send]:
    """The packets a TRex core sends for 'streams' within 'duration_s', in order.

    streams: the profile's streams (disabled ones are skipped, as TRex skips them)
    duration_s: stop at this time (s); None: run until the traffic stops by itself
    scale: the rate multiplier (every stream's packet rate × scale; gaps unchanged)
    max_packets: refuse a schedule longer than this (packets)
    limit: stop after this many packets (TRex's simulator's ``-l``), None: no limit
    """
    nodes = build_nodes(streams, scale)
    active = sum(n.active for n in nodes.values())
    queue = [(n.time, k, n) for k, n in enumerate(nodes.values()) if n.active]
    heapq.heapify(queue)
    order = len(queue)
    out: list[Send] = []
    while queue and active and (limit is None or len(out) < limit):
        t, _, node = heapq.heappop(queue)
        if duration_s is not None and t >= duration_s:
            break
        if not node.silent:
            out.append(Send(t, node.index))
            if len(out) > max_packets:
                raise ExtbenchError(f"the profile's schedule has more than {max_packets} "
                                    f"packets" + (f" in {duration_s:g} s" if duration_s
                                                  else ""))
        if node.kind == "continuous":
            node.time = t + node.gap_s
        else:
            node.left -= 1
            if node.left > 0:
                node.time = t + node.gap_s
            else:
                node.bursts_left -= 1
                if node.bursts_left > 0:
                    node.time = t + node.ibg_s
                    node.left = node.burst
                else:
                    node.active = False
                    nxt = _start_next(node)
                    if nxt is None:
                        active -= 1
                        continue
                    nxt.refresh()
                    nxt.time = t + nxt.isg_s
                    node = nxt
        order += 1
        heapq.heappush(queue, (node.time, order, node))
    return out


def _start_next(node: Node) -> Node | None:
    """TRex's set_stateless_next_node: the node to start when 'node' ends, or None."""
    nxt = node.next
    if nxt is None or nxt.active:
        return None
    if node.action > 0:
        node.action -= 1
        if node.action == 0:
            return None
    return nxt


#: Bursts shorter than this count as 1 pps in TRex's stream graph (G_MIN_BURST_SIZE).
MIN_GRAPH_BURST = 1000


def peak_pps(streams: Sequence[CompiledStream]) -> float:
    """The profile's peak packet rate as TRex's stream graph computes it, against which
    TRex turns a requested total rate (``-m 1000pps``) into a multiplier.

    TRex (TrexStreamsGraph, trex_stl_streams_compiler.cpp) follows each self-starting
    stream's chain of ``next`` streams once (until a loop), lays the streams one after the
    other from their isg (a burst lasts (packets − 1) / pps; a multi-burst its bursts and
    gaps, as if it sent all along), adds their rates where they overlap (a burst of fewer
    than 1000 packets counts as 1 pps) and takes the maximum.
    """
    enabled = {s.index: s for s in streams if s.json.get("enabled", True)}
    events: list[tuple[float, float]] = []
    for root in [i for i, s in enabled.items() if s.json.get("self_start", True)]:
        offset, seen, i = 0.0, set(), root
        while i is not None and i in enabled and i not in seen:
            s = enabled[i]
            seen.add(i)
            pps, mode = s.pps or 0.0, s.mode
            start = offset + float(s.json.get("isg", 0) or 0)
            if mode["type"] == "continuous":
                events.append((start, pps))
                break
            burst = int(mode["total_pkts"] if mode["type"] == "single_burst"
                        else mode["pkts_per_burst"])
            rate = pps if burst >= MIN_GRAPH_BURST else 1.0
            length = (burst - 1) / pps * 1e6 if pps else 0.0
            if mode["type"] == "multi_burst":
                length = (length + float(mode.get("ibg", 0))) * int(mode["count"])
            events += [(start, rate), (start + length, -rate)]
            offset = start + length
            i = next_index(s, streams)
    events.sort(key=lambda e: e[0])  # Stable, as TRex's list sort.
    peak = current = 0.0
    for _, diff in events:
        current += diff
        peak = max(peak, current)
    return peak


def ends(streams: Sequence[CompiledStream]) -> bool:
    """Whether the profile's traffic stops by itself: no continuous stream ever starts,
    and every loop of ``next`` streams has a stream with an ``action_count``."""
    enabled = {s.index: s for s in streams if s.json.get("enabled", True)}
    nxt = {i: next_index(s, streams) for i, s in enabled.items()}
    seen: set[int] = set()
    todo = [i for i, s in enabled.items() if s.json.get("self_start", True)]
    while todo:
        i = todo.pop()
        if i in seen or i not in enabled:
            continue
        seen.add(i)
        if enabled[i].mode.get("type") == "continuous":
            return False
        if nxt[i] is not None:
            todo.append(nxt[i])
    for start in seen:
        path, i = [], start
        while i is not None and i not in path:
            path.append(i)
            i = nxt.get(i)
        if i == start and not any(enabled[k].json.get("action_count", 0) for k in path):
            return False
    return True
