"""Run BPF objects in the Linux kernel: its verifier, BPF_PROG_TEST_RUN and maps.

The kernel is the independent reference for the OVS runtime: the same object loads here as
XDP, so what it returns and leaves in the packet here is what the OVS interpreter must
return and leave, and ``run_timed`` is the baseline for the interpreter's speed::

    with KernelProgram(obj) as kp:
        ret, out = kp.run(pkt_bytes)
        ns = kp.run_timed(pkt_bytes, repeat=100_000)
        entries = kp.dump_map("flows")

An object with several programs is loaded whole (``bpftool prog loadall``: the kernel
verifies every program) and ``KernelProgram(obj, program="name")`` runs the one named.
Every test run runs on the same CPU (the first this process may use), so that maps whose
behaviour depends on the CPU (per-CPU free lists of LRU maps) behave the same from run to
run. Maps are named as the OVS runtime names them: the name in ``.maps``, or the section of
global data (``.data``, ``.bss``; ``.rodata`` is frozen, so bpftool cannot open it and it is
left out). Per-CPU maps are dumped as the OVS runtime dumps them: each value is the sum
of every CPU's value (``percpu_sum``).

Objects are loaded and maps read with bpftool; runs are the bpf(2) system call itself
(BPF_PROG_TEST_RUN on the pinned program), which costs microseconds where a bpftool
process costs milliseconds.

Pins live under ``/sys/fs/bpf/xb-<name>-<pid>-<n>`` (program, or a folder of programs)
and ``xb-maps-<...>`` (its maps) and are removed on exit, even on error. Needs root.
"""

import ctypes
import itertools
import json
import os
import re
import shutil
import struct
import tempfile
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

#: Map types whose values are kernel object ids (a program array holds program ids; OVS's
#: holds its programs' indexes in the object): their contents differ by design.
OBJECT_ID_MAP_TYPES = frozenset({"prog_array"})


def ensure_bpffs() -> None:
    """Mount bpffs on /sys/fs/bpf unless it is mounted; needs root."""
    if os.geteuid() != 0:
        raise ExtbenchError("loading BPF programs into the kernel needs root (run as root)")
    if not os.path.ismount(BPFFS):
        run_checked(["mount", "-t", "bpf", "bpf", str(BPFFS)])


def _bpftool_json(args: list[str], cpu: int | None = None) -> Any:
    """Run 'bpftool -j ARGS' (on CPU 'cpu' if given) and return its parsed JSON; raise
    ExtbenchError on failure."""
    pin = ["taskset", "-c", str(cpu)] if cpu is not None else []
    out, err, rc = run([*pin, BPFTOOL, "-j", *args])
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


def percpu_sum(values: list[bytes]) -> bytes:
    """The sum of per-CPU values as the OVS runtime's bpf/map-dump adds them: as
    little-endian words of the widest size (8, 4, 2 or 1 bytes) that divides the value,
    each wrapping around."""
    if not values:
        return b""
    size = len(values[0])
    width = next(w for w in (8, 4, 2, 1) if size % w == 0)
    out = bytearray(size)
    for pos in range(0, size, width):
        total = sum(int.from_bytes(v[pos:pos + width], "little") for v in values)
        out[pos:pos + width] = (total % (1 << (8 * width))).to_bytes(width, "little")
    return bytes(out)


def ovs_map_name(kernel_name: str) -> str:
    """The OVS runtime's name of a map the kernel calls 'kernel_name': global data maps
    ("obj.data", ".rodata.str1.1") are named after their section, others as declared."""
    return kernel_name[kernel_name.index("."):] if "." in kernel_name else kernel_name


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
        program: the program to run, if the object holds several (its function's name)."""
        self.obj = Path(obj)
        self.program = program
        label = re.sub(r"[^A-Za-z0-9_-]", "-", name or self.obj.stem)
        tag = f"{label}-{os.getpid()}-{next(_seq)}"
        self.prog_dir = BPFFS / f"{PREFIX}-{tag}"
        self.pin = self.prog_dir / program if program else self.prog_dir
        self.map_dir = BPFFS / f"{PREFIX}-maps-{tag}"
        self._tmp: Path | None = None
        self._pins: dict[str, Path] = {}
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
        self._tmp = Path(tempfile.mkdtemp(prefix=f"{PREFIX}-kprog-"))
        cmd = ["prog", "loadall" if self.program else "load", str(self.obj),
               str(self.prog_dir), "type", "xdp", "pinmaps", str(self.map_dir)]
        _, err, rc = run([BPFTOOL, *cmd])
        if rc == 0 and self.pin.exists():
            return
        if rc == 0:
            names = sorted(p.name for p in self.prog_dir.iterdir())
            self.close()
            raise ExtbenchError(f"{self.obj}: no program '{self.program}' (programs: "
                                f"{', '.join(names)})")
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
        for pins in (self.prog_dir, self.map_dir):
            if pins.is_dir():
                for p in pins.iterdir():
                    p.unlink(missing_ok=True)
                pins.rmdir()
            else:
                pins.unlink(missing_ok=True)
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def _test_run(self, pkt: bytes, repeat: int) -> tuple[int, int, bytes]:
        """BPF_PROG_TEST_RUN of 'pkt' 'repeat' times, on the first CPU this process may
        use: return value, mean ns, output."""
        if self._tmp is None:
            raise ExtbenchError(f"{self.obj}: program not loaded")
        if repeat < 1:
            raise ExtbenchError(f"repeat must be at least 1, not {repeat}")
        if self._fd is None:
            self._fd = _obj_get(self.pin)
        cpus = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(cpus)})
        try:
            return _prog_test_run(self._fd, pkt, repeat)
        except OSError as e:
            raise ExtbenchError(f"{self.obj}: BPF_PROG_TEST_RUN of {len(pkt)} bytes failed: "
                                f"{e.strerror}") from e
        finally:
            os.sched_setaffinity(0, cpus)

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
        """The object's maps by OVS's name (see the module's docstring): bpftool's
        description (type, bytes_key, max_entries...)."""
        maps, self._pins = {}, {}
        if not self.map_dir.exists():
            return maps
        for p in sorted(self.map_dir.iterdir()):
            try:
                info = _bpftool_json(["map", "show", "pinned", str(p)])
            except ExtbenchError:
                continue  # A frozen map (.rodata): bpftool cannot open it.
            name = ovs_map_name(info["name"]) if "." in info["name"] else p.name
            maps[name] = info
            self._pins[name] = p
        return maps

    def _map_pin(self, name: str) -> Path:
        if name not in self._pins:
            self.maps()
        if name not in self._pins:
            raise ExtbenchError(f"{self.obj}: no map '{name}' (maps: "
                                f"{', '.join(sorted(self._pins)) or 'none'})")
        return self._pins[name]

    def dump_map(self, name: str) -> list[tuple[bytes, bytes]]:
        """Every (key, value) of map 'name', as raw bytes (per-CPU values summed)."""
        entries = _bpftool_json(["map", "dump", "pinned", str(self._map_pin(name))]) or []
        return [(_hex_bytes(e["key"]),
                 percpu_sum([_hex_bytes(v["value"]) for v in e["values"]])
                 if "values" in e else _hex_bytes(e["value"]))
                for e in entries]

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
