"""Run one DPDK engine process (``engine.c``): start it, send it commands, stop it.

The process is our child in its own process group, named by its EAL ``--file-prefix``
(``xb-dpdk-<pid>-<n>``: the creating process's PID, so ``extbench clean`` can tell a
crashed run's engine). It allocates from hugepages through memfd (``--in-memory``), so it
leaves no hugepage file; its runtime dir (/var/run/dpdk/<prefix>) is removed when it stops.
"""

import itertools
import json
import os
import queue
import subprocess
import tempfile
import threading
from pathlib import Path

from harness.dpdk import FILE_PREFIX, remove_runtime_dir
from harness.dpdk.build import build_engine
from harness.errors import ExtbenchError
from harness.ovs.daemons import stop_process_group

_counter = itertools.count()
#: EAL options of every engine: no PCI scan, memfd memory (needed with virtio-user: one
#: file for all segments), warnings only.
EAL_OPTIONS = ("--no-pci", "--in-memory", "--single-file-segments", "--log-level=warning")


def virtio_user(index: int, socket: str, mac: str | None = None,
                mrg_rxbuf: bool = False) -> str:
    """A virtio-user port whose vhost-user peer (an OVS dpdkvhostuserclient port) connects
    to 'socket'. Mergeable buffers off and 1024-entry rings, as OVS advises for small
    packets (Documentation/topics/dpdk/vhost-user.rst); on ('mrg_rxbuf') for jumbo frames,
    which a receive buffer of one mbuf cannot hold."""
    vdev = (f"net_virtio_user{index},path={socket},server=1,queue_size=1024,"
            f"mrg_rxbuf={int(mrg_rxbuf)},in_order=1")
    return vdev + (f",mac={mac}" if mac else "")


def vhost(index: int, socket: str) -> str:
    """A vhost-user backend port connecting to 'socket' (an engine as another's peer)."""
    return f"net_vhost{index},iface={socket},client=1,queues=1"


class EngineProcess:
    """The engine with one port per vdev (ports numbered in order); a context manager.

    vdevs: EAL --vdev arguments; cpu: the CPU of its only lcore
    ready_timeout_s: how long the EAL may take to probe the ports (virtio-user servers
        wait there for their peers to connect) and the links to come up (s)
    """

    def __init__(self, vdevs: list[str], cpu: int, ready_timeout_s: float = 60.0):
        if not vdevs:
            raise ExtbenchError("the DPDK engine needs at least one port")
        self.vdevs, self.cpu, self.ready_timeout_s = vdevs, cpu, ready_timeout_s
        self.file_prefix = f"{FILE_PREFIX}{os.getpid()}-{next(_counter)}"
        self.proc: subprocess.Popen | None = None
        self.info: dict = {}
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._log = Path(tempfile.mkstemp(prefix=f"{self.file_prefix}-", suffix=".log")[1])

    def argv(self) -> list[str]:
        """The engine's command line."""
        vdevs = [a for v in self.vdevs for a in ("--vdev", v)]
        return [str(build_engine()), "-l", str(self.cpu), f"--file-prefix={self.file_prefix}",
                *EAL_OPTIONS, *vdevs]

    def __enter__(self) -> "EngineProcess":
        argv = self.argv()
        with open(self._log, "w") as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=log, text=True, start_new_session=True)
        threading.Thread(target=self._read_lines, daemon=True).start()
        try:
            self.info = self._reply("start", self.ready_timeout_s)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _read_lines(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _reply(self, what: str, timeout_s: float) -> dict:
        try:
            line = self._lines.get(timeout=timeout_s)
        except queue.Empty:
            raise ExtbenchError(f"DPDK engine: no answer to '{what}' within {timeout_s:.0f} s"
                                f"{self._last_words()}") from None
        if line is None:
            raise ExtbenchError(f"DPDK engine exited during '{what}' "
                                f"(rc={self.proc.wait()}){self._last_words()}")
        reply = json.loads(line)
        if not reply.get("ok"):
            raise ExtbenchError(f"DPDK engine: {what}: {reply.get('error')}")
        return reply

    def _last_words(self) -> str:
        lines = [ln for ln in self._log.read_text(errors="replace").splitlines()
                 if "No free 1048576 kB hugepages" not in ln]
        return f": {' | '.join(lines[-3:])}" if lines else ""

    def send(self, command: str) -> None:
        """Send one command without waiting for its answer (see ``reply``)."""
        if self.proc is None or self.proc.poll() is not None:
            raise ExtbenchError(f"DPDK engine is not running{self._last_words()}")
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def reply(self, command: str, timeout_s: float = 30.0) -> dict:
        """The answer to the command sent last."""
        return self._reply(command.split()[0], timeout_s)

    def call(self, command: str, timeout_s: float = 30.0) -> dict:
        """Send a command and return its answer (a dict; ExtbenchError if it failed)."""
        self.send(command)
        return self.reply(command, timeout_s)

    def __exit__(self, *exc) -> None:
        """Ask the engine to quit (it closes its ports), then stop its process group."""
        if self.proc is not None:
            if self.proc.poll() is None:
                try:
                    self.send("quit")
                    self.proc.wait(timeout=5)
                except (ExtbenchError, OSError, subprocess.TimeoutExpired):
                    pass
            stop_process_group(self.proc)
            for f in (self.proc.stdin, self.proc.stdout):
                if f is not None:
                    try:
                        f.close()
                    except OSError:
                        pass
            self.proc = None
            remove_runtime_dir(self.file_prefix)
        self._log.unlink(missing_ok=True)
