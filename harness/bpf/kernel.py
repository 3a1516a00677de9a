"""Run BPF objects in the Linux kernel with bpftool: its verifier, BPF_PROG_TEST_RUN and maps.

The kernel is the independent reference for the OVS runtime: the same object loads here as
XDP, so what it returns and leaves in the packet here is what the OVS interpreter must
return and leave, and ``run_timed`` is the baseline for the interpreter's speed::

    with KernelProgram(obj) as kp:
        ret, out = kp.run(pkt_bytes)
        ns = kp.run_timed(pkt_bytes, repeat=100_000)
        entries = kp.dump_map("flows")

Pins live under ``/sys/fs/bpf/xb-<name>-<pid>-<n>`` (program) and ``xb-maps-<...>`` (its
maps) and are removed on exit, even on error. Needs root.
"""

import itertools
import json
import os
import re
import shutil
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


class KernelProgram:
    """A BPF object loaded into the kernel as XDP and pinned; use it as a context manager."""

    def __init__(self, obj: Path | str, name: str | None = None):
        """obj: the ELF object; name: label in the pin names (default: the object's name)."""
        self.obj = Path(obj)
        label = re.sub(r"[^A-Za-z0-9_-]", "-", name or self.obj.stem)
        tag = f"{label}-{os.getpid()}-{next(_seq)}"
        self.pin = BPFFS / f"{PREFIX}-{tag}"
        self.map_dir = BPFFS / f"{PREFIX}-maps-{tag}"
        self._tmp: Path | None = None

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
        cmd = ["prog", "load", str(self.obj), str(self.pin), "type", "xdp",
               "pinmaps", str(self.map_dir)]
        _, err, rc = run([BPFTOOL, *cmd])
        if rc == 0:
            return
        # Load again with libbpf's debug output, which includes the verifier log.
        self.close()
        _, log, _ = run([BPFTOOL, "-d", *cmd])
        self.close()
        tail = "\n".join((log or err).strip().splitlines()[-LOG_TAIL:])
        raise ExtbenchError(f"{self.obj}: the kernel refused to load it:\n{tail}")

    def close(self) -> None:
        """Unpin the program and its maps and remove the scratch files (idempotent)."""
        self.pin.unlink(missing_ok=True)
        if self.map_dir.exists():
            for p in self.map_dir.iterdir():
                p.unlink(missing_ok=True)
            self.map_dir.rmdir()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def _test_run(self, pkt: bytes, repeat: int) -> tuple[dict[str, int], bytes]:
        """BPF_PROG_TEST_RUN of 'pkt' 'repeat' times: bpftool's JSON result and the output."""
        if self._tmp is None:
            raise ExtbenchError(f"{self.obj}: program not loaded")
        if repeat < 1:
            raise ExtbenchError(f"repeat must be at least 1, not {repeat}")
        data_in, data_out = self._tmp / "in.bin", self._tmp / "out.bin"
        data_in.write_bytes(pkt)
        data_out.unlink(missing_ok=True)
        res = _bpftool_json(["prog", "run", "pinned", str(self.pin), "data_in", str(data_in),
                             "data_out", str(data_out), "repeat", str(repeat)])
        return res, data_out.read_bytes()

    def run(self, pkt: bytes, repeat: int = 1) -> tuple[int, bytes]:
        """Run the program on 'pkt'; return (return value, packet bytes afterwards).

        With 'repeat' > 1 the kernel runs it that many times on the same buffer, so the
        writes of one run are the input of the next; the return value is the last run's.
        """
        res, out = self._test_run(pkt, repeat)
        return int(res["retval"]), out

    def run_timed(self, pkt: bytes, repeat: int) -> float:
        """Mean time of one run on 'pkt' over 'repeat' runs, in ns (kernel's measure, JIT).

        The runs share one buffer (see ``run``): time writers on packets whose rewritten
        form takes the same path, or accept that later runs see their own output.
        """
        res, _ = self._test_run(pkt, repeat)
        return float(res["duration"])

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
        """Every (key, value) of map 'name', as raw bytes."""
        entries = _bpftool_json(["map", "dump", "pinned", str(self._map_pin(name))]) or []
        return [(_hex_bytes(e["key"]), _hex_bytes(e["value"])) for e in entries]

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
