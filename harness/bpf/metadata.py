"""Extension metadata: ``extensions/<name>.yaml``, the hand-written ground truth of an extension.

Each file is validated against ``extension.schema.yaml`` (beside this module) and then
checked for what a schema cannot say: field names and their byte ranges, that read-only
kinds declare no writes, that ``changes_flow_key`` follows from the declared writes, and
that the scenarios only expect what the writes and maps allow. ``compile`` builds the
objects, ``kernel`` runs them, ``scenarios`` checks them against ``expected``.
"""

import argparse
import re
import struct
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from harness import paths
from harness.errors import ExtbenchError, unknown

SCHEMA_PATH = Path(__file__).with_name("extension.schema.yaml")

STACKS = ("ipv4-udp", "ipv4-tcp", "ipv4-icmp")
"""Packet stacks whose byte ranges metadata states: Ethernet (no VLAN), IPv4 with IHL 5, then
UDP, TCP (data offset 5) or ICMP echo."""

PAYLOAD_START = {"ipv4-udp": 42, "ipv4-tcp": 54, "ipv4-icmp": 42}
"""First payload byte of each stack, from the start of the Ethernet header."""

ROLES = {"action": ("action",), "filter": ("filter",), "both": ("action", "filter")}
"""The objects built for each kind: extension kind → roles."""


@dataclass(frozen=True)
class Field:
    """A header field: bytes [start, end) in the stacks that have it (end None: payload)."""

    start: int
    end: int | None
    stacks: tuple[str, ...]
    flow_key: bool
    doc: str


_ALL, _L4 = STACKS, ("ipv4-udp", "ipv4-tcp")
_UDP, _TCP, _ICMP = ("ipv4-udp",), ("ipv4-tcp",), ("ipv4-icmp",)

FIELDS: dict[str, Field] = {
    "eth.dst": Field(0, 6, _ALL, True, "Ethernet destination"),
    "eth.src": Field(6, 12, _ALL, True, "Ethernet source"),
    "eth.type": Field(12, 14, _ALL, True, "EtherType"),
    "ip.ihl": Field(14, 15, _ALL, True, "IPv4 version and IHL byte (locates L4)"),
    "ip.tos": Field(15, 16, _ALL, True, "IPv4 DSCP and ECN"),
    "ip.len": Field(16, 18, _ALL, True, "IPv4 total length (OVS checks it)"),
    "ip.id": Field(18, 20, _ALL, False, "IPv4 identification"),
    "ip.frag": Field(20, 22, _ALL, True, "IPv4 flags and fragment offset"),
    "ip.ttl": Field(22, 23, _ALL, True, "IPv4 TTL"),
    "ip.proto": Field(23, 24, _ALL, True, "IPv4 protocol"),
    "ip.csum": Field(24, 26, _ALL, False, "IPv4 header checksum"),
    "ip.src": Field(26, 30, _ALL, True, "IPv4 source"),
    "ip.dst": Field(30, 34, _ALL, True, "IPv4 destination"),
    "l4.sport": Field(34, 36, _L4, True, "TCP or UDP source port"),
    "l4.dport": Field(36, 38, _L4, True, "TCP or UDP destination port"),
    "udp.len": Field(38, 40, _UDP, False, "UDP length"),
    "udp.csum": Field(40, 42, _UDP, False, "UDP checksum"),
    "udp.payload": Field(42, None, _UDP, False, "UDP payload"),
    "tcp.seq": Field(38, 42, _TCP, False, "TCP sequence number"),
    "tcp.ack": Field(42, 46, _TCP, False, "TCP acknowledgement number"),
    "tcp.off": Field(46, 47, _TCP, True, "TCP data offset and the NS flag"),
    "tcp.flags": Field(47, 48, _TCP, True, "TCP flags CWR..FIN"),
    "tcp.window": Field(48, 50, _TCP, False, "TCP window"),
    "tcp.csum": Field(50, 52, _TCP, False, "TCP checksum"),
    "tcp.urg": Field(52, 54, _TCP, False, "TCP urgent pointer"),
    "tcp.payload": Field(54, None, _TCP, False, "TCP payload"),
    "icmp.type": Field(34, 35, _ICMP, True, "ICMP type"),
    "icmp.code": Field(35, 36, _ICMP, True, "ICMP code"),
    "icmp.csum": Field(36, 38, _ICMP, False, "ICMP checksum"),
    "icmp.id": Field(38, 40, _ICMP, False, "ICMP echo identifier"),
    "icmp.seq": Field(40, 42, _ICMP, False, "ICMP echo sequence number"),
    "icmp.payload": Field(42, None, _ICMP, False, "ICMP echo payload"),
}
"""Header fields by name. flow_key: OVS's flow extraction parses it (miniflow_extract), so
writing it may change the packet's flow key."""

_FIELD_RE = re.compile(r"^(?P<name>[a-z0-9]+\.[a-z]+)(\[(?P<start>\d+):(?P<end>\d+)\])?$")
_LAYOUT_TYPES = {"u8": "<B", "u16": "<H", "u32": "<I", "u64": "<Q", "be16": ">H",
                 "be32": ">I", "ipv4": "4s"}

Range = tuple[int, int]


def merge(ranges: list[Range]) -> list[Range]:
    """Sort half-open ranges and merge those that overlap or touch."""
    out: list[list[int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def field_base(spec: str) -> str:
    """The field name of a field spec, without its payload slice ('udp.payload[0:4]')."""
    m = _FIELD_RE.match(spec)
    return m.group("name") if m else spec


def field_range(spec: str, stack: str) -> Range:
    """Bytes [start, end) of a field spec on 'stack'; raises ValueError if it does not apply."""
    m = _FIELD_RE.match(spec)
    if not m or m.group("name") not in FIELDS:
        raise ValueError(f"unknown field '{spec}' (known: {', '.join(FIELDS)})")
    f = FIELDS[m.group("name")]
    if stack not in f.stacks:
        raise ValueError(f"field '{spec}' is not in stack {stack}")
    if f.end is None:
        if m.group("start") is None:
            raise ValueError(f"payload field '{spec}' needs a slice, e.g. {spec}[0:4]")
        start, end = int(m.group("start")), int(m.group("end"))
        if start >= end:
            raise ValueError(f"empty slice in '{spec}'")
        return f.start + start, f.start + end
    if m.group("start") is not None:
        raise ValueError(f"only payload fields take a slice: '{spec}'")
    return f.start, f.end


@dataclass(frozen=True)
class Layout:
    """A map key or value layout: field name → type, in memory order."""

    fields: tuple[tuple[str, str], ...]

    @property
    def size(self) -> int:
        """Size in bytes."""
        return sum(_type_size(t) for _, t in self.fields)

    def decode(self, raw: bytes) -> dict[str, int | str]:
        """Decode raw bytes into field values (ipv4 as dotted quad; padding skipped)."""
        if len(raw) != self.size:
            raise ExtbenchError(f"map entry has {len(raw)} bytes, layout expects {self.size}")
        out: dict[str, int | str] = {}
        pos = 0
        for name, typ in self.fields:
            size = _type_size(typ)
            if typ == "ipv4":
                out[name] = ".".join(str(b) for b in raw[pos:pos + 4])
            elif not typ.startswith("pad"):
                out[name] = struct.unpack(_LAYOUT_TYPES[typ], raw[pos:pos + size])[0]
            pos += size
        return out


def _type_size(typ: str) -> int:
    return int(typ[3:]) if typ.startswith("pad") else struct.calcsize(_LAYOUT_TYPES[typ])


@dataclass(frozen=True)
class MapSpec:
    """A map the extension declares, as its metadata states it."""

    name: str
    type: str
    key: Layout
    value: Layout
    max_entries: int


@dataclass(frozen=True)
class Extension:
    """One extension: its name, source and validated metadata."""

    name: str
    meta_path: Path
    meta: dict[str, Any]

    @property
    def source(self) -> Path:
        """The C source, extensions/<name>.c."""
        return self.meta_path.with_suffix(".c")

    @property
    def kind(self) -> str:
        """action, filter or both."""
        return self.meta["kind"]

    @property
    def program(self) -> str | None:
        """The program of its object to load (a function name), or None for the only one."""
        return self.meta.get("program")

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles its objects are built for (action and/or filter)."""
        return ROLES[self.kind]

    @property
    def maps(self) -> dict[str, MapSpec]:
        """Declared maps by name."""
        return {n: MapSpec(n, m["type"], Layout(tuple(m["key"].items())),
                           Layout(tuple(m["value"].items())), m["max_entries"])
                for n, m in self.meta["maps"].items()}

    @property
    def scenarios(self) -> list[dict[str, Any]]:
        """The expected scenarios, as in the metadata."""
        return self.meta["expected"]

    @property
    def placement(self) -> dict[str, Any]:
        """The abstract placement for trials."""
        return self.meta["placement"]

    def traffic(self, profile: str, topology: str,
                receivers: Sequence[str]) -> dict[str, Any] | None:
        """The expected effect on 'profile' sent over 'topology', None if none is declared.

        receivers: the topology's receiving hosts (logical names); an entry without a
        topology holds only where its receivers are among them. An entry naming the
        topology wins over one that holds for any topology.
        """
        entries = [t for t in self.placement["traffic"] if t["profile"] == profile
                   and t.get("topology", topology) == topology
                   and ("topology" in t or set(t["receivers"]) <= set(receivers))]
        entries.sort(key=lambda t: "topology" not in t)
        return entries[0] if entries else None

    def ranges(self, access: str, stack: str | None = None) -> list[Range]:
        """Byte ranges of 'access' (reads or writes) on 'stack', or merged over every stack."""
        stacks = [stack] if stack else STACKS
        return merge([tuple(r) for s in stacks for r in self.meta[access][s]["ranges"]])

    def fields(self, access: str) -> set[str]:
        """Names of the fields of 'access' (reads or writes) on any stack, without slices."""
        return {field_base(f) for s in STACKS for f in self.meta[access][s]["fields"]}

    def field_specs(self, access: str) -> list[str]:
        """Field specs of 'access' on any stack (payload slices kept), in packet order."""
        specs = {f: field_range(f, s) for s in STACKS for f in self.meta[access][s]["fields"]}
        return sorted(specs, key=lambda f: (specs[f], f))

    @property
    def writes_packet(self) -> bool:
        """True if it may write any byte of the packet."""
        return bool(self.ranges("writes"))


def readme_table(exts: list[Extension]) -> str:
    """The Markdown table of extensions/README.md: one row per extension."""
    def access(ext: Extension, kind: str) -> str:
        spans = ", ".join(f"{s}-{e}" for s, e in ext.ranges(kind))
        return f"{', '.join(ext.field_specs(kind))} ({spans})" if spans else "-"

    rows = ["| name | kind | reads (bytes) | writes (bytes) | changes_flow_key | maps | purpose |",
            "|---|---|---|---|---|---|---|"]
    for ext in exts:
        cells = [f"`{ext.name}`", ext.kind,
                 access(ext, "reads"), access(ext, "writes"),
                 "yes" if ext.meta["changes_flow_key"] else "no",
                 ", ".join(f"{n} ({m.type})" for n, m in ext.maps.items()) or "-",
                 ext.meta["purpose"]]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = yaml.safe_load(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _where(path) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


def names() -> list[str]:
    """Every extension: the stems of extensions/*.yaml."""
    return sorted(p.stem for p in paths.EXTENSIONS.glob("*.yaml"))


def load(name: str) -> Extension:
    """Load and check extensions/<name>.yaml; unknown names list the known ones."""
    known = names()
    if name not in known:
        raise unknown("extension", name, known)
    return load_file(paths.EXTENSIONS / f"{name}.yaml")


def load_all() -> list[Extension]:
    """Every extension, loaded and checked."""
    return [load(n) for n in names()]


def load_file(path: Path) -> Extension:
    """Parse, validate and check one metadata file; errors name the file and the key."""
    try:
        meta = yaml.safe_load(path.read_text())
    except OSError as e:
        raise ExtbenchError(f"{path}: cannot read metadata: {e.strerror}") from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        raise ExtbenchError(f"{path}: {where}: invalid YAML: "
                            f"{getattr(e, 'problem', None) or e}") from e
    errors = sorted(_validator().iter_errors(meta), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        raise ExtbenchError(f"{path}: {_where(e.absolute_path)}: {e.message}")
    ext = Extension(path.stem, path, meta)
    problem = _check(ext)
    if problem:
        raise ExtbenchError(f"{path}: {problem[0]}: {problem[1]}")
    return ext


def _check(ext: Extension) -> tuple[str, str] | None:
    """The first inconsistency of 'ext' as (key, problem), or None."""
    meta = ext.meta
    if not ext.source.exists():
        return "(file)", f"no C source {ext.source.name} beside it"
    for access in ("reads", "writes"):
        for stack in STACKS:
            where = f"{access}.{stack}"
            spec = meta[access][stack]
            try:
                want = merge([field_range(f, stack) for f in spec["fields"]])
            except ValueError as e:
                return f"{where}.fields", str(e)
            got = [tuple(r) for r in spec["ranges"]]
            if got != merge(got):
                return f"{where}.ranges", f"{got} is not sorted and merged: {merge(got)}"
            if got != want:
                return f"{where}.ranges", f"{got} differs from the fields' bytes {want}"
    if ext.kind != "action" and ext.writes_packet:
        return "writes", f"kind '{ext.kind}' is read-only but writes are declared"
    flow_key = any(FIELDS[f].flow_key for f in ext.fields("writes"))
    if meta["changes_flow_key"] != flow_key:
        return "changes_flow_key", (f"is {meta['changes_flow_key']} but the declared writes "
                                    f"{'do' if flow_key else 'do not'} touch flow-key fields")
    placement = meta["placement"]
    rewrites = [f for t in placement["traffic"] for f in t["rewrites"]]
    for f in placement["forwarding_on"] + rewrites:
        if f not in FIELDS:
            return "placement", f"unknown field '{f}'"
    if placement["mirror"] and placement["on_fail"] != "continue":
        return "placement.on_fail", "a mirror selector must 'continue' on fail"
    for i, t in enumerate(placement["traffic"]):
        for f in t["rewrites"]:
            if f not in ext.fields("writes"):
                return f"placement.traffic.{i}.rewrites", (f"'{f}' is not among the declared "
                                                           f"writes")
        if (t["profile"], t.get("topology")) in [(u["profile"], u.get("topology"))
                                                  for u in placement["traffic"][:i]]:
            return f"placement.traffic.{i}", (f"a second entry for profile '{t['profile']}'"
                                              f" and topology {t.get('topology', 'any')}")
    for i, sc in enumerate(ext.scenarios):
        problem = _check_scenario(ext, sc)
        if problem:
            return f"expected.{i}.{problem[0]}", problem[1]
    return None


def _check_scenario(ext: Extension, sc: dict[str, Any]) -> tuple[str, str] | None:
    """The first inconsistency of scenario 'sc' of 'ext' as (key, problem), or None."""
    written = ext.fields("writes")
    for j, step in enumerate(sc["steps"]):
        if "payload" in step["packet"] and "payload_hex" in step["packet"]:
            return f"steps.{j}.packet", "give payload or payload_hex, not both"
        for f in step.get("rewrites", {}):
            if f not in written:
                return f"steps.{j}.rewrites", f"'{f}' is not among the declared writes"
        if ext.writes_packet and step.get("repeat", 1) > 1:
            return f"steps.{j}.repeat", "a writing extension rewrites its own output on repeat"
    maps = ext.maps
    for name, check in sc.get("maps", {}).items():
        if name not in maps:
            return f"maps.{name}", f"unknown map (declared: {', '.join(maps) or 'none'})"
        for entry in check.get("contain", []):
            for part, layout in (("key", maps[name].key), ("value", maps[name].value)):
                extra = set(entry.get(part, {})) - {n for n, _ in layout.fields}
                if extra:
                    return f"maps.{name}.contain", f"{part} has no field {sorted(extra)}"
    return None


def main(argv: list[str] | None = None) -> int:
    """Command line: check every metadata file, or print the README table."""
    p = argparse.ArgumentParser(prog="python -m harness.bpf.metadata",
                                description="Check extensions/*.yaml (default) or print the "
                                            "table of extensions/README.md.")
    p.add_argument("--table", action="store_true", help="print the README table")
    args = p.parse_args(argv)
    try:
        exts = load_all()
    except ExtbenchError as e:
        print(f"metadata: {e}", file=sys.stderr)
        return e.exit_status
    print(readme_table(exts) if args.table else f"{len(exts)} extensions ok",
          end="" if args.table else "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
