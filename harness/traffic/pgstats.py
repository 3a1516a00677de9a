"""Per packet group statistics: TRex's ``STLFlowStats`` and ``STLFlowLatencyStats``.

A stream with ``flow_stats`` belongs to packet group ``pg_id``: its packets are counted
per group where they are sent and where they arrive (tx and rx packets and bytes), and a
latency group's packets are timed too (min, average, max, jitter, a histogram), as a TRex
server's ``get_pgid_stats()`` reports them. Like TRex's latency streams, the engine marks
a group's packets in their last 16 bytes (a signature: magic, group, kind, send time), so
the group's packets must have 16 bytes of payload after their headers; the signature
overwrites them (a UDP checksum is then wrong, as with TRex's software latency streams,
and payload-writing extensions can erase it: such packets arrive uncounted).

``groups`` reads the groups from a profile's streams, ``check_room`` refuses packets too
short for the signature, ``from_engine`` turns the DPDK engine's counts into
``get_pgid_stats()``'s shape, and ``record`` turns that shape (the engine's or a TRex
server's) into the record's ``pg_stats`` field: one implementation for both.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from harness.errors import ExtbenchError
from harness.traffic import schedule
from harness.traffic.profile import CompiledStream

#: Bytes of the signature at the end of a group's packets (TRex's latency payload: 16).
SIGNATURE_LEN = 16
KINDS = {"stats": 0, "latency": 1}
_VLAN = (0x8100, 0x88A8)


@dataclass(frozen=True)
class Group:
    """The packet group of one stream: stream index, pg_id, and whether it is timed."""

    stream: int
    pg_id: int
    latency: bool

    @property
    def kind(self) -> int:
        """The engine's code for the group's kind (0 counted, 1 counted and timed)."""
        return KINDS["latency" if self.latency else "stats"]


def groups(streams: Sequence[CompiledStream]) -> list[Group]:
    """The packet groups of the enabled streams with flow statistics (not Tagged Packet
    Groups: ``tpg``).

    Streams may share a group if they are of one kind (their counts add up, as on TRex);
    a group of both kinds, or a pg_id outside 0 … 65535, is refused.
    """
    out, kinds = [], {}
    for s in streams:
        fs = s.json.get("flow_stats", {})
        if not s.json.get("enabled", True) or not fs.get("enabled", False):
            continue
        kind = fs.get("rule_type", "stats")
        if kind == "tpg":  # Tagged Packet Groups: harness.traffic.tpg.
            continue
        pg = fs.get("stream_id")
        what = schedule.stream_label(s)
        if kind not in KINDS:
            raise ExtbenchError(f"{what}: flow_stats rule type '{kind}' is not one of "
                                f"{', '.join(KINDS)}, tpg")
        if not isinstance(pg, int) or not 0 <= pg <= 0xFFFF:
            raise ExtbenchError(f"{what}: flow_stats pg_id {pg!r} is not in 0 … 65535")
        if kinds.setdefault(pg, kind) != kind:
            raise ExtbenchError(f"{what}: packet group {pg} is both a {kinds[pg]} and a "
                                f"{kind} group")
        out.append(Group(s.index, pg, kind == "latency"))
    return out


def header_end(pkt: bytes) -> int:
    """Where the payload of 'pkt' starts: after Ethernet, VLAN tags, IPv4 (with options)
    or IPv6, and a UDP, TCP, ICMP or ICMPv6 header."""
    off, etype = 14, int.from_bytes(pkt[12:14], "big")
    while etype in _VLAN and len(pkt) >= off + 4:
        etype, off = int.from_bytes(pkt[off + 2:off + 4], "big"), off + 4
    if etype == 0x0800 and len(pkt) > off + 9:
        proto, off = pkt[off + 9], off + (pkt[off] & 0xF) * 4
    elif etype == 0x86DD and len(pkt) > off + 6:
        proto, off = pkt[off + 6], off + 40
    else:
        return off
    if proto == 6:
        return off + (pkt[off + 12] >> 4) * 4 if len(pkt) > off + 12 else off + 20
    return off + {17: 8, 1: 8, 58: 8}.get(proto, 0)


def check_room(packets: Iterable[tuple[int, bytes]], grouped: Sequence[Group],
               streams: Sequence[CompiledStream]) -> None:
    """Refuse a group's packet whose headers leave no 16 bytes for the signature."""
    mine = {g.stream for g in grouped}
    for k, pkt in packets:
        if k in mine and len(pkt) < header_end(pkt) + SIGNATURE_LEN:
            s = next(s for s in streams if s.index == k)
            raise ExtbenchError(
                f"{schedule.stream_label(s)}: a {len(pkt)}-byte packet has "
                f"{len(pkt) - header_end(pkt)} bytes after its headers; flow statistics need "
                f"{SIGNATURE_LEN} (the packet group's signature, as TRex's latency payload)")


def from_engine(counts: Sequence[Mapping], port: str = "0") -> dict:
    """``get_pgid_stats()``'s shape from the DPDK engine's per-group counts (its reply's
    'pgs', sender and receivers in one process): 'flow_stats' per pg_id with tx and rx
    packets and bytes ('total' and per port), 'latency' per timed pg_id."""
    flow, lat = {}, {}
    for g in counts:
        # Refused by the switch's ring (paced): sent, and lost there.
        tx = g["tx"] + g["tx_refused"]
        tx_bytes = g["tx_bytes"] + g["tx_refused_bytes"]
        flow[g["id"]] = {"tx_pkts": {port: tx, "total": tx},
                         "tx_bytes": {port: tx_bytes, "total": tx_bytes},
                         "rx_pkts": {port: g["rx"], "total": g["rx"]},
                         "rx_bytes": {port: g["rx_bytes"], "total": g["rx_bytes"]}}
        if g["kind"] == KINDS["latency"]:
            lat[g["id"]] = {"latency": {
                "total_min": g["lat_min_ns"] / 1000 if g["lat_n"] else None,
                "total_max": g["lat_max_ns"] / 1000 if g["lat_n"] else None,
                "average": g["lat_avg_ns"] / 1000 if g["lat_n"] else None,
                "jitter": g["jitter_ns"] / 1000,
                "histogram": {int(k): v for k, v in g["hist_us"].items()}}}
    return {"flow_stats": flow, "latency": lat}


def _total(counter: Mapping) -> int:
    return int(counter.get("total", 0))


def record(stats: Mapping, grouped: Sequence[Group]) -> dict:
    """The record's ``pg_stats``: per pg_id (as a string) tx and rx packets and bytes, lost
    packets, and for a latency group min, average, max and jitter (µs) and the histogram
    (bucket lower bound in µs → packets), from ``get_pgid_stats()``'s shape 'stats'."""
    out = {}
    flow, lat = stats.get("flow_stats", {}), stats.get("latency", {})
    for pg in sorted({g.pg_id for g in grouped}):
        f = flow.get(pg, flow.get(str(pg), {}))
        entry = {k: _total(f.get(k, {})) for k in ("tx_pkts", "tx_bytes", "rx_pkts",
                                                    "rx_bytes")}
        entry["lost_pkts"] = entry["tx_pkts"] - entry["rx_pkts"]
        timed = any(g.latency for g in grouped if g.pg_id == pg)
        if timed:
            la = lat.get(pg, lat.get(str(pg), {})).get("latency", {})
            entry.update({"min_us": la.get("total_min"), "avg_us": la.get("average"),
                          "max_us": la.get("total_max"), "jitter_us": la.get("jitter"),
                          "histogram_us": {str(k): int(v) for k, v in
                                           sorted(la.get("histogram", {}).items(),
                                                  key=lambda kv: float(kv[0]))}})
        out[str(pg)] = entry
    return out
