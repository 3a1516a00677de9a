"""tcpreplay as the local engine's sender: a pcap of the packets, replayed in a loop.

tcpreplay (4.4) preloads the pcap into memory (``--preload-pcap``), loops over it
(``--loop=0``) for ``--duration`` seconds, paced at ``--pps`` or as fast as it can
(``--topspeed``), and prints what it sent. Measured on this project's 2-core machine into a
veth sink (64 B, 100,000 distinct packets): paced at 20,000 and 200,000 pps it sends at
those rates within 0.2 %, one packet at a time; unpaced, 0.7–1.7 Mpps. netsniff-ng's
trafgen was tried first: its ``--rate`` sends each second's packets in one burst (at
20,000 pps, 2,977 of 3,000 packets left back to back), and its configuration parser is
quadratic in the number of packets (65,536 take 10 s to load).
"""

import contextlib
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
from collections.abc import Iterable, Sequence

from harness import PREFIX
from harness.errors import CommandError, ExtbenchError
from harness.traffic.endpoint import Endpoint

_PCAP_HEADER = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)  # Ethernet.
_ACTUAL = re.compile(r"Actual: (\d+) packets .* sent in ([0-9.]+) seconds")
_FAILED = re.compile(r"Failed packets:\s+(\d+)")


def check() -> str:
    """The tcpreplay binary's path; ExtbenchError with the remedy if it is missing."""
    path = shutil.which("tcpreplay")
    if not path:
        raise ExtbenchError("tcpreplay not found: install it (bash scripts/setup.sh)")
    return path


def write_pcap(packets: Iterable[bytes], times: Sequence[float] | None = None) -> str:
    """Write 'packets' to a new temporary pcap file; return its path.

    times: each packet's time (s from the first; µs resolution), replayed with ``timed``
    """
    fd, path = tempfile.mkstemp(prefix=f"{PREFIX}-tcpreplay-", suffix=".pcap")
    with os.fdopen(fd, "wb") as f:
        f.write(_PCAP_HEADER)
        for i, pkt in enumerate(packets):
            us = round(times[i] * 1e6) if times is not None else 0
            f.write(struct.pack("<IIII", us // 1_000_000, us % 1_000_000, len(pkt), len(pkt)))
            f.write(pkt)
    return path


def argv(pcap: str, dev: str, rate_pps: float | None, duration_s: float | None = None,
         loops: int = 0, timed: bool = False) -> list[str]:
    """tcpreplay's command line: replay 'pcap' on 'dev' 'loops' times (0: until duration).

    rate_pps: packets per second, None for as fast as possible
    duration_s: stop after this many seconds (whole seconds or more are honoured)
    timed: send each packet at its pcap timestamp instead (rate_pps is then ignored)
    """
    cmd = [check(), "--intf1", dev, "--preload-pcap", f"--loop={loops}"]
    if not timed:
        cmd += ["--topspeed"] if rate_pps is None else [f"--pps={rate_pps:.3f}"]
    if duration_s is not None:
        cmd += [f"--duration={max(1, round(duration_s))}"]
    return cmd + [pcap]


class Tcpreplay:
    """One tcpreplay process in an endpoint's namespace."""

    def __init__(self, endpoint: Endpoint, argv: list[str]):
        self.endpoint, self.argv = endpoint, argv
        self.proc: subprocess.Popen | None = None
        self.sent: tuple[int, float] | None = None
        #: Packets tcpreplay gave up on (send errors other than retried ENOBUFS/EAGAIN).
        self.failed = 0

    def start(self) -> None:
        """Start sending."""
        self.proc = self.endpoint.popen(self.argv, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)

    def wait(self, timeout_s: float) -> bool:
        """Wait up to 'timeout_s' for tcpreplay to finish; return whether it did."""
        try:
            out, err = self.proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return False
        if self.proc.returncode != 0:
            raise CommandError(self.argv, self.proc.returncode, err or out)
        m = _ACTUAL.search(out)
        self.sent = (int(m.group(1)), float(m.group(2))) if m else None
        failed = _FAILED.search(out)
        self.failed = int(failed.group(1)) if failed else 0
        return True

    def stop(self) -> None:
        """Stop tcpreplay (SIGINT, then SIGKILL); idempotent."""
        if self.proc is None:
            return
        for sig in (signal.SIGINT, signal.SIGKILL):
            if self.proc.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5.0)
        self.proc.communicate()
        self.proc = None
