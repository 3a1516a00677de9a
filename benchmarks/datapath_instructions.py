"""Instructions the userspace datapath executes per packet, counted by callgrind.

Throughput on this VM cannot resolve a few percent (identical trials spread 2-3x, and it
has no hardware performance counters). This benchmark counts instead: ovs-vswitchd runs
under ``valgrind --tool=callgrind`` collecting only inside ``dp_netdev_input__`` (the
datapath's input path: miniflow extraction, EMC/SMC/dpcls lookups, oko's filter chain
checks and BPF runs on hits, oko-fold's guard, the actions, up to queueing the packet on
the output port; recirculations and upcalls happen inside it too). The bridge
(``datapath_type=netdev``) has two ports of type ``tap``, polled by the main thread (no
PMD thread, no DPDK); the packets go into port 1 from an AF_PACKET socket on its tap,
``BURST`` at a time while ovs-vswitchd is stopped (SIGSTOP), so that every read of the tap
takes a whole batch of 32 (``BATCH``), as a busy PMD would; the kernel's side of the taps
is outside the counted function. Each burst must come out of port 2 (the kernel's rx
counter of its tap) as the extension's metadata says before the next goes in. (Not
netdev-dummy: its receive queue yields one packet per poll, batches of 1, which would
charge each packet with the per-batch work that a PMD shares among 32.) The packets carry
a destination MAC that no local device has, so the kernel drops what comes out of port 2,
and the taps take no IPv6 (no router solicitations into the counted traffic).

Per configuration (variant × extension × cache), with the trials' own flows and programs
(``harness.trial.install_switch``, p2p, profile udp_flows): the distinct packets are sent
once (first-packet upcalls: the dump of this pass gives the instructions of
``dp_netdev_upcall`` and ``dp_netdev_flow_add`` per upcall, translation included), once
more (the caches settle: with ``emc1`` every flow is in the EMC), then the counters are
zeroed and ``--packets`` packets are sent over the same flows; their dump divided by the
packets is the result. The datapath must see every counted packet and no upcall in the
counted pass (else it is an error). Ratios are to vanilla without extension under the
same cache configuration, measured in the same run.

What it does not count: cycles. Instructions are deterministic for a given code path,
but cache misses, branch mispredictions and memory stalls are not instructions, so a
variant that touches more memory per packet costs more than its ratio says; receive,
send and polling are outside the counted function. Valgrind emulates the CPU (code that
picks an implementation by CPUID, such as OVS's AVX-512 dpcls and miniflow routines, runs
its generic version); the BPF JIT's code is counted as executed (``[anonymous code: JIT]``).

Needs root (taps, SIGSTOP of the daemon), the testbed lock (it runs OVS daemons),
valgrind (callgrind_control, callgrind_annotate) and the variants built. Usage:

    .venv/bin/python -m benchmarks.datapath_instructions [--packets 10000] [--flows 1000]
        [--configs vanilla:none oko:port_filter-chain10 ...] [--caches emc1 megaflow]
        [--bpf-jit true|false|checked] [--functions 12] [--json]
"""

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from harness import PREFIX, callgrind
from harness.bpf.ovs import BpfControl
from harness.cache import CacheConfig
from harness.errors import ExtbenchError
from harness.net.topology import make_topology
from harness.ovs import stats
from harness.ovs.daemons import OvsInstance
from harness.placement import NotExpressible
from harness.proc import run_checked
from harness.traffic import local
from harness.traffic.profile import compile_streams
from harness.trial import TrialSpec, bpf_deltas, install_switch, validate

#: fold-chain's chains (config.yaml) at 1 and 10, and vanilla/oko/oko-fold without one.
CONFIGS = ["vanilla:none", "oko:none", "oko-fold:none",
           "oko:port_filter-chain1", "oko-fold:port_filter-chain1",
           "oko:port_filter-chain10", "oko-fold:port_filter-chain10",
           "oko:noop-chain10", "oko-fold:noop-chain10",
           "oko:stateful_fw-chain10", "oko-fold:stateful_fw-chain10"]
#: emc1: every new flow goes into the EMC (a long trial's steady state: each flow is hit
#: often enough to be inserted at OVS's default 1/100); megaflow: no EMC, dpcls serves.
CACHES = ["emc1", "megaflow"]
#: The function whose instructions (callees included) are counted.
FUNCTION = "dp_netdev_input__"
#: An upcall's work in the first pass (handle_packet_upcall is inlined): translation
#: (dp_netdev_upcall, the ofproto upcall callback) and the datapath flow's installation.
UPCALL_FUNCTIONS = ("dp_netdev_upcall", "dp_netdev_flow_add")
#: NETDEV_MAX_BURST: what one read of a port takes at most, one datapath batch.
BATCH = 32
#: Packets sent per stop of ovs-vswitchd (a multiple of BATCH, below the tap's queue of
#: 500 packets).
BURST = 256
BRIDGE = f"{PREFIX}-br0"
#: p2p's hosts (Mininet's addresses) on dummy ports 1 and 2.
HOSTS = {"h1": (1, "10.0.0.1", "02:00:00:00:00:01"), "h2": (2, "10.0.0.2", "02:00:00:00:00:02")}
TOPOLOGY, PROFILE = "p2p", "udp_flows"


@dataclass
class Result:
    """One configuration's counts (instructions per packet over the counted pass)."""

    variant: str
    extension: str
    cache: str
    packets: int
    forwarded: int
    expected_forwarded: int
    instructions: int
    insns_per_pkt: float
    emc_hits: int
    smc_hits: int
    megaflow_hits: int
    megaflows: int
    output_batch: float | None
    bpf_runs_per_pkt: float | None
    warmup_packets: int
    warmup_upcalls: int
    upcall_insns: float | None
    functions_per_pkt: dict[str, float] = field(default_factory=dict)
    ratio_to_vanilla: float | None = None


def parse_config(text: str) -> tuple[str, str]:
    """'VARIANT:EXTENSION' (extension 'none' or NAME[-chainN]) → (variant, extension)."""
    variant, sep, extension = text.partition(":")
    if not sep or not variant or not extension:
        raise ExtbenchError(f"configuration '{text}': expected VARIANT:EXTENSION, e.g. "
                            f"oko-fold:port_filter-chain10 or vanilla:none")
    return variant, extension


def sequence(packets: list[bytes], count: int) -> list[bytes]:
    """'count' packets cycling through 'packets' in order."""
    if not packets or count < 1:
        raise ExtbenchError(f"nothing to send: {len(packets)} distinct packets, count {count}")
    return [packets[i % len(packets)] for i in range(count)]


_OUTPUT_BATCH = re.compile(r"^\s+avg\. packets per output batch:\s+([0-9.]+)", re.M)


def output_batch(pmd_stats: str) -> float | None:
    """The main thread's packets per output batch in ``dpif-netdev/pmd-stats-show`` (32
    when every receive batch of 32 went to one port in one piece), None if absent."""
    m = _OUTPUT_BATCH.search(pmd_stats.split("pmd thread")[0])
    return float(m.group(1)) if m else None


def per_packet(costs: dict[str, int], packets: int, threshold: float = 0.5) -> dict[str, float]:
    """Instructions per packet by function, those of at least 'threshold', largest first."""
    out = {name: cost / packets for name, cost in costs.items() if cost / packets >= threshold}
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def add_ratios(results: list[Result]) -> None:
    """Each result's instructions per packet over vanilla-without-extension's (same cache)."""
    base = {r.cache: r.insns_per_pkt for r in results
            if r.variant == "vanilla" and r.extension == "none"}
    for r in results:
        r.ratio_to_vanilla = r.insns_per_pkt / base[r.cache] if r.cache in base else None


class TapBed:
    """One variant's ovs-vswitchd under callgrind with a bridge of two tap ports and the
    configuration's flows and programs; a context manager (the daemons and, with the
    bridge, the tap devices go on exit)."""

    def __init__(self, spec: TrialSpec, work: Path):
        self.spec, self.work = spec, work
        self.ext = validate(spec)  # Raises NotExpressible.
        self.cache = CacheConfig.parse(spec.cache)
        out = work / "callgrind.out"
        vgdb = work / f"{PREFIX}-vgdb"
        self.ovs = OvsInstance(
            spec.variant, wrapper=callgrind.wrapper(out, FUNCTION, vgdb), start_timeout_s=180,
            # Nothing expires while valgrind slows the daemon down.
            other_config={"bpf-jit": spec.bpf_jit, "max-idle": "3600000",
                          **self.cache.other_config()})
        self.out, self.vgdb = out, vgdb
        self.sock: socket.socket | None = None

    def __enter__(self) -> "TapBed":
        ovs = self.ovs.start()
        try:
            self.control = callgrind.Control(ovs.pid(), self.out, self.vgdb)
            ovs.add_bridge(BRIDGE)
            quiet(BRIDGE)
            for host, (port, _, _) in HOSTS.items():
                name = port_name(host)
                ovs.vsctl("add-port", BRIDGE, name, "--", "set", "interface", name,
                          "type=tap", f"ofport_request={port}")
                quiet(name)
                run_checked(["ip", "link", "set", name, "up"])
            for command in self.cache.appctl_commands():
                ovs.appctl(*command)
            self.bpf = BpfControl(ovs)
            install_switch(ovs, self.bpf, BRIDGE, {h: p for h, (p, _, _) in HOSTS.items()},
                           {h: ip for h, (_, ip, _) in HOSTS.items()}, self.ext)
            self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            self.sock.bind((port_name("h1"), 0))
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.sock is not None:
            self.sock.close()
        self.ovs.stop()

    def packets(self) -> list[bytes]:
        """The profile's distinct packets, in the order the local engine sends them."""
        streams = compile_streams(PROFILE, self.spec.tunables(HOSTS["h1"][1], HOSTS["h2"][1]))
        return local.cycle(streams, HOSTS["h1"][2], HOSTS["h2"][2])

    def send(self, packets: list[bytes], expected: int, burst: int = BURST) -> int:
        """Send 'packets' into port 1, 'burst' at a time while ovs-vswitchd is stopped, so
        that each read of the tap takes a whole batch; wait for each burst to come out
        of port 2 ('expected' of all of them: fewer if the extension drops some). Returns
        how many came out."""
        assert self.sock is not None
        pid, sent_so_far = self.ovs.pid(), 0
        start = rx_packets(port_name("h2"))
        for i in range(0, len(packets), burst):
            chunk = packets[i:i + burst]
            with stopped(pid):
                for pkt in chunk:
                    self.sock.send(pkt)
            sent_so_far += len(chunk)
            want = expected * sent_so_far // len(packets)
            wait_for_count(port_name("h2"), start + want)
        return rx_packets(port_name("h2")) - start

    def expected(self, sent: int) -> int:
        """What the extension's metadata says port 2 should send of 'sent' packets."""
        if self.ext is None:
            return sent
        use, extension, _ = self.ext
        topo = make_topology(TOPOLOGY)
        traffic = extension.traffic(PROFILE, TOPOLOGY, topo.receivers)
        if traffic is None or "h2" not in traffic["receivers"]:
            raise ExtbenchError(f"extension '{use.name}': its metadata declares no delivery "
                                f"of profile {PROFILE} to h2 on {TOPOLOGY}: cannot check "
                                f"that the counted packets were forwarded")
        return round(traffic["delivered"] * sent)


def port_name(host: str) -> str:
    """The tap port towards 'host'."""
    return f"{PREFIX}-t{HOSTS[host][0]}"


def quiet(dev: str, timeout_s: float = 30.0) -> None:
    """Once tap 'dev' exists, keep the kernel's IPv6 (router solicitations, MLD) off it."""
    path = Path(f"/proc/sys/net/ipv6/conf/{dev}/disable_ipv6")
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        if time.monotonic() > deadline:
            raise ExtbenchError(f"ovs-vswitchd created no device {dev} within {timeout_s:.0f} s")
        time.sleep(0.1)
    path.write_text("1\n")


def rx_packets(dev: str) -> int:
    """Packets the kernel has received on 'dev' (what OVS sent into the tap)."""
    return int(Path(f"/sys/class/net/{dev}/statistics/rx_packets").read_text())


def wait_for_count(dev: str, target: int, timeout_s: float = 120.0) -> None:
    """Wait until 'dev' has received 'target' packets, or stopped receiving short of it
    (the caller's count check then fails)."""
    deadline, last, still = time.monotonic() + timeout_s, -1, 0
    while (now := rx_packets(dev)) < target and time.monotonic() < deadline:
        still = still + 1 if now == last else 0
        if still > 50:  # 5 s without a packet.
            return
        last = now
        time.sleep(0.1)


@contextlib.contextmanager
def stopped(pid: int, timeout_s: float = 10.0):
    """Process 'pid' stopped (SIGSTOP, every thread seen stopped) for the block's length."""
    os.kill(pid, signal.SIGSTOP)
    try:
        deadline = time.monotonic() + timeout_s
        while not all(_state(t) in "tT" for t in Path(f"/proc/{pid}/task").iterdir()):
            if time.monotonic() > deadline:
                raise ExtbenchError(f"process {pid} did not stop within {timeout_s:.0f} s")
            time.sleep(0.001)
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def _state(task: Path) -> str:
    try:
        return (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "T"  # A thread that has gone does not read packets.


def measure(spec: TrialSpec, packets: int, work: Path, function_threshold: float = 0.5
            ) -> Result:
    """Count one configuration (module docstring)."""
    label = f"{spec.variant}:{spec.extension} ({spec.cache})"
    with TapBed(spec, work) as bed:
        ovs, distinct = bed.ovs, bed.packets()
        # Pass 1: the first packet of each datapath flow is an upcall.
        ovs.appctl("dpif-netdev/pmd-stats-clear")
        bed.send(distinct, bed.expected(len(distinct)))
        warm = stats.sum_pmd_stats(ovs.appctl("dpif-netdev/pmd-stats-show"))
        upcall_dump = bed.control.dump()
        # Pass 2: the caches settle (EMC insertions at emc1).
        bed.send(distinct, bed.expected(len(distinct)))
        # The counted pass.
        ovs.appctl("dpif-netdev/pmd-stats-clear")
        bpf_before = bed.bpf.show() if bed.ext else []
        bed.control.zero()
        counted = sequence(distinct, packets)
        forwarded = bed.send(counted, bed.expected(packets))
        dump = bed.control.dump()
        pmd_text = ovs.appctl("dpif-netdev/pmd-stats-show")
        bpf = bpf_deltas(bpf_before, bed.bpf.show() if bed.ext else [])
        megaflows = stats.parse_dp_flow_count(ovs.appctl("dpctl/show", "netdev@ovs-netdev"))
        ovs.check_alive()
        expected = bed.expected(packets)
    pmd = stats.sum_pmd_stats(pmd_text)
    if forwarded != expected:
        raise ExtbenchError(f"{label}: port 2 sent {forwarded} of {packets} counted packets, "
                            f"expected {expected}")
    if pmd["packets"] != packets or pmd["upcalls"] or pmd["failed_upcalls"]:
        raise ExtbenchError(f"{label}: the datapath received {pmd['packets']:.0f} of "
                            f"{packets} counted packets with {pmd['upcalls']:.0f} upcalls "
                            f"({pmd['failed_upcalls']:.0f} failed): not a warm cache")
    total = callgrind.parse_total(dump.read_text(errors="replace"))
    upcalls = int(warm["upcalls"])
    inclusive = callgrind.annotate(upcall_dump, inclusive=True)
    upcall_cost = sum(inclusive.get(f, 0) for f in UPCALL_FUNCTIONS)
    return Result(
        variant=spec.variant, extension=spec.extension or "none", cache=spec.cache,
        packets=packets, forwarded=forwarded, expected_forwarded=expected, instructions=total,
        insns_per_pkt=total / packets, emc_hits=int(pmd["emc_hits"]),
        smc_hits=int(pmd["smc_hits"]), megaflow_hits=int(pmd["megaflow_hits"]),
        megaflows=megaflows, output_batch=output_batch(pmd_text),
        bpf_runs_per_pkt=bpf["bpf_runs"] / packets if bpf["bpf_runs"] is not None else None,
        warmup_packets=len(distinct), warmup_upcalls=upcalls,
        upcall_insns=upcall_cost / upcalls if upcalls and upcall_cost else None,
        functions_per_pkt=per_packet(callgrind.annotate(dump), packets, function_threshold))


def run(configs: list[str], caches: list[str], packets: int, flows: int, pkt_size: int,
        bpf_jit: str, keep: Path | None = None) -> tuple[list[Result], list[str]]:
    """Measure every configuration under every cache; the results and what was skipped."""
    if os.geteuid() != 0:
        raise ExtbenchError("datapath_instructions needs root (tap ports, stopping "
                            "ovs-vswitchd between bursts)")
    results, skipped = [], []
    for cache in caches:
        CacheConfig.parse(cache)
        for text in configs:
            variant, extension = parse_config(text)
            spec = TrialSpec(variant=variant, extension=extension, flows=flows,
                             pkt_size=pkt_size, bpf_jit=bpf_jit, cache=cache,
                             experiment="datapath-instructions")
            work = Path(tempfile.mkdtemp(prefix=f"{PREFIX}-callgrind-", dir=keep))
            try:
                results.append(measure(spec, packets, work))
            except NotExpressible as e:
                skipped.append(f"{text} ({cache}): not expressible: {e}")
            finally:
                if keep is None:
                    for f in work.iterdir():
                        f.unlink()
                    work.rmdir()
            print(f"# {text} ({cache}) done", file=sys.stderr, flush=True)
    add_ratios(results)
    return results, skipped


def function_deltas(result: Result, base: Result, top: int) -> list[tuple[str, float]]:
    """The functions whose instructions per packet differ most from 'base''s."""
    names = set(result.functions_per_pkt) | set(base.functions_per_pkt)
    deltas = [(n, result.functions_per_pkt.get(n, 0.0) - base.functions_per_pkt.get(n, 0.0))
              for n in names]
    return sorted(deltas, key=lambda d: -abs(d[1]))[:top]


def table(results: list[Result], top: int) -> str:
    """The text report."""
    lines = []
    for cache in dict.fromkeys(r.cache for r in results):
        rows = [r for r in results if r.cache == cache]
        lines.append(f"cache {cache}: instructions per packet in {FUNCTION} "
                     f"(callgrind Ir, {rows[0].packets} packets over {rows[0].warmup_packets} "
                     f"distinct packets, batches of {BATCH})")
        lines.append(f"{'configuration':34} {'insns/pkt':>10} {'vs vanilla':>10} "
                     f"{'emc':>6} {'smc':>6} {'dpcls':>6} {'flows':>5} {'bpf/pkt':>7} "
                     f"{'upcalls':>7} {'insns/upcall':>12}")
        for r in rows:
            ratio = f"{r.ratio_to_vanilla:.3f}" if r.ratio_to_vanilla is not None else "-"
            runs = f"{r.bpf_runs_per_pkt:.2f}" if r.bpf_runs_per_pkt is not None else "-"
            up = f"{r.upcall_insns:,.0f}" if r.upcall_insns is not None else "-"
            lines.append(f"{r.variant + ':' + r.extension:34} {r.insns_per_pkt:10.1f} "
                         f"{ratio:>10} {r.emc_hits:6d} {r.smc_hits:6d} {r.megaflow_hits:6d} "
                         f"{r.megaflows:5d} {runs:>7} {r.warmup_upcalls:7d} {up:>12}")
        base = next((r for r in rows if r.variant == "vanilla" and r.extension == "none"),
                    None)
        if top and base is not None:
            for r in rows:
                if r is base:
                    continue
                parts = ", ".join(f"{n} {d:+.1f}" for n, d in function_deltas(r, base, top)
                                  if abs(d) >= 0.5)
                lines.append(f"  {r.variant}:{r.extension} vs vanilla, insns/pkt by "
                             f"function: {parts or 'none differ'}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--configs", nargs="+", default=CONFIGS, metavar="VARIANT:EXTENSION")
    ap.add_argument("--caches", nargs="+", default=CACHES, metavar="CACHE")
    ap.add_argument("--packets", type=int, default=10_000, help="counted packets")
    ap.add_argument("--flows", type=int, default=1000, help="udp_flows' distinct flows")
    ap.add_argument("--pkt-size", type=int, default=64)
    ap.add_argument("--bpf-jit", default="true", choices=("true", "false", "checked"))
    ap.add_argument("--functions", type=int, default=8,
                    help="per configuration, the functions differing most from vanilla")
    ap.add_argument("--keep", type=Path, help="keep the callgrind dumps in this folder")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--out", type=Path, help="also write the results as JSON to this file")
    args = ap.parse_args(argv)
    if args.packets < 1 or args.flows < 1:
        ap.error("--packets and --flows must be at least 1")
    try:
        results, skipped = run(args.configs, args.caches, args.packets, args.flows,
                               args.pkt_size, args.bpf_jit, args.keep)
    except ExtbenchError as e:
        print(f"datapath_instructions: {e}", file=sys.stderr)
        return 1
    doc = json.dumps({"function": FUNCTION, "batch": BATCH, "packets": args.packets,
                      "flows": args.flows, "skipped": skipped,
                      "results": [asdict(r) for r in results]}, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(doc + "\n")
    if args.json:
        print(doc)
    else:
        print(table(results, args.functions))
        for s in skipped:
            print(f"skipped: {s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
