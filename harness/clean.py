"""``extbench clean``: remove what crashed runs left behind, and only that.

Everything the project creates carries the prefix ``xb``: run dirs /tmp/xb-run-<variant>-
<pid>-…, Mininet host shells (``mininet:xbh1``), interfaces (xbs1-eth1, taps of bridges
xbs1), network namespaces (xb-…), bpffs pins (/sys/fs/bpf/xb-…), and for dpdk trials
``xb-dpdk-<pid>-…``: DPDK engine processes (their --file-prefix), their files in /tmp,
DPDK runtime dirs (/var/run/dpdk/xb-dpdk-…), hugepage files and reservations. A leftover
belongs to a crashed run when the process that created it is gone; while any extbench run is alive,
shared things (interfaces, namespaces) are left alone. Processes get SIGTERM, then
SIGKILL, by PID; the sweep is idempotent. Strategies may register more sweepers.
"""

import os
import re
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path

from harness import PREFIX
from harness.dpdk import FILE_PREFIX, RUNTIME_DIR, hugepages
from harness.ovs.daemons import RUN_DIR_PREFIX
from harness.proc import run

RUN_DIR_RE = re.compile(rf"^{RUN_DIR_PREFIX}[\w.]+?-(\d+)-\d+-")
DPDK_RE = re.compile(rf"{FILE_PREFIX}(\d+)-")
#: Where DPDK names things after a --file-prefix: runtime dirs, and hugepage files (none
#: with --in-memory, but a process started without it leaves <prefix>map_N there).
DPDK_DIRS = (RUNTIME_DIR, Path("/dev/hugepages"), Path("/tmp"))
SWEEPERS: list[Callable[[bool], list[str]]] = []


def register_sweeper(fn: Callable[[bool], list[str]]) -> Callable[[bool], list[str]]:
    """Add a sweeper: fn(any_run_alive) removes its leftovers and returns what it removed."""
    SWEEPERS.append(fn)
    return fn


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def _processes() -> list[tuple[int, int, str]]:
    """(pid, ppid, cmdline) of every process but this one."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit() or int(d.name) == os.getpid():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        out.append((int(d.name), ppid, cmd))
    return out


def _kill(pids: list[int]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        live = [p for p in pids if _alive(p)]
        for p in live:
            try:
                os.kill(p, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 3
        while any(_alive(p) for p in live) and time.monotonic() < deadline:
            time.sleep(0.05)


def stale_run_dirs() -> tuple[list[Path], bool]:
    """Run dirs whose creating process is gone, and whether any run is still alive."""
    stale, alive = [], False
    for d in Path("/tmp").glob(f"{RUN_DIR_PREFIX}*"):
        m = RUN_DIR_RE.match(d.name)
        if not m:
            continue  # Not made by OvsInstance: not ours to judge.
        if _alive(int(m.group(1))):
            alive = True
        else:
            stale.append(d)
    return stale, alive


def clean() -> list[str]:
    """Sweep leftovers of crashed runs; return a line per thing removed."""
    removed: list[str] = []
    stale, alive = stale_run_dirs()
    procs = _processes()
    victims = []
    for pid, ppid, cmd in procs:
        owned_by_stale = any(str(d) in cmd for d in stale)
        orphan_host = f"mininet:{PREFIX}" in cmd and (ppid == 1 or not _alive(ppid))
        m = DPDK_RE.search(cmd)
        orphan_engine = m is not None and not _alive(int(m.group(1)))
        if owned_by_stale or orphan_host or orphan_engine:
            victims.append(pid)
            removed.append(f"process {pid}: {cmd.strip()[:100]}")
    _kill(victims)
    for d in stale:
        shutil.rmtree(d, ignore_errors=True)
        removed.append(f"run dir {d}")
    removed += _sweep_dpdk_files() + hugepages.sweep(_alive)
    for fn in SWEEPERS:
        removed += fn(alive)
    if not alive:
        removed += _sweep_links() + _sweep_netns() + _sweep_bpf_pins()
    return removed


def _dpdk_files() -> list[tuple[Path, int]]:
    """DPDK runtime dirs, hugepage files and engine files of ours, with their run's PID."""
    found = []
    for d in DPDK_DIRS:
        for f in d.glob(f"{FILE_PREFIX}*"):
            m = DPDK_RE.match(f.name)
            if m and not hugepages.MARKER_RE.match(f.name):
                found.append((f, int(m.group(1))))
    return found


def _sweep_dpdk_files() -> list[str]:
    removed = []
    for f, pid in _dpdk_files():
        if not _alive(pid):
            if f.is_dir():
                shutil.rmtree(f, ignore_errors=True)
            else:
                f.unlink(missing_ok=True)
            removed.append(f"dpdk file {f}")
    return removed


def _sweep_bpf_pins() -> list[str]:
    pins = sorted(Path("/sys/fs/bpf").glob(f"{PREFIX}-*"))
    for pin in pins:
        if pin.is_dir():
            shutil.rmtree(pin, ignore_errors=True)
        else:
            pin.unlink(missing_ok=True)
    return [f"bpf pin {p}" for p in pins]


def _sweep_links() -> list[str]:
    out, _, _ = run(["ip", "-o", "link", "show"])
    names = {m.group(1) for m in re.finditer(rf"^\d+: ({PREFIX}[\w.-]*?)(?:@\S+)?:", out, re.M)}
    for name in sorted(names):
        run(["ip", "link", "del", name])
    return [f"interface {n}" for n in sorted(names)]


def _sweep_netns() -> list[str]:
    out, _, _ = run(["ip", "netns", "list"])
    names = [line.split()[0] for line in out.splitlines()
             if line.split() and line.split()[0].startswith(f"{PREFIX}-")]
    for name in names:
        pids, _, _ = run(["ip", "netns", "pids", name])
        _kill([int(p) for p in pids.split()])
        run(["ip", "netns", "del", name])
    return [f"netns {n}" for n in names]


def leftovers() -> list[str]:
    """What the project has on this machine now (for tests: should be empty after a run)."""
    found = [f"run dir {d}" for d in Path("/tmp").glob(f"{RUN_DIR_PREFIX}*")
             if RUN_DIR_RE.match(d.name)]
    found += [f"process {pid}: {cmd[:80]}" for pid, _, cmd in _processes()
              if RUN_DIR_PREFIX in cmd or f"mininet:{PREFIX}" in cmd or DPDK_RE.search(cmd)]
    found += [f"dpdk file {f}" for f, _ in _dpdk_files()]
    found += [f"hugepage reservation {m}" for m in
              hugepages.MARKER_DIR.glob(f"{FILE_PREFIX}*-hugepages-*")]
    out, _, _ = run(["ip", "-o", "link", "show"])
    found += [f"interface {m.group(1)}"
              for m in re.finditer(rf"^\d+: ({PREFIX}[\w.-]*?)(?:@\S+)?:", out, re.M)]
    out, _, _ = run(["ip", "netns", "list"])
    found += [f"netns {line.split()[0]}" for line in out.splitlines()
              if line.startswith(f"{PREFIX}-")]
    return found
