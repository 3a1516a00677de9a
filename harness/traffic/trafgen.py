"""netsniff-ng's trafgen as a sender: its packet configuration and its process.

trafgen (0.6.8) reads a packet configuration: one ``{ 0x.., 0x.., … }`` block per packet,
sent round robin in file order by a single worker (``--cpus 1``, which forks the worker:
the whole process group is signalled); ``--num`` stops after N packets. Unpaced, it
fills a TX_RING as fast as it can, bypassing the qdisc layer. Paced (see ``pacing``), it
sends one packet per ``sendto`` through the qdisc layer (``--qdisc-path --gap 0``). Options
that would change the machine's settings (socket memory sysctls, IRQ affinity) are off.
"""

import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterable

from harness import PREFIX
from harness.errors import CommandError, ExtbenchError
from harness.traffic.endpoint import Endpoint

_HEX = [f"0x{i:02x}" for i in range(256)]
_RUNNING = "Running!"


def check() -> str:
    """The trafgen binary's path; ExtbenchError with the remedy if it is missing."""
    path = shutil.which("trafgen")
    if not path:
        raise ExtbenchError("trafgen not found: install netsniff-ng (bash scripts/setup.sh)")
    return path


def write_config(packets: Iterable[bytes]) -> str:
    """Write a trafgen configuration of 'packets' to a new temporary file; return its path."""
    fd, path = tempfile.mkstemp(prefix=f"{PREFIX}-trafgen-", suffix=".cfg")
    with os.fdopen(fd, "w") as f:
        for pkt in packets:
            f.write("{" + ",".join(map(_HEX.__getitem__, pkt)) + "}\n")
    return path


def argv(config: str, dev: str, paced: bool = False, count: int | None = None) -> list[str]:
    """trafgen's command line: send 'config' on 'dev' ('count' packets, or until stopped).

    paced: go through the qdisc layer, where a tbf sets the rate
    """
    cmd = [check(), "--in", config, "--out", dev, "--cpus", "1", "--no-cpu-stats",
           "--no-sock-mem", "--notouch-irq"]
    if paced:
        cmd += ["--qdisc-path", "--gap", "0"]
    if count is not None:
        cmd += ["--num", str(count)]
    return cmd


class Trafgen:
    """One trafgen process in an endpoint's namespace."""

    def __init__(self, endpoint: Endpoint, config: str, paced: bool = False,
                 count: int | None = None):
        self.endpoint = endpoint
        self.argv = argv(config, endpoint.intf, paced, count)
        self.proc: subprocess.Popen | None = None

    def start(self, timeout_s: float = 60.0) -> float:
        """Start trafgen and wait until it sends; return that moment (time.monotonic())."""
        self.proc = self.endpoint.popen(self.argv, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout_s
        seen = b""
        while _RUNNING.encode() not in seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ExtbenchError(f"trafgen did not start sending within {timeout_s:.0f} s")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            chunk = os.read(self.proc.stdout.fileno(), 4096) if ready else b""
            if ready and not chunk:
                self.proc.wait()
                self._raise()
            seen += chunk
        return time.monotonic()

    def wait(self, timeout_s: float) -> bool:
        """Wait up to 'timeout_s' for trafgen to exit by itself; return whether it did."""
        try:
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return False
        if self.proc.returncode != 0:
            self._raise()
        return True

    def stop(self) -> None:
        """Stop trafgen's process group (SIGINT, then SIGKILL); idempotent."""
        if self.proc is None:
            return
        for sig, grace in ((signal.SIGINT, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
        self.proc.communicate()
        self.proc = None

    def _raise(self) -> None:
        err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
        raise CommandError(self.argv, self.proc.returncode, err)
