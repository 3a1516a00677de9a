"""The DPDK engine: the local engine's packets, sent and counted by a DPDK process.

For the ``dpdk`` port type. The packets are those of the local engine, sent as it plans
them (``local.plan``): continuous profiles as a loop (each stream's field engine expanded,
streams mixed by rate: ``local.stream_cycle``), paced by the TSC or as fast as the
sender's port takes them; anything else (bursts, gaps, chains) by TRex's scheduler, which
the engine runs itself (``timed_set``: one node per stream, as ``schedule`` computes them;
the engine sends exactly ``local.timed``'s packets at their times by the TSC, with no cap on
the schedule's length). Packets are loaded into the engine process
(``harness.dpdk.process``) and sent from memory; a looped stream whose field engine repeats
only after more than ``PRECOMPUTE_UP_TO`` packets (1,048,576), or never (random values),
and every timed stream with a field engine, is instead made as it is sent: the engine runs
the stream's field-engine program on its template for each packet (``fecode``, engine.c's
``fe_run``), as a TRex core does, so such a stream has no cap on distinct packets. Every
port of the
process receives meanwhile, so counts are per stream at the sender and per port at the
receivers, read in the process itself (no interface counters, no kernel). Latency
probes, when asked for, go out of the same port and are timed by the TSC at both ends
(one process, one clock). Streams with flow statistics (TRex's ``STLFlowStats`` and
``STLFlowLatencyStats``) are counted, and timed, per packet group (``pgstats``): the
engine signs their packets as it sends them; Tagged Packet Group streams
(``STLTaggedPktGroup``) carry TRex's TPG header and are counted per tpgid and tag at every
receiving port (``tpg``; the tags: ``tpg_tags``, by default every Dot1Q VLAN).

What a result counts, and what ``ring_full`` means (the sender's virtqueue is the switch's
receive queue, as a NIC's receive ring would be): paced, a packet the ring refused was
offered and lost at the switch, so it counts in ``tx_pkts`` and in ``ring_full``;
unpaced, the engine offers it again until the ring takes it, and ``ring_full`` counts the
refusals (how often the switch was behind), not lost packets.
"""

import os
import struct
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from harness.dpdk import FILE_PREFIX
from harness.dpdk.process import EngineProcess
from harness.errors import ExtbenchError
from harness.traffic import fecode, fieldengine, latency, local, pgstats, schedule, tpg
from harness.traffic.engine import Drops, Engine
from harness.traffic.profile import CompiledStream

#: The engine loops over a stream's precomputed packets when its field engine repeats
#: within this many packets, and makes them as it sends them above (``made_at_run_time``).
PRECOMPUTE_UP_TO = fieldengine.MAX_PACKETS
#: Where the engine writes a probe's signature, sequence number and send time: the UDP
#: payload of the probe frame (Ethernet 14 + IPv4 20 + UDP 8).
PROBE_OFFSET = 42


@dataclass(frozen=True)
class DpdkPort:
    """A port of the engine process standing in for a host's interface.

    name: the host's name (rx_by_endpoint); intf: the port's vdev name
    mac, ip: the host's addresses, written into the packets; port: DPDK port number
    """

    name: str
    intf: str
    mac: str
    ip: str | None
    port: int


def packet_file(packets: Sequence[tuple[int, bytes | fecode.Run]],
                programs: Sequence[bytes] = (), nodes: Sequence[bytes] = ()) -> str:
    """Write packets (stream index, bytes) in the engine's format; return the file's path.

    programs: field-engine programs (``fecode.encode``); a packet given as
    ``fecode.Run(i, template)`` is made by program i as the engine sends it
    nodes: a timed schedule's nodes (``timed_set``), which make the engine run TRex's
    scheduler (each node sending its own packets in turn) instead of looping over the
    packets
    """
    for i, (_, pkt) in enumerate(packets):
        if isinstance(pkt, fecode.Run) and not 0 <= pkt.program < len(programs):
            raise ExtbenchError(f"packet {i}: program {pkt.program} of {len(programs)} "
                                f"loaded")
    fd, path = tempfile.mkstemp(prefix=f"{FILE_PREFIX}{os.getpid()}-packets-", suffix=".bin")
    with os.fdopen(fd, "wb") as f:
        if programs:
            f.write(fecode.section(list(programs)))
        if nodes:
            f.write(b"XBSC" + struct.pack("<I", len(nodes)) + b"".join(nodes))
        f.write(b"XBPK" + struct.pack("<I", len(packets)))
        for stream, pkt in packets:
            run = isinstance(pkt, fecode.Run)
            f.write(struct.pack("<HH", stream, 0 if run else len(pkt)))
            f.write(struct.pack("<H", pkt.program) if run else pkt)
    return path


def stream_program(s: CompiledStream, packet_len: int) -> fieldengine.Program:
    """Stream 's''s field-engine program for a template of 'packet_len' bytes."""
    return fieldengine.Program(packet_len, s.instructions, s.vm, s.json.get("random_seed", 0))


def made_at_run_time(s: CompiledStream, precompute_up_to: int | None = PRECOMPUTE_UP_TO
                     ) -> bool:
    """Whether the engine makes stream 's''s packets as it sends them (the run-time field
    engine, which costs: benchmarks.dpdk_fieldengine) rather than loop over its
    precomputed period: if its field engine repeats only after more than
    'precompute_up_to' packets, or, drawing random values (which TRex keeps drawing), if
    they can take more combinations than the window that would be replayed instead (a /8
    of random sources: 16,777,215; random sizes in 60..1500 stay precomputed). None:
    never (every stream precomputed, as the local engine sends it)."""
    if not s.instructions or precompute_up_to is None:
        return False
    prog = stream_program(s, max(len(s.packet), local.MIN_FRAME))
    period = prog.exact_period()
    if period is not None:
        return period > precompute_up_to
    return prog.random_values() > min(prog.period(), precompute_up_to)


def _run_slot(s: CompiledStream, template: bytes, programs: list[bytes],
              precompute_up_to: int | None) -> fecode.Run | None:
    """A slot that stream 's''s program fills as it is sent (its program appended to
    'programs'), if the engine makes the stream at run time (``made_at_run_time``)."""
    if not made_at_run_time(s, precompute_up_to):
        return None
    programs.append(fecode.encode(stream_program(s, len(template)), template))
    return fecode.Run(len(programs) - 1, template)


def loop_packets(streams: list[CompiledStream], src_mac: str, dst_mac: str,
                 precompute_up_to: int | None = PRECOMPUTE_UP_TO
                 ) -> tuple[list[tuple[int, bytes | fecode.Run]], list[bytes]]:
    """What the engine loops over (``local.stream_cycle``): each stream's precomputed
    period, or, for a stream made at run time (``made_at_run_time``), one slot its program
    fills as it is sent; and the programs (``fecode.encode``)."""
    programs: list[bytes] = []
    return local.stream_cycle(
        streams, src_mac, dst_mac,
        at_run_time=lambda s, t: _run_slot(s, t, programs, precompute_up_to)), programs


def warmup_packets(streams: list[CompiledStream], src_mac: str, dst_mac: str,
                   precompute_up_to: int | None = PRECOMPUTE_UP_TO
                   ) -> tuple[list[tuple[int, bytes | fecode.Run]], list[bytes]]:
    """What a warm-up of a timed profile loops over: each enabled stream's precomputed
    period, or its run-time slot, one stream after the other (not mixed by rate: a
    warm-up sends each distinct packet, not the profile's traffic)."""
    programs: list[bytes] = []
    out: list[tuple[int, bytes | fecode.Run]] = []
    for s in streams:
        if not s.json.get("enabled", True):
            continue
        template = local.port_packet(s, src_mac, dst_mac)
        slot = _run_slot(s, template, programs, precompute_up_to)
        out += [(s.index, slot)] if slot is not None else [(s.index, p) for p in (
            fieldengine.expand(template, s.instructions, s.vm, s.json.get("random_seed", 0)))]
    return out, programs


#: A node of a timed schedule (engine.c's struct node): kind, flags (1: self-starting,
#: 2: silent), first packet, packets, packets per burst, bursts, action_count, next node
#: (-1: none), isg, packet gap and inter-burst gap (s).
_NODE = struct.Struct("<BBxxIIIIii3d")
_KINDS = {"continuous": 0, "single_burst": 1, "multi_burst": 2}


def timed_set(streams: list[CompiledStream], src_mac: str, dst_mac: str,
              rate_pps: float | None = None
              ) -> tuple[list[tuple[int, bytes | fecode.Run]], list[bytes], list[bytes]]:
    """A timed profile as the engine schedules it itself: (packets, programs, nodes).

    One node per enabled stream (``schedule.build_nodes``, the rate scaled as
    ``local.rate_scale`` scales it), each with its packets: the template if the stream has
    no field engine, else one slot its program fills at run time (``fecode``), so neither
    the schedule's length nor a stream's distinct packets are capped; a program the engine
    cannot run (e.g. a template too long for it) is precomputed if it repeats within
    ``fieldengine.MAX_PACKETS`` packets. The engine sends exactly ``local.timed``'s
    packets at its times (``tests/integration/test_dpdk_timed.py``).
    """
    nodes = schedule.build_nodes(streams, local.rate_scale(streams, rate_pps))
    by_index = {s.index: s for s in streams}
    position = {id(n): i for i, n in enumerate(nodes.values())}
    packets: list[tuple[int, bytes | fecode.Run]] = []
    programs: list[bytes] = []
    encoded = []
    for k, node in nodes.items():
        s = by_index[k]
        local.check_stream(s)
        template = local.port_packet(s, src_mac, dst_mac)
        first = len(packets)
        packets += [(k, p) for p in timed_packets(s, template, programs)]
        flags = (1 if s.json.get("self_start", True) else 0) | (2 if node.silent else 0)
        encoded.append(_NODE.pack(
            _KINDS[node.kind], flags, first, len(packets) - first, node.burst, node.bursts,
            node.action, position[id(node.next)] if node.next is not None else -1,
            node.isg_s, node.gap_s, node.ibg_s))
    return packets, programs, encoded


def timed_packets(s: CompiledStream, template: bytes, programs: list[bytes]
                   ) -> list[bytes | fecode.Run]:
    """Stream 's''s packets in a timed set: the template, its program's slot (its program
    appended to 'programs'), or (a program the engine cannot run) its precomputed period;
    ExtbenchError if none of these."""
    if not s.instructions:
        return [template]
    prog = stream_program(s, len(template))
    try:
        programs.append(fecode.encode(prog, template))
        return [fecode.Run(len(programs) - 1, template)]
    except ExtbenchError as e:
        period = prog.exact_period()
        if period is None or period > fieldengine.MAX_PACKETS:
            raise ExtbenchError(f"{schedule.stream_label(s)}: {e}") from e
        return list(fieldengine.expand(template, s.instructions, s.vm,
                                       s.json.get("random_seed", 0)))


def expected(packets: Sequence[tuple[int, bytes | fecode.Run]], streams: list[CompiledStream],
             n: int) -> list[tuple[int, bytes]]:
    """The first 'n' packets (stream index, bytes) a run of 'packets' sends, as the Python
    field engine makes them: what the engine must send, byte for byte."""
    by_index = {s.index: s for s in streams}
    made: dict[int, Iterator[bytes]] = {}
    out = []
    for i in range(n):
        k, pkt = packets[i % len(packets)]
        if isinstance(pkt, fecode.Run):
            if pkt.program not in made:
                made[pkt.program] = local.stream_packets(by_index[k], pkt.template)
            pkt = next(made[pkt.program])
        out.append((k, pkt))
    return out


def warmup_count(packets: Sequence[tuple[int, bytes | fecode.Run]],
                 streams: list[CompiledStream]) -> int:
    """Packets a warm-up sends, looping over 'packets': each at least once, and for each
    stream made at run time as many as its period (its random window), at most
    ``fieldengine.MAX_PACKETS`` (a longer period cannot be warmed up whole)."""
    slots: dict[int, int] = {}
    want: dict[int, int] = {}
    by_index = {s.index: s for s in streams}
    for k, pkt in packets:
        if isinstance(pkt, fecode.Run):
            slots[pkt.program] = slots.get(pkt.program, 0) + 1
            if pkt.program not in want:
                period = stream_program(by_index[k], len(pkt.template)).period()
                want[pkt.program] = min(period, fieldengine.MAX_PACKETS)
    rounds = max([1] + [-(-want[p] // slots[p]) for p in slots])
    return len(packets) * rounds


def probe_packet(tx: DpdkPort, rx: DpdkPort, port: int = latency.PROBE_PORT) -> bytes:
    """A 60-byte UDP probe from 'tx' to 'rx' between the load's addresses (so the trial's
    forwarding flows carry it), with room for the engine's 16-byte stamp."""
    if not tx.ip or not rx.ip:
        raise ExtbenchError("latency probe: the sender and the receiver need IPv4 addresses")
    payload = bytes(60 - PROBE_OFFSET)
    udp = struct.pack("!HHHH", port, port, 8 + len(payload), 0) + payload
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                               _ip(tx.ip), _ip(rx.ip)))
    ip[10:12] = struct.pack("!H", _checksum(bytes(ip)))
    eth = _mac(rx.mac) + _mac(tx.mac) + b"\x08\x00"
    return eth + bytes(ip) + udp


def _ip(text: str) -> bytes:
    return bytes(int(x) for x in text.split("."))


def _mac(text: str) -> bytes:
    return bytes.fromhex(text.replace(":", ""))


def _checksum(header: bytes) -> int:
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


class DpdkEngine(Engine):
    """Sends from one port of a running engine process and counts at its other ports.

    process: the engine process (started, with one port per host)
    latency_pps: probes per second beside the load, to the first receiver (None: none)
    """

    name = "dpdk"

    def __init__(self, process: EngineProcess, latency_pps: float | None = None,
                 precompute_up_to: int | None = PRECOMPUTE_UP_TO,
                 tpg_tags: Sequence[dict] = tpg.DEFAULT_TAGS):
        self.process, self.latency_pps = process, latency_pps
        self.precompute_up_to = precompute_up_to
        self.tpg_tags = list(tpg_tags)
        tpg.check_tags(self.tpg_tags)
        self.latency: dict = {}
        #: The last run's per packet group statistics (``pgstats.record``), if any.
        self.pg_stats: dict = {}
        #: The last run's Tagged Packet Group statistics (``tpg.stats``), if any.
        self.tpg_stats: dict = {}
        self._files: list[str] = []

    def _prepare(self, streams: list[CompiledStream], tx: DpdkPort, rx: list[DpdkPort]) -> None:
        self.tx, self.rx, self.streams = tx, rx, streams
        self.plan = local.plan(streams)
        self.groups = pgstats.groups(streams)
        self.tpgs = tpg.groups(streams)
        if self.plan == "loop":
            packets, programs = loop_packets(streams, tx.mac, rx[0].mac,
                                             self.precompute_up_to)
        else:  # Until _start loads the schedule: each distinct packet (warm-up).
            packets, programs = warmup_packets(streams, tx.mac, rx[0].mac,
                                               self.precompute_up_to)
        self._n_packets = warmup_count(packets, streams)
        # A stream made at run time: the room in its first packets' (a window's).
        first = expected(packets, streams, min(self._n_packets,
                                               len(packets) + fieldengine.RANDOM_WINDOW))
        pgstats.check_room(first, self.groups, streams)
        tpg.check_room(first, self.tpgs, streams)
        self.process.call("pg-clear")
        self.process.call("tpg-clear")
        for g in self.groups:
            self.process.call(f"pg {g.stream} {g.pg_id} {g.kind}")
        if self.tpgs:
            self._files.append(tpg.conf_file(self.tpg_tags,
                                             max(g.tpgid for g in self.tpgs) + 1))
            self.process.call(f"tpg-conf {self._files[-1]}")
            for t in self.tpgs:
                self.process.call(f"tpg {t.stream} {t.tpgid}")
        self._files.append(packet_file(packets, programs=programs))
        self.process.call(f"load {self._files[-1]}")
        if self.latency_pps:
            self._files.append(packet_file([(0, probe_packet(tx, rx[0]))]))
            self.process.call(f"probe {self._files[-1]} {PROBE_OFFSET}")

    def _start(self, rate_pps: float | None, duration_s: float) -> None:
        self._rate = rate_pps or 0
        self._paced = bool(self._rate) or self.plan == "timed"
        if self.plan == "timed":
            # The engine runs TRex's scheduler: the rate scales the streams' rates.
            packets, programs, nodes = timed_set(self.streams, self.tx.mac, self.rx[0].mac,
                                                 rate_pps)
            self._files.append(packet_file(packets, programs=programs, nodes=nodes))
            self.process.call(f"load {self._files[-1]}")
        self.process.send(f"run {self.tx.port} {self._rate:.3f} {duration_s:.6f} "
                          f"{self.latency_pps or 0:.3f}")

    def _wait(self, rate_pps: float | None, duration_s: float) -> float:
        self.counts = self.process.reply("run", duration_s + 30.0)
        return self.counts["elapsed_s"]

    def _stop(self) -> None:
        for path in self._files:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        self._files = []

    def _collect(self) -> tuple[int, dict[str, int]]:
        c = self.counts
        # Probes count as sent, as they do at an interface's counters (and TRex's ports).
        # Paced, what the switch's full ring refused was offered and lost there.
        tx = c["tx"] + c["probes_sent"] + (c["ring_full"] if self._paced else 0)
        rx = {ep.name: c["rx_by_port"][ep.port] for ep in self.rx}
        self.latency = self._latency(c) if self.latency_pps else {}
        self.pg_stats = (pgstats.record(pgstats.from_engine(c["pgs"]), self.groups)
                         if self.groups else {})
        self.tpg_stats = (tpg.stats(c, self.tpgs, len(self.tpg_tags),
                                    {ep.port: ep.name for ep in self.rx})
                          if self.tpgs else {})
        return tx, rx

    def _drops(self) -> Drops:
        return Drops(sender=0, receiver=0, ring_full=self.counts["ring_full"])

    def _latency(self, c: dict) -> dict:
        lat_us = [ns / 1000.0 for ns in c["latency_ns"]]
        return latency.summarize_latencies(lat_us, c["probes_sent"] + c["probes_dropped"],
                                           c["probes_received"]) | {
            "lat_pps": self.latency_pps, "lat_clock": "tsc"}

    def probes(self) -> dict[str, int]:
        """Probes among the last run's counted packets: sent, and received by receiver 1."""
        if not self.latency_pps:
            return {}
        return {"sent": self.counts["probes_sent"],
                self.rx[0].name: self.counts["probes_received"]}

    def _warmup(self, rate_pps: float) -> None:
        reply = self.process.call(f"warmup {self.tx.port} {rate_pps:.3f} {self._n_packets}",
                                  timeout_s=30.0 + 2 * self._n_packets / rate_pps)
        if reply["tx"] + reply["ring_full"] < self._n_packets:
            raise ExtbenchError(f"warm-up: the DPDK engine sent {reply['tx']} of "
                                f"{self._n_packets} packets")
