"""Tagged Packet Groups: TRex's ``STLTaggedPktGroup`` (``flow_stats`` rule type ``tpg``).

A TPG stream's packets carry a 16-byte TPG header in their last bytes (magic 0xE50B5CC1,
its tpgid, a sequence number per tpgid, 0), and the receiver counts them per tpgid and
*tag*: the packet's Dot1Q VLAN or QinQ VLAN pair, mapped to a tag id by the tag
configuration given when TPG is enabled (TRex's ``enable_tpg(num_tpgids, tags)``; tag
``i`` of the list is tag id ``i``); a packet without a tag, or with one that is not
configured, counts as ``unknown_tag``. Per tag the receiver checks the sequence as TRex's
``CTPGTagCntr`` does (``seq_err``, ``seq_err_too_big``, ``seq_err_too_small``, ``dup``,
``ooo``). The dpdk engine does all this in one process (``harness/dpdk/engine.c``:
``tpg_sign``, ``tpg_receive``, ``tpg_count``); this module reads the streams' tpgids
(``groups``), writes the tag configuration for the engine (``conf_file``) and turns the
engine's counters into the shape of TRex's ``get_tpg_stats`` and ``get_tpg_tx_stats``
(``stats``): consecutive tags with equal counters merged into one ``"min-max"`` section, as
the server compresses them.

What differs from a TRex server: sequence numbers and counters start from 0 at each run
(TRex keeps the transmit sequence while TPG stays enabled); bytes include the 4-byte FCS
on both sides (TRex's receive counters add it).
"""

import json
import os
import struct
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.dpdk import FILE_PREFIX
from harness.errors import ExtbenchError
from harness.traffic import pgstats, schedule
from harness.traffic.profile import CompiledStream

HEADER_LEN = 16
#: The tag configuration when none is given: every Dot1Q VLAN 1 … 4094 (tag id VLAN − 1),
#: as TRex's example ``tpg_tags_conf.py`` makes it by default.
DEFAULT_TAGS: tuple[dict, ...] = tuple({"type": "Dot1Q", "value": {"vlan": v}}
                                       for v in range(1, 4095))
_COUNTERS = ("pkts", "bytes", "seq_err", "seq_err_too_big", "seq_err_too_small", "dup",
             "ooo")


@dataclass(frozen=True)
class TpgStream:
    """A stream of a Tagged Packet Group: stream index and tpgid."""

    stream: int
    tpgid: int


def groups(streams: Sequence[CompiledStream]) -> list[TpgStream]:
    """The enabled streams with ``flow_stats`` of rule type ``tpg``. A tpgid used by two
    streams, or outside 0 … 65535, is refused (TRex: "Can't use the same id for two
    streams")."""
    out: list[TpgStream] = []
    for s in streams:
        fs = s.json.get("flow_stats", {})
        if (not s.json.get("enabled", True) or not fs.get("enabled", False)
                or fs.get("rule_type") != "tpg"):
            continue
        tpgid, what = fs.get("stream_id"), schedule.stream_label(s)
        if not isinstance(tpgid, int) or not 0 <= tpgid <= 0xFFFF:
            raise ExtbenchError(f"{what}: tpgid {tpgid!r} is not in 0 … 65535")
        if any(g.tpgid == tpgid for g in out):
            raise ExtbenchError(f"{what}: tpgid {tpgid} is already another stream's (TRex "
                                f"allows one stream per tpgid)")
        out.append(TpgStream(s.index, tpgid))
    return out


def check_room(packets: Sequence[tuple[int, bytes]], grouped: Sequence[TpgStream],
               streams: Sequence[CompiledStream]) -> None:
    """Refuse a TPG packet whose headers leave no 16 bytes of payload (TRex: "Need at
    least 16 payload bytes for TPG Payload Header")."""
    mine = {g.stream for g in grouped}
    for k, pkt in packets:
        room = len(pkt) - pgstats.header_end(pkt)
        if k in mine and room < HEADER_LEN:
            s = next(s for s in streams if s.index == k)
            raise ExtbenchError(f"{schedule.stream_label(s)}: a {len(pkt)}-byte packet has "
                                f"{room} payload bytes; a TPG header needs {HEADER_LEN}")


def check_tags(tags: Sequence[Mapping]) -> list[tuple[int, int, int]]:
    """The tags as (type, VLAN, VLAN): 1 for Dot1Q (second VLAN 0), 2 for QinQ (outer,
    inner); ExtbenchError naming a bad one (TRex's ``_validate_tpg_tag``)."""
    out, seen = [], set()
    for i, tag in enumerate(tags):
        kind, value = tag.get("type") if isinstance(tag, Mapping) else None, None
        if isinstance(tag, Mapping) and isinstance(tag.get("value"), Mapping):
            value = tag["value"]
        if kind == "Dot1Q" and value is not None and _vlan(value.get("vlan")):
            entry = (1, value["vlan"], 0)
        elif (kind == "QinQ" and value is not None and isinstance(value.get("vlans"), list)
              and len(value["vlans"]) == 2 and all(_vlan(v) for v in value["vlans"])):
            entry = (2, value["vlans"][0], value["vlans"][1])
        else:
            raise ExtbenchError(f"TPG tag {i} ({tag!r}): not a Dot1Q tag "
                                f"{{'type': 'Dot1Q', 'value': {{'vlan': 1 … 4094}}}} or a "
                                f"QinQ tag {{'type': 'QinQ', 'value': {{'vlans': [OUTER, "
                                f"INNER]}}}}")
        if entry in seen:
            raise ExtbenchError(f"TPG tag {i} ({tag!r}) is given twice")
        seen.add(entry)
        out.append(entry)
    return out


def _vlan(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 4094


def load_tags(path: Path) -> list[dict]:
    """A tag configuration from a JSON file (a list of tags, as TRex's
    ``STLTaggedPktGroupTagConf.load_json`` reads it)."""
    try:
        tags = json.loads(Path(path).read_text())
    except (OSError, ValueError) as e:
        raise ExtbenchError(f"{path}: not a TPG tag configuration: {e}") from e
    if not isinstance(tags, list):
        raise ExtbenchError(f"{path}: a TPG tag configuration is a JSON list of tags")
    check_tags(tags)
    return tags


def conf_file(tags: Sequence[Mapping], num_tpgids: int) -> str:
    """The engine's ``tpg-conf`` file for 'tags' and tpgids 0 … 'num_tpgids' − 1."""
    entries = check_tags(tags)
    fd, path = tempfile.mkstemp(prefix=f"{FILE_PREFIX}{os.getpid()}-tpg-", suffix=".bin")
    with os.fdopen(fd, "wb") as f:
        f.write(b"XBTG" + struct.pack("<II", num_tpgids, len(entries)))
        f.write(b"".join(struct.pack("<HHH", *e) for e in entries))
    return path


def stats(reply: Mapping, grouped: Sequence[TpgStream], n_tags: int,
          ports: Mapping[int, str]) -> dict:
    """The record's ``tpg_stats`` from the engine's run reply ('tpg'): ``tx`` per tpgid
    (``get_tpg_tx_stats``: pkts, bytes) and ``rx`` per receiving port name and tpgid
    (``get_tpg_stats`` over tags 0 … 'n_tags' − 1 with ``unknown_tag``: sections of
    equal counters)."""
    tpg = reply.get("tpg", {})
    tx = {str(g.tpgid): {"pkts": 0, "bytes": 0} for g in grouped}
    for tpgid, pkts, nbytes in tpg.get("tx", []):
        tx[str(tpgid)] = {"pkts": pkts, "bytes": nbytes}
    counts: dict[tuple[int, int], dict[int, dict]] = {}
    for port, tpgid, tag, *values in tpg.get("rx", []):
        counts.setdefault((port, tpgid), {})[tag] = dict(zip(_COUNTERS, values, strict=True))
    rx: dict[str, dict] = {}
    for port, name in ports.items():
        rx[name] = {str(g.tpgid): _sections(counts.get((port, g.tpgid), {}), n_tags)
                    for g in sorted(grouped, key=lambda g: g.tpgid)}
    return {"tx": tx, "rx": rx}


def _sections(by_tag: Mapping[int, dict], n_tags: int) -> dict:
    """TRex's sections of tags 0 … n_tags − 1 (consecutive equal counters as "min-max"),
    and ``unknown_tag`` (tag id n_tags)."""
    zero = dict.fromkeys(_COUNTERS, 0)
    counted = sorted(t for t in by_tag if t < n_tags)
    out: dict[str, dict] = {}
    tag = 0
    while tag < n_tags:
        ref = by_tag.get(tag, zero)
        if ref == zero:  # Up to the next tag with packets.
            end = next((t for t in counted if t > tag), n_tags)
        else:
            end = tag + 1
            while end < n_tags and by_tag.get(end) == ref:
                end += 1
        out[f"{tag}-{end - 1}" if end - 1 > tag else str(tag)] = dict(ref)
        tag = end
    out["unknown_tag"] = dict(by_tag.get(n_tags, zero))
    return out
