"""The OVS side of BPF extensions: the runtime's ``bpf/*`` commands and ``ovstest test-bpf``.

A running variant (``harness.ovs.daemons.OvsInstance``) is controlled through ovs-appctl::

    ctl = BpfControl(ovs)
    handle = ctl.load("br0", 1, "/abs/path/prog.o")     # BpfLoadError: verifier's message
    ctl.load("br0", 2, "/abs/path/progs.o", program="xdp_pass")  # one of several
    prog = ctl.show("br0")[0]                            # BpfProgram (verdict, runs, ...)
    entries = ctl.map_dump("br0", 1, "flows")            # [(key bytes, value bytes)]

Without a daemon, ``ovstest test-bpf`` of a built variant's tree verifies a program, runs it
on packets (``ovstest_run``, or ``OvstestProgram``, which keeps one program and its maps
across runs like ``kernel.KernelProgram``) and times it (``ovstest_bench``): the differential
tests against the kernel (``harness.bpf.kernel``) and the interpreter benchmark use these.
``verify`` loads a program into a throwaway instance of a variant, as ``extbench verify`` does.
"""

import json
import re
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from harness import PREFIX, paths
from harness.errors import CommandError, ExtbenchError
from harness.proc import run


class Appctl(Protocol):
    """What BpfControl needs of an OVS instance."""

    def appctl(self, *args: str, target: str = "ovs-vswitchd") -> str:
        """Run ovs-appctl against the instance."""


class BpfCommandError(ExtbenchError):
    """A bpf/* command failed; the message is ovs-vswitchd's reply."""

    exit_status = 1


class BpfLoadError(BpfCommandError):
    """A program was rejected (the message is the runtime's: loader, verifier or map)."""


@dataclass(frozen=True)
class BpfRange:
    """Packet bytes [start, end); end None means "to the end of the packet"."""

    start: int
    end: int | None

    def to_json(self) -> list[int | None]:
        """[start, end], end null when unbounded."""
        return [self.start, self.end]


@dataclass(frozen=True)
class BpfMapInfo:
    """A map of a loaded program, as bpf/show describes it."""

    name: str
    type: str
    key_size: int
    value_size: int
    max_entries: int


@dataclass(frozen=True)
class BpfProgram:
    """One program of bpf/show: identity, verdict and run counters."""

    bridge: str
    id: int
    handle: int
    file: str
    program: str
    section: str
    insns: int
    maps: tuple[BpfMapInfo, ...]
    reads: tuple[BpfRange, ...]
    writes: tuple[BpfRange, ...]
    writes_packet: bool
    runs: int
    insns_executed: int
    faults: int
    changes_length: bool = False
    tail_calls: int | None = None
    """A program that makes tail calls: the number of programs its verdict covers."""


@dataclass(frozen=True)
class Verdict:
    """What loading a program gave: accepted or the reason, and the verifier's ranges."""

    accepted: bool
    reason: str | None = None
    insns: int | None = None
    reads: tuple[BpfRange, ...] = ()
    writes: tuple[BpfRange, ...] = ()
    writes_packet: bool | None = None
    changes_length: bool | None = None
    tail_calls: int | None = None
    """A program that makes tail calls: how many programs its verdict covers (every XDP
    program of its object that verifies, itself included); None otherwise."""

    def to_json(self) -> dict[str, Any]:
        """The verdict as printed by ``extbench verify``."""
        d = asdict(self)
        d["reads"] = [r.to_json() for r in self.reads]
        d["writes"] = [r.to_json() for r in self.writes]
        return d


@dataclass(frozen=True)
class RunResult:
    """One run of ``ovstest test-bpf run``: return value (None if it faulted) and packet."""

    retval: int | None
    packet: bytes
    insns: int


_RANGE = re.compile(r"\[(\d+),(\d+|end)\)")
_MAP = re.compile(r"(\S+) \((\w+), key (\d+), value (\d+), max (\d+)\)")
_HEADER = re.compile(r"^(\S+) (\d+):$")


def parse_ranges(text: str) -> tuple[BpfRange, ...]:
    """Ranges as bpf/show prints them: "[0,14) [23,end)", or "none"."""
    text = text.strip()
    if text == "none":
        return ()
    ranges = _RANGE.findall(text)
    if not ranges or " ".join(f"[{s},{e})" for s, e in ranges) != text:
        raise ExtbenchError(f"bpf/show: cannot parse ranges '{text}'")
    return tuple(BpfRange(int(s), None if e == "end" else int(e)) for s, e in ranges)


def _parse_maps(text: str) -> tuple[BpfMapInfo, ...]:
    text = text.strip()
    if text == "none":
        return ()
    return tuple(BpfMapInfo(n, t, int(k), int(v), int(m)) for n, t, k, v, m in _MAP.findall(text))


def _tail_calls(text: str | None) -> int | None:
    """bpf/show's 'tail_calls: first at insn N; the verdict covers M programs' as M."""
    if text is None:
        return None
    m = re.fullmatch(r"first at insn \d+; the verdict covers (\d+) programs", text.strip())
    if not m:
        raise ExtbenchError(f"bpf/show: cannot parse tail_calls '{text}'")
    return int(m.group(1))


def _program(bridge: str, id_: int, f: dict[str, str]) -> BpfProgram:
    try:
        prog, section = re.fullmatch(r"(\S+) \(section (\S+)\)", f["program"]).groups()
        return BpfProgram(
            bridge=bridge, id=id_, handle=int(f["handle"]), file=f["file"], program=prog,
            section=section, insns=int(f["insns"]), maps=_parse_maps(f["maps"]),
            reads=parse_ranges(f["reads"]), writes=parse_ranges(f["writes"]),
            writes_packet=f["writes_packet"] == "true", runs=int(f["runs"]),
            insns_executed=int(f["insns_executed"]), faults=int(f["faults"]),
            changes_length=f.get("changes_length", "false").startswith("true"),
            tail_calls=_tail_calls(f.get("tail_calls")))
    except (KeyError, AttributeError, ValueError) as e:
        raise ExtbenchError(f"bpf/show: cannot parse program {bridge} {id_}: {e!r}") from e


def parse_show(text: str) -> list[BpfProgram]:
    """Programs from the output of ``ovs-appctl bpf/show``."""
    progs: list[BpfProgram] = []
    header: tuple[str, int] | None = None
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _HEADER.match(line)
        if m:
            if header:
                progs.append(_program(*header, fields))
            header, fields = (m.group(1), int(m.group(2))), {}
        elif header and line.startswith("  ") and ": " in line:
            key, value = line.strip().split(": ", 1)
            fields[key] = value
        else:
            raise ExtbenchError(f"bpf/show: unexpected line '{line}'")
    if header:
        progs.append(_program(*header, fields))
    return progs


def parse_map_dump(text: str) -> list[tuple[bytes, bytes]]:
    """(key, value) pairs from ``ovs-appctl bpf/map-dump`` ("key=HEX value=HEX" lines; of a
    per-CPU map, the sum of the threads' values: their "  slot N (THREAD): HEX" lines are
    left out, see ``parse_map_dump_slots``)."""
    entries = []
    for line in text.splitlines():
        if line.startswith("  slot "):
            continue
        m = re.fullmatch(r"key=([0-9a-f]*) value=([0-9a-f]*)", line.strip())
        if not m:
            raise ExtbenchError(f"bpf/map-dump: unexpected line '{line}'")
        entries.append((bytes.fromhex(m.group(1)), bytes.fromhex(m.group(2))))
    return entries


def parse_map_dump_slots(text: str) -> dict[bytes, dict[int, bytes]]:
    """The per-thread values of a per-CPU map from ``ovs-appctl bpf/map-dump``: key →
    {slot: value}."""
    slots: dict[bytes, dict[int, bytes]] = {}
    key = b""
    for line in text.splitlines():
        m = re.fullmatch(r"key=([0-9a-f]*) value=[0-9a-f]*", line.strip())
        s = re.fullmatch(r"  slot (\d+) \((.*)\): ([0-9a-f]*)", line)
        if m:
            key = bytes.fromhex(m.group(1))
            slots[key] = {}
        elif s:
            slots.setdefault(key, {})[int(s.group(1))] = bytes.fromhex(s.group(3))
        else:
            raise ExtbenchError(f"bpf/map-dump: unexpected line '{line}'")
    return slots


def _server_error(e: CommandError) -> str:
    """The message ovs-vswitchd replied, without ovs-appctl's own line."""
    lines = [x for x in e.stderr.strip().splitlines() if not x.startswith("ovs-appctl:")]
    return "\n".join(lines) or str(e)


class BpfControl:
    """The bpf/* ovs-appctl commands of a running instance."""

    def __init__(self, ovs: Appctl):
        """ovs: an object with appctl() (an OvsInstance)."""
        self.ovs = ovs

    def _appctl(self, *args: str, error: type[BpfCommandError] = BpfCommandError) -> str:
        try:
            return self.ovs.appctl(*args)
        except CommandError as e:
            raise error(_server_error(e)) from e

    def load(self, bridge: str, prog_id: int, obj: Path | str,
             program: str | None = None) -> int:
        """Load 'obj' as program 'prog_id' of 'bridge'; return its datapath handle.

        program: which program of 'obj' (its function's name), if it holds several.
        Raises BpfLoadError with the runtime's message if the load is refused.
        """
        out = self._appctl("bpf/load", bridge, str(prog_id), str(Path(obj).resolve()),
                           *([program] if program else []), error=BpfLoadError)
        m = re.fullmatch(r"handle (\d+)", out.strip())
        if not m:
            raise ExtbenchError(f"bpf/load: unexpected reply '{out.strip()}'")
        return int(m.group(1))

    def unload(self, bridge: str, prog_id: int) -> None:
        """Unload program 'prog_id' of 'bridge'."""
        self._appctl("bpf/unload", bridge, str(prog_id))

    def show(self, bridge: str | None = None) -> list[BpfProgram]:
        """Every loaded program (of 'bridge' if given)."""
        return parse_show(self._appctl("bpf/show", *([bridge] if bridge else [])))

    def map_dump(self, bridge: str, prog_id: int, map_name: str) -> list[tuple[bytes, bytes]]:
        """Every (key, value) of map 'map_name' of a loaded program, sorted by key."""
        return parse_map_dump(self._appctl("bpf/map-dump", bridge, str(prog_id), map_name))

    def map_update(self, bridge: str, prog_id: int, map_name: str, key: bytes,
                   value: bytes) -> None:
        """Set 'key' to 'value' in a map of a loaded program (create or replace)."""
        self._appctl("bpf/map-update", bridge, str(prog_id), map_name, key.hex(), value.hex())

    def map_delete(self, bridge: str, prog_id: int, map_name: str, key: bytes) -> None:
        """Delete 'key' from a hash map of a loaded program."""
        self._appctl("bpf/map-delete", bridge, str(prog_id), map_name, key.hex())


VERIFY_BRIDGE = f"{PREFIX}v0"
"""Bridge of the throwaway instance of ``verify`` (dummy datapath: no device is created)."""


def verify(variant: str, obj: Path | str, program: str | None = None) -> Verdict:
    """Load 'obj' (its program 'program' if given) into a throwaway instance of 'variant'
    and return the runtime's verdict."""
    from harness.ovs.daemons import OvsInstance
    from harness.ovs.variant import load_variant

    load_variant(variant)  # An unknown name fails here, listing the known ones.
    obj = Path(obj)
    if not obj.is_file():
        raise ExtbenchError(f"{obj}: no such file")
    with OvsInstance(variant, vswitchd_args=("--enable-dummy",)) as ovs:
        ovs.vsctl("add-br", VERIFY_BRIDGE, "--", "set", "bridge", VERIFY_BRIDGE,
                  "datapath_type=dummy")
        ctl = BpfControl(ovs)
        try:
            ctl.load(VERIFY_BRIDGE, 1, obj, program)
        except BpfLoadError as e:
            return Verdict(accepted=False, reason=str(e))
        prog = ctl.show(VERIFY_BRIDGE)[0]
        return Verdict(accepted=True, insns=prog.insns, reads=prog.reads, writes=prog.writes,
                       writes_packet=prog.writes_packet, changes_length=prog.changes_length,
                       tail_calls=prog.tail_calls)


def ovstest_path(variant: str = "runtime") -> Path:
    """The ovstest binary of a built variant's tree (it is not installed)."""
    path = paths.BUILD / "src" / variant / "tests" / "ovstest"
    if not path.exists():
        raise ExtbenchError(f"{path} not found: run extbench build {variant}")
    return path


JIT_MODES = ("false", "true", "checked")
"""Values of other_config:bpf-jit and of ``ovstest test-bpf --jit``: interpreter, JIT code,
JIT code that keeps every run-time check."""


def _jit_args(jit: str | None) -> list[str]:
    if jit is None:
        return []
    if jit not in JIT_MODES:
        raise ExtbenchError(f"unknown JIT mode '{jit}' (known: {', '.join(JIT_MODES)})")
    return [f"--jit={jit}"]


def _program_args(program: str | None) -> list[str]:
    return [f"--program={program}"] if program else []


def _ovstest(variant: str, *args: str, jit: str | None = None,
             program: str | None = None) -> tuple[str, str, int]:
    return run([str(ovstest_path(variant)), "test-bpf", *_jit_args(jit),
                *_program_args(program), *args], timeout=600)


def _ranges_json(items: list[list[int | None]]) -> tuple[BpfRange, ...]:
    return tuple(BpfRange(s, e) for s, e in items)


def ovstest_verify(obj: Path | str, variant: str = "runtime",
                   program: str | None = None) -> Verdict:
    """The verdict of ``ovstest test-bpf verify`` (no daemon) on 'obj' (its program
    'program' if given)."""
    out, err, rc = _ovstest(variant, "verify", str(obj), program=program)
    try:
        d = json.loads(out)
    except json.JSONDecodeError as e:
        raise ExtbenchError(f"ovstest test-bpf verify {obj} failed (rc={rc}): {err.strip()}") from e
    if not d["accepted"]:
        return Verdict(accepted=False, reason=d["reason"])
    return Verdict(accepted=True, insns=d["insns"], reads=_ranges_json(d["reads"]),
                   writes=_ranges_json(d["writes"]), writes_packet=d["writes_packet"],
                   changes_length=d.get("changes_length"), tail_calls=d.get("tail_calls"))


def ovstest_run(obj: Path | str, packets: Sequence[bytes], variant: str = "runtime",
                program: str | None = None) -> list[RunResult]:
    """Run 'obj' once on each packet in order (maps persist between them)."""
    out, err, rc = _ovstest(variant, "run", str(obj), *[p.hex() for p in packets],
                            program=program)
    lines = out.splitlines()
    if len(lines) != len(packets):
        raise ExtbenchError(f"ovstest test-bpf run {obj} failed (rc={rc}): {err.strip()}")
    results = []
    for line in lines:
        d = json.loads(line)
        results.append(RunResult(d["retval"], bytes.fromhex(d["packet"]), d["insns"]))
    return results


def ovstest_bench(obj: Path | str, packet: bytes, repeat: int,
                  variant: str = "runtime", jit: str | None = None,
                  program: str | None = None) -> dict[str, float]:
    """Time 'repeat' runs of 'obj' on 'packet': ns_per_run, insns_per_run, retval.

    jit: "false" (interpreter), "true" or "checked" (see JIT_MODES); None: the default
    """
    out, err, rc = _ovstest(variant, "bench", str(obj), packet.hex(), str(repeat), jit=jit,
                            program=program)
    if rc != 0:
        raise ExtbenchError(f"ovstest test-bpf bench {obj} failed (rc={rc}): {err.strip()}")
    return json.loads(out)


class OvstestProgram:
    """One program in OVS's runtime, run by ``ovstest test-bpf serve``; a context manager.

    It is an executor like ``kernel.KernelProgram`` (``run``, ``dump_map``): maps persist
    between runs, and ``run(pkt, repeat)`` reruns on the same buffer as the kernel does.
    """

    def __init__(self, obj: Path | str, variant: str = "runtime", jit: str | None = None,
                 program: str | None = None):
        """obj: the ELF object; variant: whose tree's ovstest runs it; jit: see JIT_MODES;
        program: which program of 'obj' (its function's name), if it holds several."""
        self.obj = Path(obj)
        self.variant = variant
        self.jit_args = _jit_args(jit) + _program_args(program)
        self.proc: subprocess.Popen | None = None
        self.faults = 0

    def __enter__(self) -> "OvstestProgram":
        self.proc = subprocess.Popen(
            [str(ovstest_path(self.variant)), "test-bpf", *self.jit_args, "serve",
             str(self.obj)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the ovstest process (idempotent)."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        try:
            proc.communicate(timeout=10)
        except (subprocess.TimeoutExpired, ValueError, OSError):
            proc.kill()
            proc.wait()

    def _ask(self, line: str) -> dict[str, Any]:
        if self.proc is None:
            raise ExtbenchError(f"{self.obj}: program not loaded")
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass
        reply = self.proc.stdout.readline()
        if not reply:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            err = self.proc.stderr.read().strip()
            raise ExtbenchError(f"ovstest test-bpf serve {self.obj} failed: {err}")
        return json.loads(reply)

    def run(self, pkt: bytes, repeat: int = 1) -> tuple[int | None, bytes]:
        """Run on 'pkt' 'repeat' times; return (last return value or None on fault, bytes)."""
        d = self._ask(f"run {pkt.hex()} {repeat}")
        if d.get("fault"):
            self.faults += 1
        return d["retval"], bytes.fromhex(d["packet"])

    def set_jit(self, jit: str) -> bool:
        """Switch the JIT mode (see JIT_MODES); return whether the program now runs JIT code."""
        _jit_args(jit)
        return self._ask(f"jit {jit}")["jit"]

    def dump_map(self, name: str) -> list[tuple[bytes, bytes]]:
        """Every (key, value) of map 'name', sorted by key."""
        d = self._ask(f"dump {name}")
        if "error" in d:
            raise ExtbenchError(f"{self.obj}: {d['error']}")
        return [(bytes.fromhex(k), bytes.fromhex(v)) for k, v in d["entries"]]
