"""The local engine: runs a TRex STL profile with no TRex server.

Each stream's TRex JSON is expanded into exactly the packets a TRex core would send
(``fieldengine``), the streams are mixed in proportion to their rates (``mix``), and
tcpreplay sends the mixed cycle in a loop from the sender endpoint, at the requested rate
or as fast as it can (``tcpreplay`` says why not trafgen). Like TRex with its port
configuration, the engine writes the sender's MAC address as Ethernet source and the
first receiver's MAC address as Ethernet destination into every packet, unless the stream
asks to keep the packet's own (TRex's ``mac_src_override_by_pkt`` /
``mac_dst_override_mode`` flags). Packets are counted by the interfaces (``counters``):
tx at the sender, rx at each receiver, as differences of readings before sending and
after a short drain once sending has stopped.

Two ways of sending, chosen per profile (``plan``):

- *loop*: every stream is continuous and self-starting (a start delay ``isg`` of at most
  ``ISG_PHASE_US`` counts as phase and is ignored). Each stream's field-engine period is
  expanded, the streams are mixed by rate, and tcpreplay loops over the mix at the
  requested rate or as fast as it can: any duration, from a bounded set of packets.
- *timed*: anything else TRex's scheduler does (``single_burst``, ``multi_burst`` with its
  inter-burst gap, ``isg``, ``next`` chains with ``action_count``, streams that are not
  self-starting, dummy and paused streams). ``schedule`` computes when TRex sends each
  packet within the duration, the field engine runs along (``fieldengine.Program.run``:
  variables carry on across restarts, random values keep being drawn), and tcpreplay
  replays the packets once at their pcap timestamps. A requested rate becomes a multiplier
  of every stream's packet rate as TRex makes it (the rate over the peak of TRex's stream
  graph: ``schedule.peak_pps``); without one the profile's own rates apply. At most
  ``fieldengine.MAX_PACKETS`` packets.

Rates in percent of the line are refused with ExtbenchError naming them (except for bursts
of one packet, whose rate never shows: ``STLProfile.load_pcap`` makes such streams, their
times given by ``isg``); so are flow statistics and latency streams (``flow_stats``), which
this engine cannot count per packet group (``refuse_flow_stats``; the dpdk engine can:
``harness.traffic.pgstats``).
"""

import contextlib
import itertools
import json
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from harness.errors import ExtbenchError
from harness.traffic import counters, fieldengine, mix, schedule, tcpreplay
from harness.traffic.endpoint import Endpoint
from harness.traffic.engine import Drops, Engine
from harness.traffic.profile import CompiledStream

MODES = ("continuous", "single_burst", "multi_burst")
#: A continuous stream's start delay (µs) up to which the loop plan ignores it.
ISG_PHASE_US = 1000.0
# TRex stream flags: bit 0 keeps the packet's source MAC, bits 1-2 the destination mode
# (1: keep the packet's destination MAC), bit 3 marks a dummy stream.
_SRC_FROM_PKT, _DST_SHIFT, _DST_FROM_PKT, _DUMMY = 0x1, 1, 1, 0x8
_ETH_HEADER = 14
MIN_FRAME = 60  # Bytes without FCS.


def _mac(text: str) -> bytes:
    return bytes.fromhex(text.replace(":", ""))


def check_stream(s: CompiledStream) -> None:
    """Raise ExtbenchError naming what the local engine cannot send of stream 's'."""
    what = schedule.stream_label(s)
    if s.mode.get("type") not in MODES:
        raise ExtbenchError(f"{what}: mode '{s.mode.get('type')}' is not supported by the "
                            f"local engine ({', '.join(MODES)})")
    if s.pps is None and not schedule.rate_free(s):
        raise ExtbenchError(f"{what}: rate type '{s.rate['type']}' is not supported by the "
                            f"local engine (pps, bps_L1, bps_L2; any rate for bursts of one "
                            f"packet)")


def refuse_flow_stats(s: CompiledStream) -> None:
    """Raise ExtbenchError if stream 's' asks for flow statistics: the local engine counts
    at interfaces, not per packet group."""
    fs = s.json.get("flow_stats", {})
    if s.json.get("enabled", True) and fs.get("enabled", False):
        raise ExtbenchError(f"{schedule.stream_label(s)}: flow_stats "
                            f"({fs.get('rule_type', 'stats')}: per packet group statistics "
                            f"or latency) is not supported by the local engine (the dpdk "
                            f"engine counts packet groups)")


def plan(streams: list[CompiledStream]) -> str:
    """'loop' if every enabled stream is continuous and self-starting, else 'timed'."""
    enabled = _enabled(streams)
    for s in enabled:
        check_stream(s)
    return "loop" if all(schedule.is_plain(s, ISG_PHASE_US) for s in enabled) else "timed"


def _enabled(streams: list[CompiledStream]) -> list[CompiledStream]:
    enabled = [s for s in streams if s.json.get("enabled", True)]
    if not enabled:
        raise ExtbenchError("every stream of the profile is disabled")
    return enabled


def port_packet(s: CompiledStream, src_mac: str, dst_mac: str) -> bytes:
    """The stream's template with the ports' MAC addresses, as TRex's port config writes,
    padded with zeros to the 60 bytes of a minimum frame, as TRex's NIC (and its
    simulator) pads a shorter one."""
    pkt = bytearray(s.packet.ljust(MIN_FRAME, b"\0"))
    flags = s.json.get("flags", 0)
    if not flags & _SRC_FROM_PKT:
        pkt[6:12] = _mac(src_mac)
    if (flags >> _DST_SHIFT) & 0x3 != _DST_FROM_PKT:
        pkt[0:6] = _mac(dst_mac)
    return bytes(pkt)


def stream_cycle(streams: list[CompiledStream], src_mac: str, dst_mac: str,
                 max_packets: int = fieldengine.MAX_PACKETS,
                 at_run_time: Callable[[CompiledStream, bytes], object] | None = None
                 ) -> list[tuple[int, Any]]:
    """The packets to loop over, each with its stream's index: each enabled stream's
    period, mixed by rate (profiles whose plan is 'loop').

    at_run_time: given a stream and its template, what stands for the stream's packets
    when the sender makes them itself as it sends (the dpdk engine's run-time field
    engine: one slot in the loop per packet), or None to expand the stream's period here
    """
    enabled = _enabled(streams)
    for s in enabled:
        check_stream(s)
        if not schedule.is_plain(s, ISG_PHASE_US):
            raise ExtbenchError(f"{schedule.stream_label(s)}: {_why_timed(s)} needs timed "
                                f"sending, which looping over packets cannot do")
    cycles: list[list[tuple[int, Any]]] = []
    for s in enabled:
        template = port_packet(s, src_mac, dst_mac)
        made = at_run_time(s, template) if at_run_time is not None else None
        if made is not None:
            cycles.append([(s.index, made)])
        else:
            cycles.append([(s.index, p) for p in fieldengine.expand(
                template, s.instructions, s.vm, s.json.get("random_seed", 0), max_packets)])
    return mix.mix(cycles, [s.pps for s in enabled], max_packets)


def _why_timed(s: CompiledStream) -> str:
    j = s.json
    if s.mode.get("type") != "continuous":
        return f"mode '{s.mode.get('type')}'"
    if not j.get("self_start", True):
        return "self_start false"
    if j.get("start_paused", False):
        return "start_paused"
    if j.get("flags", 0) & _DUMMY:
        return "a dummy stream"
    return f"isg {j.get('isg')} µs"


def cycle(streams: list[CompiledStream], src_mac: str, dst_mac: str,
          max_packets: int = fieldengine.MAX_PACKETS) -> list[bytes]:
    """The packets to loop over: each enabled stream's period, mixed by rate."""
    return [p for _, p in stream_cycle(streams, src_mac, dst_mac, max_packets)]


def stream_packets(s: CompiledStream, template: bytes) -> Iterator[bytes]:
    """The stream's packets as a TRex core makes them, one after another, for ever."""
    prog = fieldengine.Program(len(template), s.instructions, s.vm,
                               s.json.get("random_seed", 0))
    if not s.instructions:
        return itertools.repeat(template)
    if prog.cache:
        return itertools.cycle([prog.run(template) for _ in range(int(prog.cache))])
    return iter(lambda: prog.run(template), None)


def rate_scale(streams: list[CompiledStream], rate_pps: float | None) -> float:
    """The multiplier of every stream's rate for a total of 'rate_pps' (None: 1), as TRex
    computes it: against the profile's peak rate (``schedule.peak_pps``)."""
    if rate_pps is None:
        return 1.0
    peak = schedule.peak_pps(_enabled(streams))
    if not peak > 0:
        raise ExtbenchError("the profile has no packet rate to scale")
    return rate_pps / peak


def timed(streams: list[CompiledStream], src_mac: str, dst_mac: str,
          duration_s: float | None, rate_pps: float | None = None,
          max_packets: int = fieldengine.MAX_PACKETS,
          limit: int | None = None) -> list[tuple[float, int, bytes]]:
    """Every packet TRex sends within 'duration_s' (None: until the traffic stops), as
    (time in s from the start, stream index, bytes), in order; at most 'limit' packets."""
    enabled = _enabled(streams)
    for s in enabled:
        check_stream(s)
    sends = schedule.schedule(enabled, duration_s, rate_scale(streams, rate_pps), max_packets,
                              limit)
    sources = {s.index: stream_packets(s, port_packet(s, src_mac, dst_mac)) for s in enabled}
    return [(x.time_s, x.stream, next(sources[x.stream])) for x in sends]


def distinct(streams: list[CompiledStream], src_mac: str, dst_mac: str,
             max_packets: int = fieldengine.MAX_PACKETS) -> list[bytes]:
    """Each enabled stream's field-engine period, one stream after the other (warm-up)."""
    return [p for s in _enabled(streams) for p in fieldengine.expand(
        port_packet(s, src_mac, dst_mac), s.instructions, s.vm, s.json.get("random_seed", 0),
        max_packets)]


class LocalEngine(Engine):
    """Sends with tcpreplay from the sender's namespace; counts at the interfaces.

    drain_s: wait after sending stops before reading the receivers' counters (s)
    sender_cpu: CPU to pin the sender to (None: anywhere), to keep it off the switch's
    """

    name = "local"

    def __init__(self, drain_s: float = 0.5, sender_cpu: int | None = None):
        tcpreplay.check()
        self.drain_s, self.sender_cpu = drain_s, sender_cpu
        self._cleanup = contextlib.ExitStack()

    def _prepare(self, streams: list[CompiledStream], tx: Endpoint, rx: list[Endpoint]) -> None:
        self.tx, self.rx, self.streams = tx, rx, streams
        for s in streams:
            refuse_flow_stats(s)
        self.plan = plan(streams)
        if self.plan == "loop":
            self.packets = cycle(streams, tx.mac, rx[0].mac)
        else:
            self.packets = distinct(streams, tx.mac, rx[0].mac)
        _check_mtu(tx, max(len(p) for p in self.packets))
        self._pcap = self._write(self.packets)

    def _write(self, packets: list[bytes], times: list[float] | None = None) -> str:
        path = tcpreplay.write_pcap(packets, times)
        self._cleanup.callback(_unlink, path)
        return path

    def _send(self, argv: list[str]) -> None:
        if self.sender_cpu is not None:
            argv = ["taskset", "-c", str(self.sender_cpu), *argv]
        self._sender = tcpreplay.Tcpreplay(self.tx, argv)
        self._cleanup.callback(self._sender.stop)
        self._sender.start()

    def _start(self, rate_pps: float | None, duration_s: float) -> None:
        self._before, self._t_before = self._read(), time.time_ns()
        if self.plan == "loop":
            argv = tcpreplay.argv(self._pcap, self.tx.intf, rate_pps, duration_s)
        else:
            sends = timed(self.streams, self.tx.mac, self.rx[0].mac, duration_s, rate_pps)
            pcap = self._write([p for _, _, p in sends], [t for t, _, _ in sends])
            argv = tcpreplay.argv(pcap, self.tx.intf, rate_pps, loops=1, timed=True)
        self._t0 = time.monotonic()
        self._send(argv)

    def _wait(self, rate_pps: float | None, duration_s: float) -> float:
        if not self._sender.wait(duration_s + 30.0):
            raise ExtbenchError(f"tcpreplay did not stop after {duration_s:.0f} s")
        # tcpreplay's own measure of its sending time excludes loading the packets.
        return self._sender.sent[1] if self._sender.sent else time.monotonic() - self._t0

    def _stop(self) -> None:
        self._cleanup.close()

    def _collect(self) -> tuple[int, dict[str, int]]:
        time.sleep(self.drain_s)
        after = self._read()
        self._after, self._t_after = after, time.time_ns()
        tx = after[0].tx_packets - self._before[0].tx_packets
        rx = {ep.name: a.rx_packets - b.rx_packets
              for ep, a, b in zip(self.rx, after[1:], self._before[1:], strict=True)}
        return tx, rx

    def _drops(self) -> Drops:
        # tcpreplay's failed sends, the sender interface's tx drops, and the receivers'
        # rx drops (e.g. a full backlog queue), as differences over the run.
        before, after = self._before, self._after
        return Drops(sender=self._sender.failed + after[0].tx_dropped - before[0].tx_dropped,
                     receiver=sum(a.rx_dropped - b.rx_dropped
                                  for a, b in zip(after[1:], before[1:], strict=True)))

    def _window(self) -> tuple[int, int]:
        return self._t_before, self._t_after

    def _warmup(self, rate_pps: float) -> None:
        n = len(self.packets)
        self._send(tcpreplay.argv(self._pcap, self.tx.intf, rate_pps, loops=1))
        if not self._sender.wait(n / rate_pps * 1.5 + 10.0):
            raise ExtbenchError(f"warm-up: tcpreplay did not send {n} packets at "
                                f"{rate_pps:.0f} pps in time")
        time.sleep(self.drain_s)

    def _read(self) -> list[counters.Counters]:
        return [counters.read(ep) for ep in [self.tx, *self.rx]]


def _check_mtu(tx: Endpoint, longest: int) -> None:
    """Refuse packets the sender's interface would drop without a word."""
    mtu = json.loads(tx.run(["ip", "-j", "link", "show", "dev", tx.intf]))[0]["mtu"]
    if longest > mtu + _ETH_HEADER:
        raise ExtbenchError(f"{tx.name}: {longest}-byte packets do not fit interface "
                            f"{tx.intf} (MTU {mtu})")


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
