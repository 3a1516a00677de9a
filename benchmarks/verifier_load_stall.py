"""Does loading a worst-case program stall forwarding on ovs-vswitchd's main thread? (issue 14)

Without Mininet or any kernel device: an ovs-vswitchd of the variant (its own run dir,
``--enable-dummy``) with one bridge on the dummy datapath and two dummy ports whose packets
travel over unix sockets (``options:pstream``: 2-byte length, then the frame). Dummy ports are
not PMD ports, so the main thread receives and forwards them, as it does for ``system`` ports.
A flow sends every packet of p1 to p2. This script sends numbered frames into p1 at a fixed
rate, stamps their arrival at p2, and after ``--load-at`` seconds issues ``bpf/load`` of the
``ids-N`` program of ``benchmarks.verifier_worst_case`` (the one that spends the verifier's
whole budget). The sockets are reliable, so a stall of the main thread shows up as delay, not
loss. Prints the load's wall time and outcome, and the one-way delay (median, 99th percentile,
maximum) of the packets sent before, during and after the load. Usage:

    .venv/bin/python -m benchmarks.verifier_load_stall [--variant runtime] [--rate 2000] \
        [--daemon-cpu 1]
"""

import argparse
import socket
import statistics
import struct
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.verifier_worst_case import compile_program, joins
from harness import paths
from harness.errors import ExtbenchError
from harness.ovs.build import check_current
from harness.ovs.daemons import OvsInstance

BRIDGE = "xbvs0"
"""The bridge (dummy datapath: no kernel device)."""
FRAME = bytes.fromhex("ffffffffffff" "020000000001" "88b5")
"""Ethernet header of every frame (local experimental EtherType); a sequence number follows."""


def _connect(path: Path, timeout: float = 10.0) -> socket.socket:
    """Connect to a dummy port's unix socket once ovs-vswitchd listens on it."""
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(str(path))
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise ExtbenchError(f"no dummy port listening on {path}") from None
            time.sleep(0.05)


def _receive(sock: socket.socket, arrivals: dict[int, float], stop: threading.Event) -> None:
    """Record the arrival time of each numbered frame until 'stop'."""
    buf = b""
    sock.settimeout(0.2)
    while not stop.is_set():
        try:
            data = sock.recv(65536)
        except TimeoutError:
            continue
        if not data:
            return
        buf += data
        while len(buf) >= 2 and len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
            n = struct.unpack("!H", buf[:2])[0]
            frame, buf = buf[2:2 + n], buf[2 + n:]
            if frame.startswith(FRAME):
                arrivals[struct.unpack("!I", frame[14:18])[0]] = time.monotonic()


def _delays(sent: dict[int, float], arrivals: dict[int, float], lo: float, hi: float) -> str:
    """Median, 99th percentile and maximum delay (ms) of the frames sent in [lo, hi)."""
    d = sorted(1000 * (arrivals[i] - t) for i, t in sent.items() if lo <= t < hi and i in arrivals)
    lost = sum(1 for i, t in sent.items() if lo <= t < hi and i not in arrivals)
    if not d:
        return "no packets"
    return (f"{len(d)} packets, delay median {statistics.median(d):.2f} ms, p99 "
            f"{d[int(0.99 * (len(d) - 1))]:.2f} ms, max {d[-1]:.2f} ms"
            + (f", {lost} not received" if lost else ""))


def run(variant: str, rate: float, duration: float, load_at: float, size: int,
        cpu: int | None = None) -> None:
    """One measurement ('cpu': pin ovs-vswitchd's threads to it); prints its results."""
    with tempfile.TemporaryDirectory() as d, \
            OvsInstance(variant, vswitchd_args=("--enable-dummy",),
                        cpus={cpu} if cpu is not None else None) as ovs:
        obj = compile_program("worst", joins(size, ids=True), Path(d))
        ovs.vsctl("add-br", BRIDGE, "--", "set", "bridge", BRIDGE, "datapath_type=dummy",
                  "fail-mode=secure")
        for port in ("p1", "p2"):
            ovs.vsctl("add-port", BRIDGE, f"xbv{port}", "--", "set", "interface", f"xbv{port}",
                      "type=dummy", f"ofport_request={port[1]}",
                      f"options:pstream=punix:{ovs.run_dir}/{port}.sock")
        ovs.ofctl("add-flow", BRIDGE, "in_port=1,actions=output:2")
        tx, rx = _connect(ovs.run_dir / "p1.sock"), _connect(ovs.run_dir / "p2.sock")
        sent: dict[int, float] = {}
        arrivals: dict[int, float] = {}
        stop = threading.Event()
        receiver = threading.Thread(target=_receive, args=(rx, arrivals, stop))
        receiver.start()
        load: dict[str, float | str] = {}

        def do_load() -> None:
            load["start"] = time.monotonic()
            try:
                ovs.appctl("bpf/load", BRIDGE, "1", str(obj))
                load["outcome"] = "accepted"
            except ExtbenchError as e:
                load["outcome"] = str(e).split("rejected by the verifier: ")[-1].splitlines()[0]
            load["end"] = time.monotonic()

        loader = threading.Timer(load_at, do_load)
        start = time.monotonic()
        loader.start()
        for i in range(int(rate * duration)):
            due = start + i / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            frame = FRAME + struct.pack("!I", i) + bytes(42)
            sent[i] = time.monotonic()
            tx.sendall(struct.pack("!H", len(frame)) + frame)
        loader.join()
        time.sleep(1.0)
        stop.set()
        receiver.join()
        tx.close()
        rx.close()
        t0, t1 = load["start"], load["end"]
        print(f"{variant}: bpf/load took {t1 - t0:.2f} s: {load['outcome']}")
        for name, lo, hi in (("before", start, t0), ("during", t0, t1),
                             ("after ", t1, float("inf"))):
            print(f"  sent {name} the load: {_delays(sent, arrivals, lo, hi)}")


def main(argv: list[str] | None = None) -> int:
    """Measure each variant in turn."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--variant", nargs="+", default=["runtime"])
    p.add_argument("--rate", type=float, default=2000.0, help="packets per second")
    p.add_argument("--duration", type=float, default=5.0, help="seconds of sending")
    p.add_argument("--load-at", type=float, default=1.5, help="seconds before the load")
    p.add_argument("--size", type=int, default=128, help="tests in the ids-N program")
    p.add_argument("--daemon-cpu", type=int, help="pin every thread of ovs-vswitchd to this "
                   "CPU (the main thread and the loader then share it)")
    a = p.parse_args(argv)
    for variant in a.variant:
        if variant in paths.variant_names():
            check_current(variant)
        run(variant, a.rate, a.duration, a.load_at, a.size, a.daemon_cpu)
    return 0


if __name__ == "__main__":
    sys.exit(main())
