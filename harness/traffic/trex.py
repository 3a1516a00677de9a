"""The TRex engine: the same profiles and Engine interface on a real TRex server.

The streams a profile compiles to (``STLStream.to_json()``, see ``profile``) are what a
TRex server receives, so this engine hands them to the server unchanged through the TRex
client's ``STLClient``: reset the ports, add the streams to the sender's port, clear the
counters, start at the requested rate for the requested time, wait, read the counters.
Packets are counted by TRex's ports (``opackets`` at the sender, ``ipackets`` at each
receiver), and, when asked, one-way latency is measured by a TRex latency stream
(``STLFlowLatencyStats``) beside the load.

Which server and ports: constructor options (``get_engine("trex", server="10.1.1.1",
tx_port=0, rx_ports=[1])``), or else the environment: ``EXTBENCH_TREX_SERVER``
(``host`` or ``host:sync_port``) and ``EXTBENCH_TREX_PORTS`` (``0,1``: the sending port,
then the receiving ports in the order of the receiving endpoints). With neither, making
the engine fails with a one-line error. docs/trex.md says how to wire a TRex box to a
switch under test.

The TRex client runs in a child interpreter (this module run as a program), because
importing it swaps in TRex's bundled scapy and PyYAML (as ``trexload`` explains). The
parent sends a job as JSON on the child's stdin and reads TRex's ``get_stats()`` output
as JSON on its stdout; converting that into a result (``port_counts``, ``latency_result``)
needs no server.
"""

import base64
import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence

from harness.errors import ExtbenchError
from harness.traffic import fieldengine, pgstats
from harness.traffic.endpoint import Endpoint
from harness.traffic.engine import Drops, Engine
from harness.traffic.latency import PROBE_PORT
from harness.traffic.profile import CompiledStream

ENV_SERVER = "EXTBENCH_TREX_SERVER"
ENV_PORTS = "EXTBENCH_TREX_PORTS"
SYNC_PORT, ASYNC_PORT = 4501, 4500  # TRex's defaults (trex_cfg.yaml: zmq_rpc_port, zmq_pub_port).
#: Packet group id of the latency stream (the profile's own streams must not use it).
LATENCY_PG_ID = PROBE_PORT
#: Warm-up length when the streams' distinct packets cannot be counted here (s).
FALLBACK_WARMUP_S = 5.0
_ETH_IPV4, _UDP = 0x0800, 17


def parse_server(text: str) -> tuple[str, int]:
    """'host' or 'host:sync_port' → (host, sync_port)."""
    host, sep, port = text.strip().partition(":")
    if sep and (not port.isdigit() or not 0 < int(port) < 65536):
        raise ExtbenchError(f"TRex server '{text}': the port after ':' must be 1..65535")
    if not host:
        raise ExtbenchError(f"TRex server '{text}': no host name or address")
    return host, int(port) if sep else SYNC_PORT


def parse_ports(text: str) -> tuple[int, list[int]]:
    """'0,1[,2…]' → (sending port, [receiving ports])."""
    try:
        ports = [int(p) for p in text.split(",")]
    except ValueError:
        raise ExtbenchError(f"TRex ports '{text}': expected port numbers like 0,1 (the "
                            f"sending port, then the receiving ports)") from None
    if len(ports) < 2:
        raise ExtbenchError(f"TRex ports '{text}': need the sending port and at least one "
                            f"receiving port, like 0,1")
    return ports[0], ports[1:]


def check_ports(tx_port: int, rx_ports: Sequence[int]) -> None:
    """Refuse negative, repeated or missing port numbers."""
    ports = [tx_port, *rx_ports]
    if not rx_ports:
        raise ExtbenchError("TRex engine: no receiving port (rx_ports is empty)")
    if any(not isinstance(p, int) or p < 0 for p in ports):
        raise ExtbenchError(f"TRex engine: port numbers must be integers ≥ 0, got {ports}")
    if len(set(ports)) != len(ports):
        raise ExtbenchError(f"TRex engine: ports {ports} repeat a port (the sending port "
                            f"cannot also receive)")


def trex_mult(rate_pps: float | None, latency_pps: float | None = None) -> str:
    """TRex's ``mult`` for a total load of 'rate_pps' (None: 100 % of the line rate).

    An absolute pps multiplier sets the port's total rate, latency streams included, and
    scales only the other streams (TRex's stream compiler keeps latency streams at their
    own rate), so the latency stream's rate is added for the load to get 'rate_pps'.
    """
    if rate_pps is None:
        return "100%"
    if not rate_pps > 0:
        raise ExtbenchError(f"rate_pps must be positive or None, got {rate_pps}")
    return f"{rate_pps + (latency_pps or 0):.3f}pps"


def latency_packet(template: bytes, port: int = PROBE_PORT) -> bytes:
    """The latency stream's packet: an IPv4/UDP load packet sent to UDP port 'port'.

    Same addresses as the load, so the switch's forwarding flows carry it; the UDP checksum
    is set to 0 (none), which stays valid when TRex writes its latency signature.
    """
    pkt = bytearray(template)
    if len(pkt) < 14 + 20 + 8 or int.from_bytes(pkt[12:14], "big") != _ETH_IPV4:
        raise ExtbenchError("TRex latency stream: the profile's first stream is not IPv4 "
                            "over Ethernet (without VLAN)")
    l4 = 14 + (pkt[14] & 0x0F) * 4
    if pkt[14 + 9] != _UDP or len(pkt) < l4 + 8:
        raise ExtbenchError("TRex latency stream: the profile's first stream is not UDP")
    pkt[l4 + 2:l4 + 4] = port.to_bytes(2, "big")
    pkt[l4 + 6:l4 + 8] = b"\0\0"
    return bytes(pkt)


def warmup_seconds(streams: Sequence[CompiledStream], rate_pps: float) -> float:
    """How long sending at 'rate_pps' takes to send every distinct packet of every stream.

    The total rate is split in proportion to the streams' rates, as TRex's multiplier does;
    FALLBACK_WARMUP_S when a stream's rate or field-engine program is unknown here.
    """
    enabled = [s for s in streams if s.json.get("enabled", True)]
    if not enabled or any(s.pps is None for s in enabled):
        return FALLBACK_WARMUP_S
    total = sum(s.pps for s in enabled)
    try:
        periods = [fieldengine.Program(len(s.packet), s.instructions, s.vm,
                                       s.json.get("random_seed", 0)).period()
                   if s.instructions else 1 for s in enabled]
    except ExtbenchError:
        return FALLBACK_WARMUP_S
    return max(n / (rate_pps * s.pps / total) for n, s in zip(periods, enabled, strict=True))


def _key(d: Mapping, key):
    """d[key], also when a JSON round trip made the integer key a string."""
    if key in d:
        return d[key]
    if str(key) in d:
        return d[str(key)]
    raise KeyError(key)


def _number(value) -> float | None:
    """A counter or figure from TRex, None where TRex says 'N/A' (StatNotAvailable)."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def port_counts(stats: Mapping, tx_port: int, rx_ports: Sequence[int]) -> tuple[int, list[int]]:
    """(packets sent by 'tx_port', [packets received by each of 'rx_ports']) from get_stats().

    Port counters are relative to the last clear_stats() (the client subtracts its
    reference), as ``PortStats.to_dict`` in the TRex client returns them.
    """
    try:
        tx = _key(stats, tx_port)["opackets"]
        rx = [_key(stats, p)["ipackets"] for p in rx_ports]
    except KeyError as e:
        raise ExtbenchError(f"TRex statistics have no counters for port {e}") from None
    return int(tx), [int(n) for n in rx]


def port_errors(stats: Mapping, tx_port: int, rx_ports: Sequence[int]) -> Drops:
    """Packets TRex's ports failed to send ('oerrors') or dropped on receipt ('ierrors')."""
    try:
        sender = _number(_key(stats, tx_port).get("oerrors")) or 0
        receiver = sum(_number(_key(stats, p).get("ierrors")) or 0 for p in rx_ports)
    except KeyError as e:
        raise ExtbenchError(f"TRex statistics have no counters for port {e}") from None
    return Drops(sender=int(sender), receiver=int(receiver))


def _bucket_top(key: int) -> int:
    """Upper edge of a TRex latency histogram bucket (µs): [0,10), [10,20) … [100,200) …"""
    return 10 if key == 0 else key + 10 ** (len(str(key)) - 1)


def histogram_percentile(histogram: Mapping, q: float) -> float | None:
    """The q-th percentile (µs) of a TRex latency histogram, as its bucket's upper edge.

    TRex counts one-way latencies in buckets keyed by their lower edge in µs: 0 holds
    everything under 10 µs, then 10, 20, … 90 (10 µs wide), 100, 200, … (100 µs wide) and
    so on (CTimeHistogram in TRex's src/time_histogram.cpp). The figure is an upper bound
    with the bucket's resolution.
    """
    counts = sorted((int(k), int(v)) for k, v in histogram.items() if int(v) > 0)
    total = sum(v for _, v in counts)
    if not total:
        return None
    seen = 0
    for key, n in counts:
        seen += n
        if seen >= q / 100.0 * total:
            return float(_bucket_top(key))
    return float(_bucket_top(counts[-1][0]))


def latency_result(stats: Mapping, pg_id: int, pps: float) -> dict:
    """The record's latency fields from get_stats()['latency'] and ['flow_stats'] of 'pg_id'.

    min and max are TRex's (total_min, total_max; None where the server does not report
    them), p50 and p99 come from the histogram (upper bucket edges, capped at the max);
    probes sent and received are the latency stream's flow counters.
    """
    try:
        lat = _key(_key(stats["latency"], pg_id), "latency")
        flow = _key(stats["flow_stats"], pg_id)
    except KeyError:
        raise ExtbenchError(f"TRex statistics have no latency stream {pg_id}") from None
    sent = int(_key(flow["tx_pkts"], "total"))
    received = int(_key(flow["rx_pkts"], "total"))
    histogram = lat.get("histogram", {})
    top = _number(lat.get("total_max"))
    p50, p99 = (histogram_percentile(histogram, q) for q in (50, 99))
    if top is not None:
        p50, p99 = (None if p is None else min(p, float(top)) for p in (p50, p99))
    low = _number(lat.get("total_min"))
    return {"lat_probes_sent": sent, "lat_probes_received": received,
            "lat_probes_lost": sent - received,
            "lat_samples": sum(int(v) for v in histogram.values()),
            "lat_min_us": None if low is None else float(low), "lat_p50_us": p50,
            "lat_p99_us": p99, "lat_max_us": None if top is None else float(top),
            "lat_pps": pps}


class TrexPort:
    """A TRex port as an endpoint: it names the port in results and runs no programs.

    port: TRex port number; name: label in results (default trex-port-<port>)
    """

    def __init__(self, port: int, name: str | None = None, mac: str = "",
                 ip: str | None = None):
        self.port, self.intf = port, f"trex-port-{port}"
        self.name, self.mac, self.ip = name or self.intf, mac, ip

    def popen(self, argv: Sequence[str], **kwargs) -> subprocess.Popen:
        """A TRex port has no namespace to run programs in."""
        raise ExtbenchError(f"{self.intf}: a TRex port runs no programs")

    def run(self, argv: Sequence[str]) -> str:
        """A TRex port has no namespace to run programs in."""
        raise ExtbenchError(f"{self.intf}: a TRex port runs no programs")


class TrexEngine(Engine):
    """Sends a profile's streams from a TRex server's port and counts with TRex's counters.

    server: host or 'host:sync_port' (default: $EXTBENCH_TREX_SERVER)
    tx_port, rx_ports: TRex port numbers; the receiving endpoints of a run map to rx_ports
        in order (default: $EXTBENCH_TREX_PORTS, else 0 and [1])
    latency_pps: rate of a TRex latency stream beside the load (None: no latency stream);
        after a run, ``latency`` holds its record fields
    drain_s: wait after sending stops before reading the counters (s)
    promiscuous: put the receiving ports in promiscuous mode, so they count every packet
        whatever its destination MAC address
    """

    name = "trex"

    def __init__(self, server: str | None = None, tx_port: int | None = None,
                 rx_ports: Sequence[int] | None = None, latency_pps: float | None = None,
                 async_port: int = ASYNC_PORT, drain_s: float = 0.5,
                 promiscuous: bool = True, timeout_s: float = 120.0):
        server = server or os.environ.get(ENV_SERVER, "")
        if not server:
            raise ExtbenchError(f"engine trex: no TRex server configured (set {ENV_SERVER}="
                                f"host[:port] or pass server=)")
        self.host, self.sync_port = parse_server(server)
        if tx_port is None or rx_ports is None:
            env_tx, env_rx = parse_ports(os.environ.get(ENV_PORTS, "0,1"))
            tx_port = env_tx if tx_port is None else tx_port
            rx_ports = env_rx if rx_ports is None else rx_ports
        check_ports(tx_port, list(rx_ports))
        if latency_pps is not None and not 0 < latency_pps <= 1_000_000:
            raise ExtbenchError(f"engine trex: latency_pps must be in (0, 1000000], got "
                                f"{latency_pps}")
        self.tx_port, self.rx_ports = tx_port, list(rx_ports)
        self.latency_pps, self.async_port = latency_pps, async_port
        self.drain_s, self.promiscuous, self.timeout_s = drain_s, promiscuous, timeout_s
        self.latency: dict | None = None
        self._child: subprocess.Popen | None = None

    def job(self, action: str, mult: str, duration_s: float, latency: bool) -> dict:
        """The child's instructions for one run."""
        lat = None
        if latency and self.latency_pps:
            template = next(s.packet for s in self.streams if s.json.get("enabled", True))
            lat = {"pps": self.latency_pps, "pg_id": LATENCY_PG_ID,
                   "packet": base64.b64encode(latency_packet(template)).decode()}
        return {"action": action, "server": self.host, "sync_port": self.sync_port,
                "async_port": self.async_port, "tx_port": self.tx_port,
                "rx_ports": self.rx_ports, "streams": [s.json for s in self.streams],
                "latency": lat, "mult": mult, "duration_s": duration_s,
                "drain_s": self.drain_s, "promiscuous": self.promiscuous}

    def _prepare(self, streams: list[CompiledStream], tx: Endpoint, rx: list[Endpoint]) -> None:
        if len(rx) != len(self.rx_ports):
            raise ExtbenchError(f"engine trex: {len(rx)} receiving endpoints for "
                                f"{len(self.rx_ports)} receiving ports {self.rx_ports}")
        for ep, port in zip([tx, *rx], [self.tx_port, *self.rx_ports], strict=True):
            if isinstance(ep, TrexPort) and ep.port != port:
                raise ExtbenchError(f"engine trex: endpoint {ep.name} is port {ep.port}, but "
                                    f"the engine uses port {port} in its place")
        used = {s.json.get("flow_stats", {}).get("stream_id") for s in streams
                if s.json.get("flow_stats", {}).get("enabled")}
        if self.latency_pps and LATENCY_PG_ID in used:
            raise ExtbenchError(f"engine trex: the profile uses packet group {LATENCY_PG_ID}, "
                                f"reserved for the latency stream")
        self.streams, self.tx, self.rx = streams, tx, rx
        self.groups = pgstats.groups(streams)
        self.latency, self.pg_stats = None, {}

    def _spawn(self, job: dict) -> None:
        """Start the child and give it the job (one line of JSON): it starts at once."""
        self._child = subprocess.Popen([sys.executable, "-m", "harness.traffic.trex"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True,
                                       start_new_session=True)
        self._child.stdin.write(json.dumps(job) + "\n")
        self._child.stdin.flush()

    def _finish(self, timeout_s: float) -> dict:
        """Wait for the child's answer."""
        try:
            out, err = self._child.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise ExtbenchError(f"TRex at {self.host}: no answer within "
                                f"{timeout_s:.0f} s") from None
        return _answer(out, err, self._child.returncode, self.host)

    def _start(self, rate_pps: float | None, duration_s: float) -> None:
        self._spawn(self.job("run", trex_mult(rate_pps, self.latency_pps), duration_s, True))

    def _wait(self, rate_pps: float | None, duration_s: float) -> float:
        self._stats = self._finish(duration_s + self.timeout_s)["stats"]
        # TRex's data path stops sending after exactly the requested duration.
        return duration_s

    def _stop(self) -> None:
        p, self._child = self._child, None
        if p is None or p.poll() is not None:
            return
        # SIGTERM makes the child stop the traffic and release the ports.
        for sig, wait in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError):
                p.send_signal(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.communicate(timeout=wait)
                return

    def _collect(self) -> tuple[int, dict[str, int]]:
        tx, rx = port_counts(self._stats, self.tx_port, self.rx_ports)
        if self.latency_pps:
            self.latency = latency_result(self._stats, LATENCY_PG_ID, self.latency_pps)
        # The profile's own packet groups, as get_stats() reports them (keys: pg_id).
        self.pg_stats = pgstats.record(self._stats, self.groups) if self.groups else {}
        return tx, {ep.name: n for ep, n in zip(self.rx, rx, strict=True)}

    def _drops(self) -> Drops:
        return port_errors(self._stats, self.tx_port, self.rx_ports)

    def _warmup(self, rate_pps: float) -> None:
        seconds = math.ceil(warmup_seconds(self.streams, rate_pps) * 1.2 + 0.5)
        self._spawn(self.job("run", trex_mult(rate_pps), seconds, False))
        self._finish(seconds + self.timeout_s)


def _answer(out: str, err: str, rc: int, host: str) -> dict:
    """The child's JSON answer; ExtbenchError with its one-line error otherwise."""
    try:
        answer = json.loads(out.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        tail = (err.strip().splitlines() or ["no output"])[-1]
        raise ExtbenchError(f"TRex client for {host} failed (exit {rc}): {tail}") from None
    if "error" in answer:
        raise ExtbenchError(f"TRex at {host}: {answer['error']}")
    return answer


# The child: ``python -m harness.traffic.trex`` reads a job on stdin, prints JSON on stdout.

def _streams(job: dict, api) -> list:
    """The job's streams as the TRex client's STLStream objects, latency stream last."""
    streams = [api.STLStream.from_json(j) for j in job["streams"]]
    lat = job.get("latency")
    if lat:
        streams.append(api.STLStream(
            name="xb-latency",
            packet=api.STLPktBuilder(pkt_buffer=base64.b64decode(lat["packet"])),
            mode=api.STLTXCont(pps=lat["pps"]),
            flow_stats=api.STLFlowLatencyStats(pg_id=lat["pg_id"])))
    return streams


def _run(job: dict, api) -> dict:
    """Connect, send the job's streams, and return get_stats() after the run."""
    tx, rx = job["tx_port"], job["rx_ports"]
    ports = [tx, *rx]
    c = api.STLClient(server=job["server"], sync_port=job["sync_port"],
                      async_port=job["async_port"], verbose_level="error")
    try:
        c.connect()
        c.reset(ports=ports)
        if job["promiscuous"]:
            c.set_port_attr(ports=rx, promiscuous=True)
        c.add_streams(_streams(job, api), ports=[tx])
        c.clear_stats(ports=ports)
        start = time.monotonic()
        c.start(ports=[tx], mult=job["mult"], duration=job["duration_s"])
        while c.is_traffic_active(ports=[tx]):
            if time.monotonic() - start > job["duration_s"] + 30:
                raise api.TRexError(f"port {tx} still sends {job['duration_s'] + 30:.0f} s "
                                    f"after start")
            time.sleep(0.5)
            # Each reading folds the last interval's maximum latency into total_max.
            if job.get("latency"):
                c.get_stats(ports=ports)
        c.wait_on_traffic(ports=[tx], rx_delay_ms=int(job["drain_s"] * 1000))
        time.sleep(job["drain_s"])
        return c.get_stats(ports=ports)
    finally:
        c.disconnect()


def child_main() -> int:
    """Run the job read from stdin; print {"stats": …}, {"streams": …} or {"error": …}."""
    job = json.loads(sys.stdin.readline())

    def _terminate(*_):
        raise SystemExit(143)
    signal.signal(signal.SIGTERM, _terminate)
    import lbr_trex_client  # noqa: F401  (puts the trex package on sys.path)
    from trex.stl import api
    from trex.utils.parsing_opts import decode_multiplier

    out = sys.stdout
    try:
        # The TRex client prints; only the JSON answer goes to stdout.
        with contextlib.redirect_stdout(sys.stderr):
            if job["action"] == "compile":
                # Build what the server would receive, without a server.
                answer = {"streams": [s.to_json() for s in _streams(job, api)],
                          "mult": decode_multiplier(job["mult"])}
            else:
                answer = {"stats": _run(job, api)}
    except api.TRexError as e:
        answer = {"error": " ".join(str(e).split())}
    print(json.dumps(answer, default=str), file=out)
    return 2 if "error" in answer else 0


if __name__ == "__main__":
    sys.exit(child_main())
