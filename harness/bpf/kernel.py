"""Run BPF objects in the Linux kernel: its verifier, BPF_PROG_TEST_RUN and maps.

The kernel is the independent reference for the OVS runtime: the same object loads here as
XDP, so what it returns and leaves in the packet here is what the OVS interpreter must
return and leave, and ``run_timed`` is the baseline for the interpreter's speed::

    with KernelProgram(obj) as kp:
        ret, out = kp.run(pkt_bytes)
        ns = kp.run_timed(pkt_bytes, repeat=100_000)
        entries = kp.dump_map("flows")

Objects are loaded and maps read with bpftool; runs are the bpf(2) system call itself
(BPF_PROG_TEST_RUN on the pinned program), which costs microseconds where a bpftool
process costs milliseconds. Pins live under ``/sys/fs/bpf/xb-<name>-<pid>-<n>`` (program;
``xb-progs-<...>/<program>`` for an object loaded whole) and ``xb-maps-<...>`` (its maps)
and are removed on exit, even on error. Needs root.
"""

import ctypes
import itertools
import json
import os
import re
import struct
from pathlib import Path
from typing import Any

from harness import PREFIX
from harness.errors import ExtbenchError
from harness.proc import run, run_checked

BPFFS = Path("/sys/fs/bpf")
BPFTOOL = "bpftool"
LOG_TAIL = 25
"""Lines of the verifier log quoted in a load error."""

_seq = itertools.count()
_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def ensure_bpffs() -> None:
    """Mount bpffs on /sys/fs/bpf unless it is mounted; needs root."""
    if os.geteuid() != 0:
        raise ExtbenchError("loading BPF programs into the kernel needs root (run as root)")
    if not os.path.ismount(BPFFS):
        run_checked(["mount", "-t", "bpf", "bpf", str(BPFFS)])


def _bpftool_json(args: list[str]) -> Any:
    """Run 'bpftool -j ARGS' and return its parsed JSON; raise ExtbenchError on failure."""
    out, err, rc = run([BPFTOOL, "-j", *args])
    try:
        data = json.loads(out) if out.strip() else None
    except json.JSONDecodeError:
        data = None
    if rc != 0 or (isinstance(data, dict) and "error" in data):
        msg = data["error"] if isinstance(data, dict) and "error" in data else (err or out)
        raise ExtbenchError(f"bpftool {' '.join(args)}: {msg.strip()}")
    return data


def _hex_bytes(items: list[str]) -> bytes:
    """Bytes of bpftool's JSON hex list (["0x01", "0xff", ...])."""
    return bytes(int(x, 16) for x in items)


_BPF_OBJ_GET, _BPF_PROG_TEST_RUN = 7, 10
_NR_BPF = {"x86_64": 321, "aarch64": 280}
OUT_BUFFER = 16384
"""Bytes the kernel may write back: a frame of the largest linear size, grown at the tail."""


def _bpf(cmd: int, attr: ctypes.Array) -> int:
    """The bpf(2) system call; raises OSError."""
    nr = _NR_BPF.get(os.uname().machine)
    if nr is None:
        raise ExtbenchError(f"bpf(2): unknown system call number on {os.uname().machine}")
    ret = _libc.syscall(ctypes.c_long(nr), ctypes.c_int(cmd), attr, ctypes.c_uint(len(attr)))
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return ret


def _obj_get(pin: Path) -> int:
    """A file descriptor of the program pinned at 'pin' (BPF_OBJ_GET)."""
    path = ctypes.create_string_buffer(os.fsencode(pin))
    attr = ctypes.create_string_buffer(16)
    struct.pack_into("<QII", attr, 0, ctypes.addressof(path), 0, 0)
    try:
        return _bpf(_BPF_OBJ_GET, attr)
    except OSError as e:
        raise ExtbenchError(f"{pin}: BPF_OBJ_GET failed: {e.strerror}") from e


def _prog_test_run(fd: int, pkt: bytes, repeat: int) -> tuple[int, int, bytes]:
    """BPF_PROG_TEST_RUN of program 'fd' on 'pkt': (return value, mean ns, output bytes).

    The attribute is the kernel's ``test`` member of ``union bpf_attr``: prog_fd, retval,
    data_size_in, data_size_out, data_in, data_out, repeat, duration, then the context
    and flags (zero).
    """
    data_in = ctypes.create_string_buffer(pkt, len(pkt))
    data_out = ctypes.create_string_buffer(OUT_BUFFER)
    attr = ctypes.create_string_buffer(80)
    struct.pack_into("<IIIIQQII", attr, 0, fd, 0, len(pkt), OUT_BUFFER,
                     ctypes.addressof(data_in), ctypes.addressof(data_out), repeat, 0)
    _bpf(_BPF_PROG_TEST_RUN, attr)
    _, retval, _, size_out = struct.unpack_from("<IIII", attr, 0)
    duration = struct.unpack_from("<I", attr, 36)[0]
    return retval, duration, data_out.raw[:size_out]


class KernelProgram:
    """A BPF object loaded into the kernel as XDP and pinned; use it as a context manager."""

    def __init__(self, obj: Path | str, name: str | None = None, program: str | None = None):
        """obj: the ELF object; name: label in the pin names (default: the object's name);
        program: the program to run, by function name, for objects that hold several (all
        are loaded, as libbpf loads an object, so tail calls between them work)
        """
        self.obj = Path(obj)
        self.program = program
        label = re.sub(r"[^A-Za-z0-9_-]", "-", name or self.obj.stem)
        tag = f"{label}-{os.getpid()}-{next(_seq)}"
        self.pin = BPFFS / f"{PREFIX}-{tag}"
        self.prog_dir = BPFFS / f"{PREFIX}-progs-{tag}"
        self.map_dir = BPFFS / f"{PREFIX}-maps-{tag}"
        if program is not None:
            self.pin = self.prog_dir / program
        self._fd: int | None = None

    def __enter__(self) -> "KernelProgram":
        self.load()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def load(self) -> None:
        """Load and pin the program and its maps; raise ExtbenchError with the verifier log."""
        if not self.obj.is_file():
            raise ExtbenchError(f"{self.obj}: no such BPF object")
        ensure_bpffs()
        if self.program is None:
            cmd = ["prog", "load", str(self.obj), str(self.pin), "type", "xdp",
                   "pinmaps", str(self.map_dir)]
        else:
            cmd = ["prog", "loadall", str(self.obj), str(self.prog_dir), "type", "xdp",
                   "pinmaps", str(self.map_dir)]
        _, err, rc = run([BPFTOOL, *cmd])
        if rc == 0 and self.pin.exists():
            self._fd = _obj_get(self.pin)
            return
        if rc == 0:
            known = sorted(p.name for p in self.prog_dir.iterdir())
            self.close()
            raise ExtbenchError(f"{self.obj}: no program '{self.program}' "
                                f"(programs: {', '.join(known) or 'none'})")
        # Load again with libbpf's debug output, which includes the verifier log.
        self.close()
        _, log, _ = run([BPFTOOL, "-d", *cmd])
        self.close()
        tail = "\n".join((log or err).strip().splitlines()[-LOG_TAIL:])
        raise ExtbenchError(f"{self.obj}: the kernel refused to load it:\n{tail}")

    def close(self) -> None:
        """Unpin the program and its maps and remove the scratch files (idempotent)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self.pin.unlink(missing_ok=True)
        for pin_dir in (self.prog_dir, self.map_dir):
            if pin_dir.exists():
                for p in pin_dir.iterdir():
                    p.unlink(missing_ok=True)
                pin_dir.rmdir()

    def _test_run(self, pkt: bytes, repeat: int) -> tuple[int, int, bytes]:
        """BPF_PROG_TEST_RUN of 'pkt' 'repeat' times: return value, mean ns, output."""
        if self._fd is None:
            raise ExtbenchError(f"{self.obj}: program not loaded")
        if repeat < 1:
            raise ExtbenchError(f"repeat must be at least 1, not {repeat}")
        try:
            return _prog_test_run(self._fd, pkt, repeat)
        except OSError as e:
            raise ExtbenchError(f"{self.obj}: BPF_PROG_TEST_RUN of {len(pkt)} bytes failed: "
                                f"{e.strerror}") from e

    def run(self, pkt: bytes, repeat: int = 1) -> tuple[int, bytes]:
        """Run the program on 'pkt'; return (return value, packet bytes afterwards).

        With 'repeat' > 1 the kernel runs it that many times on the same buffer, so the
        writes of one run are the input of the next; the return value is the last run's.
        """
        retval, _, out = self._test_run(pkt, repeat)
        return retval, out

    def run_timed(self, pkt: bytes, repeat: int) -> float:
        """Mean time of one run on 'pkt' over 'repeat' runs, in ns (kernel's measure, JIT).

        The runs share one buffer (see ``run``): time writers on packets whose rewritten
        form takes the same path, or accept that later runs see their own output.
        """
        _, duration, _ = self._test_run(pkt, repeat)
        return float(duration)

    def info(self) -> dict[str, Any]:
        """bpftool's description of the loaded program (bytes_xlated, bytes_jited, map_ids...)."""
        return _bpftool_json(["prog", "show", "pinned", str(self.pin)])

    def maps(self) -> dict[str, dict[str, Any]]:
        """The program's maps by name: bpftool's description (type, bytes_key, max_entries...)."""
        if not self.map_dir.exists():
            return {}
        return {p.name: _bpftool_json(["map", "show", "pinned", str(p)])
                for p in sorted(self.map_dir.iterdir())}

    def _map_pin(self, name: str) -> Path:
        path = self.map_dir / name
        if not path.exists():
            known = sorted(p.name for p in self.map_dir.iterdir()) if self.map_dir.exists() else []
            raise ExtbenchError(f"{self.obj}: no map '{name}' (maps: {', '.join(known) or 'none'})")
        return path

    def dump_map(self, name: str) -> list[tuple[bytes, bytes]]:
        """Every (key, value) of map 'name', as raw bytes (see dump_percpu_map)."""
        entries = _bpftool_json(["map", "dump", "pinned", str(self._map_pin(name))]) or []
        if any("values" in e for e in entries):
            raise ExtbenchError(f"{self.obj}: map '{name}' is per-CPU: use dump_percpu_map")
        return [(_hex_bytes(e["key"]), _hex_bytes(e["value"])) for e in entries]

    def dump_percpu_map(self, name: str) -> list[tuple[bytes, list[bytes]]]:
        """Every (key, [value of CPU 0, CPU 1, ...]) of the per-CPU map 'name'."""
        entries = _bpftool_json(["map", "dump", "pinned", str(self._map_pin(name))]) or []
        out = []
        for e in entries:
            if "values" not in e:
                raise ExtbenchError(f"{self.obj}: map '{name}' is not per-CPU")
            values = sorted(e["values"], key=lambda v: v["cpu"])
            out.append((_hex_bytes(e["key"]), [_hex_bytes(v["value"]) for v in values]))
        return out

    def update_map(self, name: str, key: bytes, value: bytes) -> None:
        """Set 'key' to 'value' in map 'name' (create or replace)."""
        _bpftool_json(["map", "update", "pinned", str(self._map_pin(name)),
                       "key", "hex", *[f"{b:02x}" for b in key],
                       "value", "hex", *[f"{b:02x}" for b in value]])


def stale_pins() -> list[Path]:
    """Pins under /sys/fs/bpf left by processes of this project that no longer run."""
    stale = []
    for p in BPFFS.glob(f"{PREFIX}-*"):
        m = re.search(r"-(\d+)-\d+$", p.name)
        if m and not Path(f"/proc/{m.group(1)}").exists():
            stale.append(p)
    return stale
