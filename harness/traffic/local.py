"""The local engine: runs a TRex STL profile with no TRex server.

Each stream's TRex JSON is expanded into exactly the packets a TRex core would send
(``fieldengine``), the streams are mixed in proportion to their rates (``mix``), and
netsniff-ng's trafgen sends the mixed cycle in a loop from the sender endpoint, at the
requested rate or as fast as it can. Like TRex with its port configuration, the engine
writes the sender's MAC address as Ethernet source and the first receiver's MAC address as
Ethernet destination into every packet, unless the stream asks to keep the packet's own
(TRex's ``mac_src_override_by_pkt`` / ``mac_dst_override_mode`` flags). Packets are counted
by the interfaces (``counters``): tx at the sender, rx at each receiver, as differences of
readings before sending and after a short drain once sending has stopped.

Only continuous, self-starting streams without inter-stream gap, flow statistics or
stream chaining are supported; anything else raises ExtbenchError naming it.
"""

import contextlib
import os
import time

from harness.errors import ExtbenchError
from harness.traffic import counters, fieldengine, mix, pacing, trafgen
from harness.traffic.endpoint import Endpoint
from harness.traffic.engine import Engine
from harness.traffic.profile import CompiledStream

# TRex stream flags: bit 0 keeps the packet's source MAC, bits 1-2 the destination mode
# (1: keep the packet's destination MAC), bit 3 marks a dummy stream.
_SRC_FROM_PKT, _DST_SHIFT, _DST_FROM_PKT, _DUMMY = 0x1, 1, 1, 0x8


def _mac(text: str) -> bytes:
    return bytes.fromhex(text.replace(":", ""))


def check_stream(s: CompiledStream) -> None:
    """Raise ExtbenchError naming what the local engine cannot send of stream 's'."""
    j, what = s.json, f"stream {s.index}" + (f" '{s.name}'" if s.name else "")
    if s.mode.get("type") != "continuous":
        raise ExtbenchError(f"{what}: mode '{s.mode.get('type')}' is not supported by the "
                            f"local engine (only continuous)")
    problems = [("self_start false", not j.get("self_start", True)),
                ("start_paused", j.get("start_paused", False)),
                ("isg (inter-stream gap)", j.get("isg", 0)),
                ("next stream / action_count", j.get("next_stream_id", -1) not in (-1, None)
                 or j.get("action_count", 0)),
                ("flow_stats", j.get("flow_stats", {}).get("enabled", False)),
                ("dummy stream", j.get("flags", 0) & _DUMMY)]
    for name, bad in problems:
        if bad:
            raise ExtbenchError(f"{what}: {name} is not supported by the local engine")
    if s.pps is None:
        raise ExtbenchError(f"{what}: rate type '{s.rate['type']}' is not supported by the "
                            f"local engine (pps, bps_L1, bps_L2)")


def port_packet(s: CompiledStream, src_mac: str, dst_mac: str) -> bytes:
    """The stream's template with the ports' MAC addresses, as TRex's port config writes."""
    pkt = bytearray(s.packet)
    flags = s.json.get("flags", 0)
    if not flags & _SRC_FROM_PKT:
        pkt[6:12] = _mac(src_mac)
    if (flags >> _DST_SHIFT) & 0x3 != _DST_FROM_PKT:
        pkt[0:6] = _mac(dst_mac)
    return bytes(pkt)


def cycle(streams: list[CompiledStream], src_mac: str, dst_mac: str,
          max_packets: int = fieldengine.MAX_PACKETS) -> list[bytes]:
    """The packets to loop over: each enabled stream's period, mixed by rate."""
    enabled = [s for s in streams if s.json.get("enabled", True)]
    if not enabled:
        raise ExtbenchError("every stream of the profile is disabled")
    for s in enabled:
        check_stream(s)
    cycles = [fieldengine.expand(port_packet(s, src_mac, dst_mac), s.instructions, s.vm,
                                 s.json.get("random_seed", 0), max_packets) for s in enabled]
    return mix.mix(cycles, [s.pps for s in enabled], max_packets)


class LocalEngine(Engine):
    """Sends with trafgen from the sender's namespace, paced by tbf; counts at interfaces.

    drain_s: wait after sending stops before reading the receivers' counters (s)
    start_timeout_s: longest wait for trafgen to load its packets and start (s)
    """

    name = "local"

    def __init__(self, drain_s: float = 0.5, start_timeout_s: float = 60.0):
        trafgen.check()
        self.drain_s, self.start_timeout_s = drain_s, start_timeout_s
        self._cleanup = contextlib.ExitStack()

    def _prepare(self, streams: list[CompiledStream], tx: Endpoint, rx: list[Endpoint]) -> None:
        self.tx, self.rx = tx, rx
        self.packets = cycle(streams, tx.mac, rx[0].mac)
        self._config = trafgen.write_config(self.packets)
        self._cleanup.callback(_unlink, self._config)

    def _send(self, rate_pps: float | None, count: int | None) -> float:
        """Start trafgen (paced at 'rate_pps' unless None); return when it started sending."""
        if rate_pps is not None:
            lengths = [len(p) for p in self.packets]
            self._cleanup.enter_context(pacing.paced(
                self.tx, rate_pps, sum(lengths) / len(lengths), max(lengths)))
        self._sender = trafgen.Trafgen(self.tx, self._config, rate_pps is not None, count)
        self._cleanup.callback(self._sender.stop)
        return self._sender.start(self.start_timeout_s)

    def _start(self, rate_pps: float | None, duration_s: float) -> None:
        self._before = self._read()
        count = None if rate_pps is None else max(1, round(rate_pps * duration_s))
        self._t0 = self._send(rate_pps, count)

    def _wait(self, rate_pps: float | None, duration_s: float) -> float:
        if rate_pps is not None:
            # trafgen stops by itself after its packets; give it some slack, then stop it.
            self._sender.wait(duration_s * 1.2 + 2.0)
        else:
            # Unpaced trafgen runs until stopped; wait() raises if it fails before.
            self._sender.wait(max(0.0, self._t0 + duration_s - time.monotonic()))
        self._sender.stop()
        elapsed = time.monotonic() - self._t0
        if rate_pps is not None:
            pacing.wait_empty(self.tx)
        return elapsed

    def _stop(self) -> None:
        self._cleanup.close()

    def _collect(self) -> tuple[int, dict[str, int]]:
        time.sleep(self.drain_s)
        after = self._read()
        tx = after[0].tx_packets - self._before[0].tx_packets
        rx = {ep.name: a.rx_packets - b.rx_packets
              for ep, a, b in zip(self.rx, after[1:], self._before[1:], strict=True)}
        return tx, rx

    def _warmup(self, rate_pps: float) -> None:
        n = len(self.packets)
        self._send(rate_pps, n)
        if not self._sender.wait(n / rate_pps * 1.5 + 5.0):
            raise ExtbenchError(f"warm-up: trafgen did not send {n} packets at "
                                f"{rate_pps:.0f} pps in time")
        pacing.wait_empty(self.tx)
        time.sleep(self.drain_s)

    def _read(self) -> list[counters.Counters]:
        return [counters.read(ep) for ep in [self.tx, *self.rx]]


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
