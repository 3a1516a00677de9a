"""Latency probe: a low-rate timestamped UDP stream beside the load, timed by the kernel.

Like a TRex latency stream: while an engine sends the load, the sender endpoint also sends
``pps`` probe packets per second (64-byte frames, UDP from and to ``PROBE_PORT``, between
the same IPv4 addresses as the load, so the trial's L3 forwarding flows carry them through
the switch) to the first receiver. Each probe is timed by the kernel at both ends, with
``SO_TIMESTAMPING`` software timestamps: at the sender when the driver transmits it
(``SOF_TIMESTAMPING_TX_SOFTWARE``, read back from the socket's error queue and matched to
the probe by ``SOF_TIMESTAMPING_OPT_ID``), at the receiver when the interface hands it to
the stack (``SOF_TIMESTAMPING_RX_SOFTWARE``). Both ends are namespaces of one machine and
read the same clock (CLOCK_REALTIME), so the difference is the one-way latency.

The two ends are this module run as a program inside each namespace
(``python -m harness.traffic.latency send|recv ...``); each writes what it measured to a
JSON file and stops at a bounded count or duration, or on SIGTERM. ``LatencyProbe`` starts
them (receiver first), stops them in ``finally`` and joins the timestamps by sequence
number. The probes are counted by the interfaces like any other packet, so an engine's
tx/rx counts include them, as TRex's port counters include its latency streams.
"""

import argparse
import contextlib
import json
import math
import os
import random
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping

from harness import PREFIX
from harness.errors import ExtbenchError
from harness.traffic.endpoint import Endpoint

#: UDP port (source and destination) reserved for probes.
PROBE_PORT = 7359
#: Probe payload: magic, run id, sequence number, then padding to a 64-byte frame.
MAGIC = b"XBLP"
HEADER = struct.Struct("!4sII")
PAYLOAD_LEN = 64 - 4 - 14 - 20 - 8  # Frame minus FCS, Ethernet, IPv4 and UDP headers.

# Kernel constants (uapi asm-generic/socket.h, linux/net_tstamp.h, linux/errqueue.h) that
# Python's socket module does not export. SO_TIMESTAMPING is the 64-bit-time variant on
# 64-bit architectures.
SO_TIMESTAMPING = 37
SO_RXQ_OVFL = 40  # Each receive carries the socket's drop count so far (uint32).
SOF_TIMESTAMPING_TX_SOFTWARE = 1 << 1
SOF_TIMESTAMPING_RX_SOFTWARE = 1 << 3
SOF_TIMESTAMPING_SOFTWARE = 1 << 4
SOF_TIMESTAMPING_OPT_ID = 1 << 7
SOF_TIMESTAMPING_OPT_TSONLY = 1 << 11
SO_EE_ORIGIN_TIMESTAMPING = 4
SCM_TSTAMP_SND = 0
_SCM_TIMESTAMPING = struct.Struct("=qqqqqq")  # struct scm_timestamping: 3 timespecs.
_EXTENDED_ERR = struct.Struct("=IBBBBII")  # struct sock_extended_err.
_ANCILLARY = 512
#: How far behind its schedule the sender may fall and still catch up (s); beyond that,
#: the missed probes are not sent, so a stall never becomes a burst.
CATCH_UP_S = 0.01


def pack_probe(run_id: int, seq: int) -> bytes:
    """The payload of probe 'seq' of run 'run_id'."""
    return HEADER.pack(MAGIC, run_id, seq).ljust(PAYLOAD_LEN, b"\0")


def unpack_probe(payload: bytes, run_id: int) -> int | None:
    """The sequence number of a probe of run 'run_id', or None for any other payload."""
    if len(payload) < HEADER.size:
        return None
    magic, rid, seq = HEADER.unpack_from(payload)
    return seq if magic == MAGIC and rid == run_id else None


def software_timestamp(ancdata: list) -> int | None:
    """The software timestamp (ns, CLOCK_REALTIME) of an SCM_TIMESTAMPING control message."""
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPING:
            sec, nsec = _SCM_TIMESTAMPING.unpack_from(data)[:2]
            return sec * 1_000_000_000 + nsec if sec or nsec else None
    return None


def socket_drops(ancdata: list) -> int | None:
    """The socket's receive-queue drops so far, from an SO_RXQ_OVFL control message."""
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == SO_RXQ_OVFL and len(data) >= 4:
            return struct.unpack_from("=I", data)[0]
    return None


def tx_timestamp_id(ancdata: list) -> int | None:
    """The OPT_ID key of a transmit timestamp read from the error queue, or None."""
    for _, _, data in ancdata:
        if len(data) >= _EXTENDED_ERR.size:
            _, origin, _, _, _, info, key = _EXTENDED_ERR.unpack_from(data)
            if origin == SO_EE_ORIGIN_TIMESTAMPING and info == SCM_TSTAMP_SND:
                return key
    return None


def percentile(sorted_values: list[float], q: float) -> float:
    """The q-th percentile (0..100) of sorted values, interpolated linearly between ranks.

    The same definition as numpy's default and ``statistics.quantiles(method="inclusive")``.
    """
    pos = (len(sorted_values) - 1) * q / 100.0
    low = math.floor(pos)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (pos - low)


def summarize(tx_ns: Mapping[int, int], rx_ns: Mapping[int, int], sent: int) -> dict:
    """The probe's record fields from both ends' timestamps (ns) by sequence number.

    lat_*_us: one-way latency of the probes timed at both ends (µs), None if there are none
    lat_probes_sent / _received / _lost: counted by the sender and the receiver
    lat_samples: probes with both timestamps (what the latency figures describe)
    """
    lat = [(rx_ns[s] - tx_ns[s]) / 1000.0 for s in rx_ns if s in tx_ns]
    return summarize_latencies(lat, sent, len(rx_ns))


def summarize_latencies(lat_us: list[float], sent: int, received: int) -> dict:
    """The probe's record fields from the latencies of the timed probes (µs); see
    ``summarize``."""
    lat = sorted(lat_us)
    out = {"lat_probes_sent": sent, "lat_probes_received": received,
           "lat_probes_lost": sent - received, "lat_samples": len(lat)}
    keys = ("lat_min_us", "lat_p50_us", "lat_p99_us", "lat_max_us")
    if not lat:
        return out | dict.fromkeys(keys)
    return out | dict(zip(keys, (lat[0], percentile(lat, 50), percentile(lat, 99), lat[-1]),
                          strict=True))


class LatencyProbe:
    """Probes from 'tx' to 'rx' at 'pps' while the block runs; ``result()`` after it.

    max_duration_s: the ends stop by themselves after this long (a bound, not the plan)
    drain_s: wait after the sender stops for the last probes to arrive (s)

    After the block, ``ends`` holds what each end wrote ('send', 'recv'): sequence numbers
    ('seq'), kernel timestamps ('ns') and the clock read just before each send or just after
    each receive ('user_ns'), all in ns of CLOCK_REALTIME. ``workdir`` (the ends' result
    files) exists only while the block runs.
    """

    def __init__(self, tx: Endpoint, rx: Endpoint, pps: float = 1000.0,
                 max_duration_s: float = 600.0, port: int = PROBE_PORT, drain_s: float = 0.2):
        if not 0 < pps <= 100_000:
            raise ExtbenchError(f"latency probe rate must be in (0, 100000] pps, got {pps}")
        if not max_duration_s > 0:
            raise ExtbenchError(f"latency probe max_duration_s must be positive, got "
                                f"{max_duration_s}")
        for ep in (tx, rx):
            if not ep.ip:
                raise ExtbenchError(f"latency probe: endpoint {ep.name} ({ep.intf}) has no "
                                    f"IPv4 address")
        self.tx, self.rx, self.pps, self.port = tx, rx, pps, port
        self.max_duration_s, self.drain_s = max_duration_s, drain_s
        self.run_id = random.getrandbits(32)
        self._result: dict | None = None
        self.ends: dict[str, dict] = {}
        self.workdir = ""

    def _argv(self, role: str, out: str) -> list[str]:
        ep = self.tx if role == "send" else self.rx
        argv = [sys.executable, "-m", "harness.traffic.latency", role, "--intf", ep.intf,
                "--port", str(self.port), "--run-id", str(self.run_id), "--out", out,
                "--duration", f"{self.max_duration_s:.3f}"]
        if role == "send":
            argv += ["--dst", self.rx.ip, "--pps", f"{self.pps:g}",
                     "--count", str(math.ceil(self.pps * self.max_duration_s))]
        return argv

    def _start(self, role: str) -> subprocess.Popen:
        ep = self.tx if role == "send" else self.rx
        p = ep.popen(self._argv(role, os.path.join(self.workdir, f"{role}.json")),
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._procs.append(p)
        ready, _, _ = select.select([p.stdout], [], [], 30.0)
        if not ready or p.stdout.readline().strip() != b"ready":
            _stop(p, 1.0)
            err = p.stderr.read().decode(errors="replace").strip().splitlines()
            raise ExtbenchError(f"latency probe: the {role} end in {ep.name} did not start: "
                                f"{err[-1] if err else 'no output within 30 s'}")
        return p

    def __enter__(self) -> "LatencyProbe":
        self.workdir = tempfile.mkdtemp(prefix=f"{PREFIX}-latency-")
        self._procs: list[subprocess.Popen] = []
        try:
            self._start("recv")
            self._start("send")
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            recv, send = self._procs
            _stop(send, 5.0)
            time.sleep(self.drain_s)
            _stop(recv, 5.0)
            if exc_type is None:
                self._result = self._read(send, recv)
        finally:
            self._close()

    def _read(self, send: subprocess.Popen, recv: subprocess.Popen) -> dict:
        ends = {}
        for role, p in (("send", send), ("recv", recv)):
            try:
                with open(os.path.join(self.workdir, f"{role}.json")) as f:
                    ends[role] = json.load(f)
            except (OSError, json.JSONDecodeError):
                err = p.stderr.read().decode(errors="replace").strip().splitlines()
                raise ExtbenchError(f"latency probe: the {role} end wrote no result "
                                    f"(exit {p.returncode}): "
                                    f"{err[-1] if err else 'no message'}") from None
        self.ends = ends
        s, r = ends["send"], ends["recv"]
        result = summarize(dict(zip(s["seq"], s["ns"], strict=True)),
                           dict(zip(r["seq"], r["ns"], strict=True)), s["sent"])
        # Probes the receiving socket's full queue dropped (not lost in the switch).
        return result | {"lat_pps": self.pps, "receiver_socket_drops": r["socket_drops"]}

    def _close(self) -> None:
        for p in self._procs:
            _stop(p, 1.0)
            for f in (p.stdout, p.stderr):
                f.close()
        self._procs = []
        shutil.rmtree(self.workdir, ignore_errors=True)

    def counts_within(self, t0_ns: int, t1_ns: int) -> tuple[int, int]:
        """(probes sent, probes received) between t0_ns and t1_ns (CLOCK_REALTIME).

        For discounting probes from interface counters read at those times. Only probes
        the sender got a transmit timestamp for, and the receiver recognised, are known.
        """
        s, r = self.ends["send"], self.ends["recv"]
        return (sum(t0_ns <= t <= t1_ns for t in s["user_ns"]),
                sum(t0_ns <= t <= t1_ns for t in r["user_ns"]))

    def result(self) -> dict:
        """lat_min/p50/p99/max_us, lat_probes_sent/received/lost, lat_samples, lat_pps,
        receiver_socket_drops."""
        if self._result is None:
            raise ExtbenchError("latency probe: no result (the probed block has not "
                                "completed)")
        return self._result


def _stop(p: subprocess.Popen, timeout_s: float) -> None:
    """Ask an end to stop and write its result (SIGTERM), then SIGKILL; idempotent."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if p.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            p.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(timeout=timeout_s)


# The program run inside the namespaces: ``python -m harness.traffic.latency send|recv``.

class _Stop:
    """Set by SIGTERM or SIGINT: the loop ends and the result is written."""

    def __init__(self):
        self.flag = False
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._set)

    def _set(self, *_):
        self.flag = True


def _socket(intf: str, flags: int) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, intf.encode())
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPING, flags)
    return s


def _drain_errqueue(s: socket.socket, tx_ns: dict[int, int]) -> None:
    """Collect the transmit timestamps waiting in the socket's error queue (key → ns)."""
    while True:
        try:
            _, anc, _, _ = s.recvmsg(0, _ANCILLARY, socket.MSG_ERRQUEUE | socket.MSG_DONTWAIT)
        except BlockingIOError:
            return
        key, ts = tx_timestamp_id(anc), software_timestamp(anc)
        if key is not None and ts is not None:
            tx_ns[key] = ts


def send(a: argparse.Namespace) -> dict:
    """Send probes at a.pps until a.count, a.duration or a signal; return the timestamps."""
    stop = _Stop()
    s = _socket(a.intf, SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE
                | SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY)
    s.bind(("0.0.0.0", a.port))
    s.connect((a.dst, a.port))
    print("ready", flush=True)
    tx_ns: dict[int, int] = {}
    user_ns: list[int] = []  # Clock read just before each successful send.
    sent = errors = 0
    interval = 1.0 / a.pps
    start = due = time.monotonic()
    while not stop.flag and sent < a.count and time.monotonic() - start < a.duration:
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            now = time.time_ns()
            # With OPT_ID the kernel numbers successful sends 0, 1, …: the key is 'sent'.
            s.send(pack_probe(a.run_id, sent))
            user_ns.append(now)
            sent += 1
        except OSError:
            errors += 1
        _drain_errqueue(s, tx_ns)
        due += interval
        # After a stall (a loaded machine), catch up on at most CATCH_UP_S of probes.
        due = max(due, time.monotonic() - CATCH_UP_S)
    deadline = time.monotonic() + 0.5
    while len(tx_ns) < sent and time.monotonic() < deadline:
        time.sleep(0.01)
        _drain_errqueue(s, tx_ns)
    seq = sorted(k for k in tx_ns if k < sent)
    return {"sent": sent, "send_errors": errors, "seq": seq, "ns": [tx_ns[k] for k in seq],
            "user_ns": [user_ns[k] for k in seq]}


def recv(a: argparse.Namespace) -> dict:
    """Receive probes until a.duration or a signal; return their receive timestamps."""
    stop = _Stop()
    s = _socket(a.intf, SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setsockopt(socket.SOL_SOCKET, SO_RXQ_OVFL, 1)
    s.bind(("0.0.0.0", a.port))
    s.settimeout(0.1)
    print("ready", flush=True)
    rx_ns: dict[int, int] = {}
    user_ns: dict[int, int] = {}  # Clock read just after each probe was received.
    duplicates = drops = 0
    start = time.monotonic()
    while not stop.flag and time.monotonic() - start < a.duration:
        try:
            data, anc, _, _ = s.recvmsg(64, _ANCILLARY)
        except TimeoutError:
            continue
        now = time.time_ns()
        drops = socket_drops(anc) or drops
        seq, ts = unpack_probe(data, a.run_id), software_timestamp(anc)
        if seq is None or ts is None:
            continue
        if seq in rx_ns:
            duplicates += 1
        else:
            rx_ns[seq], user_ns[seq] = ts, now
    seq = sorted(rx_ns)
    return {"received": len(seq), "duplicates": duplicates, "socket_drops": drops, "seq": seq,
            "ns": [rx_ns[k] for k in seq], "user_ns": [user_ns[k] for k in seq]}


def main(argv: list[str] | None = None) -> int:
    """Run one end of the probe; write its JSON result to --out."""
    p = argparse.ArgumentParser(prog="python -m harness.traffic.latency",
                                description="One end of extbench's latency probe.")
    p.add_argument("role", choices=["send", "recv"])
    p.add_argument("--intf", required=True, help="interface to send or receive on")
    p.add_argument("--port", type=int, default=PROBE_PORT, help="UDP port of the probes")
    p.add_argument("--run-id", type=int, required=True, help="32-bit id of this probe run")
    p.add_argument("--out", required=True, help="JSON result file")
    p.add_argument("--duration", type=float, required=True, help="stop after this long (s)")
    p.add_argument("--dst", help="receiver's IPv4 address (send)")
    p.add_argument("--pps", type=float, default=1000.0, help="probes per second (send)")
    p.add_argument("--count", type=int, default=1_000_000, help="stop after this many (send)")
    a = p.parse_args(argv)
    if a.role == "send" and not a.dst:
        p.error("send needs --dst")
    result = send(a) if a.role == "send" else recv(a)
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f)
    os.replace(tmp, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
