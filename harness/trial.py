"""One trial: a variant × topology × profile (× extension) at one offered rate → one record.

Order of work, and its reverse in teardown (which runs on success, error and signals):
start the variant's daemons → build the Mininet network → install the OpenFlow tables →
warm the caches → clear the datapath counters → send and count → read the counters →
stop the network → stop the daemons. Inputs are checked before anything is created.
"""

import contextlib
import itertools
import os
import re
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from harness import PREFIX
from harness.bpf import metadata
from harness.bpf.compile import compile_extension
from harness.bpf.metadata import Extension
from harness.bpf.ovs import BpfControl
from harness.cache import CacheConfig
from harness.dpdk import FILE_PREFIX, hugepages, remove_runtime_dir
from harness.dpdk.build import build_engine
from harness.errors import ExtbenchError
from harness.flows import forwarding_flows
from harness.ndr import search
from harness.net import dpdk as dpdk_net
from harness.net.network import Network
from harness.net.topology import make_topology
from harness.ovs import stats
from harness.ovs.build import check_dpdk_build, manifest_sha256
from harness.ovs.daemons import OvsInstance
from harness.ovs.variant import load_variant
from harness.placement import ExtensionUse, NotExpressible, render, role_on
from harness.proc import run_checked
from harness.provenance import config_hash, provenance
from harness.records import VERSION as RECORD_VERSION
from harness.records import check as check_record
from harness.traffic import get_engine
from harness.traffic.dpdk import DpdkEngine
from harness.traffic.endpoint import MininetEndpoint
from harness.traffic.latency import LatencyProbe
from harness.traffic.local import MIN_FRAME
from harness.traffic.profile import compile_streams

# Log lines that a trial may produce without anything being wrong.
ALLOWED_LOG: tuple[str, ...] = ()
#: With afxdp ports, in a container that may not raise RLIMIT_MEMLOCK, libxdp cannot load
#: its multi-program dispatcher and OVS falls back to loading its own XDP program.
AFXDP_ALLOWED_LOG = (r"netdev_afxdp\|ERR\|setrlimit\(RLIMIT_MEMLOCK\) failed",
                     r"netdev_afxdp\|WARN\|libbpf: ")
#: Port types a trial can give the switches' ports: system (AF_PACKET, kernel), afxdp
#: (a PMD thread, kernel still in the path), dpdk (vhost-user to the DPDK engine, no
#: kernel; harness.net.dpdk).
PORT_TYPES = ("system", "afxdp", "dpdk")
#: With dpdk ports, OVS reports each vhost-user connection and its negotiation at INFO,
#: but a client port that finds no server yet (the engine starts after the ports) and a
#: peer that leaves at teardown are WARN/ERR lines of the vhost library.
DPDK_ALLOWED_LOG = (r"dpdk\|(WARN|ERR)\|VHOST_CONFIG: \(.*\.sock\) "
                    r"(failed to connect|vhost-user client: socket created)",
                    r"dpdk\|(WARN|ERR)\|VHOST_CONFIG: \(.*\.sock\) .*(recvmsg failed|"
                    r"vhost peer closed|Failed to recv msg header)",
                    r"dpdk\|WARN\|EAL: No free 1048576 kB hugepages",
                    r"dpdk\|WARN\|TELEMETRY: No legacy callbacks")
#: Allowed while the testbed is set up, before traffic: the main thread's long poll interval
#: (and its detail lines) when a vhost-user port maps the engine's memory (seen: ~1 s, half
#: of it system time in page faults, in one trial out of a few on this VM).
SETUP_ALLOWED_LOG = (r"timeval\|WARN\|(Unreasonably long \d+ms poll interval|faults: \d+ minor|"
                     r"disk: \d+ reads|context switches: \d+ voluntary)",)
_OVS_PREFIXES = itertools.count()
#: Executors of the BPF runtime (other_config:bpf-jit).
BPF_JIT_MODES = ("true", "false", "checked")
#: How far delivery may be from the expected fraction of the sent packets (loss allowance).
DELIVERY_TOLERANCE = 0.02


@dataclass(frozen=True)
class TrialSpec:
    """What a trial measures. Rates in packets per second, durations in seconds.

    warmup: send every distinct packet once before measuring, so that the measured packets
    hit the caches (False: the first packets of each flow are measured as upcalls)
    experiment: the config experiment that asks for the trial (recorded; None by hand)
    cache: the datapath's cache configuration (harness.cache: a preset such as default,
    all, megaflow, none, or tokens like emc1_smc_mf)
    """

    variant: str
    topology: str = "p2p"
    profile: str = "udp_flows"
    flows: int = 1000
    pkt_size: int = 64
    duration_s: float = 10.0
    rate_pps: float | None = None
    extension: str | None = None
    rep: int = 0
    engine: str = "local"
    port_type: str = "system"
    latency_pps: float | None = None
    warmup: bool = True
    #: The BPF runtime's executor (other_config:bpf-jit): true (JIT code, checks elided
    #: where the verifier proved them), false (the interpreter) or checked (JIT code with
    #: every check); variants without the runtime ignore it.
    bpf_jit: str = "true"
    experiment: str | None = None
    cache: str = "default"
    topology_params: dict = field(default_factory=dict)

    def tunables(self, sender_ip: str, receiver_ip: str) -> dict[str, str]:
        """The profile's tunables for this trial."""
        return {"flows": str(self.flows), "size": str(self.pkt_size), "src": sender_ip,
                "dst": receiver_ip}


def check_prerequisites() -> None:
    """Root is needed for Mininet, network namespaces and the datapath's raw sockets."""
    if os.geteuid() != 0:
        raise ExtbenchError("trials need root (Mininet, network namespaces): run as root")
    for tool in ("ip", "ss"):
        if shutil.which(tool) is None:
            raise ExtbenchError(f"trials need '{tool}' (iproute2): run make setup")


def validate(spec: TrialSpec) -> tuple[ExtensionUse, Extension, str] | None:
    """Fail on bad input before anything is created; return the extension and its role.

    Raises NotExpressible when the variant cannot express the extension.
    """
    variant = load_variant(spec.variant)
    manifest_sha256(spec.variant)
    make_topology(spec.topology, **spec.topology_params)
    get_engine(spec.engine)
    if spec.engine != "local":
        raise ExtbenchError(f"engine '{spec.engine}' sends from physical ports (docs/trex.md); "
                            f"trials in Mininet use the local engine")
    ext = None
    if spec.extension not in (None, "none"):
        use = ExtensionUse.parse(spec.extension)
        extension = metadata.load(use.name)
        ext = use, extension, role_on(variant.extensions, variant.action_options, use,
                                      extension.kind)
    if spec.port_type not in PORT_TYPES:
        raise ExtbenchError(f"unknown port type '{spec.port_type}' (known: "
                            f"{', '.join(PORT_TYPES)})")
    if spec.port_type == "dpdk":
        check_dpdk_build(spec.variant)
        build_engine()
    CacheConfig.parse(spec.cache)
    if spec.bpf_jit not in BPF_JIT_MODES:
        raise ExtbenchError(f"unknown bpf-jit mode '{spec.bpf_jit}' (known: "
                            f"{', '.join(BPF_JIT_MODES)})")
    if spec.flows < 1 or spec.pkt_size < 60 or spec.duration_s <= 0:
        raise ExtbenchError("flows must be ≥ 1, pkt_size ≥ 60 and duration_s > 0")
    if spec.rate_pps is not None and spec.rate_pps <= 0:
        raise ExtbenchError("rate_pps must be positive")
    if spec.latency_pps is not None and not 0 < spec.latency_pps <= 100_000:
        raise ExtbenchError(f"latency_pps must be in (0, 100000], got {spec.latency_pps}")
    return ext


def vswitchd_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def log_problems(log: Path, allowed: tuple[str, ...] = (), setup_end: int = 0) -> list[str]:
    """WARN/ERR/EMER lines of a daemon log that are not explicitly allowed.

    The first 'setup_end' characters are the set-up's, before any packet was sent: there the
    main thread's long poll intervals (SETUP_ALLOWED_LOG) are allowed too.
    """
    if not log.exists():
        return []
    text = log.read_text(errors="replace")
    bad = []
    for part, extra in ((text[:setup_end], SETUP_ALLOWED_LOG), (text[setup_end:], ())):
        for line in part.splitlines():
            if re.search(r"\|(WARN|ERR|EMER)\|", line) and not any(
                    re.search(a, line) for a in ALLOWED_LOG + allowed + extra):
                bad.append(line)
    return bad


class Testbed:
    """A trial's set-up: daemons, network, tables and compiled streams; measures repeatedly.

    Entering creates everything (in that order) and exiting removes it in reverse order,
    whatever happened in between. Rate searches call ``measure`` several times on one bed.
    """

    __test__ = False  # Not a pytest test class, whatever its name.

    def __init__(self, spec: TrialSpec):
        check_prerequisites()
        self.ext = validate(spec)
        self.spec = spec
        self.cache = CacheConfig.parse(spec.cache)
        # On a small machine the sender and the switch would fight for the same cores: the
        # sender (and the hosts' kernel work it triggers) gets CPU 0, OVS every other CPU.
        cpus = sorted(os.sched_getaffinity(0))
        self.switch_cpus = set(cpus[1:]) or set(cpus)
        self.engine = get_engine(spec.engine, sender_cpu=cpus[0] if len(cpus) > 1 else None)
        self.topo = make_topology(spec.topology, **spec.topology_params)
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> "Testbed":
        try:
            if self.spec.port_type == "dpdk":
                self._enter_dpdk()
            else:
                self.ovs = self._stack.enter_context(OvsInstance(
                    self.spec.variant, cpus=self.switch_cpus,
                    other_config={"bpf-jit": self.spec.bpf_jit,
                                  **self.cache.other_config()}))
                if self.spec.port_type == "afxdp":
                    # One PMD thread, on the last core, polls every afxdp port.
                    last_core = max(os.sched_getaffinity(0))
                    self.ovs.vsctl("set", "Open_vSwitch", ".",
                                   f"other_config:pmd-cpu-mask={1 << last_core:#x}")
                self.net = self._stack.enter_context(Network(self.ovs, self.topo))
                if self.spec.port_type != "system":
                    self._set_port_type(self.spec.port_type)
            self._apply_cache()
            self._install()
            # Where the set-up's part of the daemon's log ends (see log_problems): only
            # with dpdk ports, whose vhost set-up maps the engine's memory.
            log = self.ovs.vswitchd_log
            text = log.read_text(errors="replace") if log.exists() else ""
            self.setup_log_end = (text.rfind("\n") + 1 if self.spec.port_type == "dpdk"
                                  else 0)
        except BaseException:
            self._stack.close()
            raise
        return self

    def _enter_dpdk(self) -> None:
        """Hugepages, OVS with DPDK (PMD on the last CPU, the rest on the first), the
        network with its ports re-typed, and the DPDK engine standing in for the hosts."""
        cpus = sorted(os.sched_getaffinity(0))
        first, last = cpus[0], cpus[-1]
        n_hosts = len(self.topo.hosts())
        # Jumbo frames need the ports' MTU (and OVS's larger mempools) before OVS starts:
        # the profile's longest frame, its sizes being those of any addresses.
        mtu = dpdk_net.port_mtu(max(
            max(len(s.packet), MIN_FRAME) for s in compile_streams(
                self.spec.profile, self.spec.tunables("10.0.0.1", "10.0.0.2"))
            if s.json.get("enabled", True)))
        self._stack.enter_context(hugepages.reserved(dpdk_net.hugepage_mb(
            n_hosts, jumbo=mtu is not None)))
        prefix = f"{FILE_PREFIX}{os.getpid()}-ovs{next(_OVS_PREFIXES)}"
        self._stack.callback(remove_runtime_dir, prefix)  # Once OVS has stopped.
        self.ovs = self._stack.enter_context(OvsInstance(
            self.spec.variant, cpus={first},
            other_config={**dpdk_net.ovs_other_config(prefix, first, last),
                          "bpf-jit": self.spec.bpf_jit, **self.cache.other_config()}))
        self.net = self._stack.enter_context(Network(self.ovs, self.topo))
        self.dpdk = self._stack.enter_context(dpdk_net.DpdkPorts(self.ovs, self.net, first,
                                                                 mtu))
        assert self.dpdk.process is not None
        self.engine = DpdkEngine(self.dpdk.process, self.spec.latency_pps)

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def _apply_cache(self) -> None:
        """The cache configuration's run-time part (its other_config keys were set before
        ovs-vswitchd started): once the bridges exist, before any flow or packet."""
        for command in self.cache.appctl_commands():
            self.ovs.appctl(*command)

    def _set_port_type(self, port_type: str) -> None:
        """Make every switch port (not the bridges' own) an interface of 'port_type'."""
        for switch in self.net.switches():
            for intf in switch.intfList():
                if intf.name != "lo":
                    self.ovs.vsctl("set", "interface", intf.name, f"type={port_type}")
        deadline = time.monotonic() + 30
        ports = [i.name for s in self.net.switches() for i in s.intfList() if i.name != "lo"]
        while not all(p in self.ovs.appctl("dpif-netdev/pmd-rxq-show") for p in ports):
            if time.monotonic() > deadline:
                raise ExtbenchError(f"{port_type} ports did not come up on a PMD thread")
            time.sleep(0.2)

    def _socket_drops(self) -> int:
        """Packets dropped so far at ovs-vswitchd's packet sockets (full receive buffers)."""
        return stats.parse_socket_drops(run_checked(["ss", "-0", "-m", "-p"]), self.ovs.pid())

    def _install(self) -> None:
        """Install the OpenFlow tables and compile the profile for this topology."""
        topo, net = self.topo, self.net
        sender = net.host(topo.sender)
        receivers = [net.host(r) for r in topo.receivers]
        ips = {h: net.host(h).IP() for h in topo.hosts_logical()}
        self.bpf = BpfControl(self.ovs)
        for switch, routes in net.routes().items():
            mirror = routes.get(topo.mirror) if topo.mirror else None
            install_switch(self.ovs, self.bpf, switch, routes, ips, self.ext, mirror)
        self.streams = compile_streams(self.spec.profile,
                                       self.spec.tunables(sender.IP(), receivers[0].IP()))
        if self.spec.port_type == "dpdk":
            self.tx = self.dpdk.ports[topo.sender]
            self.rx = [self.dpdk.ports[r] for r in topo.receivers]
        else:
            self.tx = MininetEndpoint(sender)
            self.rx = [MininetEndpoint(h) for h in receivers]

    def _probes(self, probe, extension, result) -> dict[str, int]:
        """Latency probes among the counted packets, to discount from delivery.

        Only beside an extension that leaves packets unwritten: a writer may rewrite a
        probe beyond recognition or send it elsewhere, and then probes share the fate of
        the profile's packets (every writer passes them all), so nothing is discounted.
        """
        if not self.spec.latency_pps or extension.writes_packet:
            return {}
        if isinstance(self.engine, DpdkEngine):
            return self.engine.probes()
        if not result.window_ns:
            return {}
        sent, received = probe.counts_within(*result.window_ns)
        return {"sent": sent, self.rx[0].name: received}

    def _port_drops(self) -> dict[str, int]:
        """Drops, errors and vhost retries of every port of every switch, summed
        (dump-ports in OpenFlow 1.4, the first version that carries custom statistics)."""
        total: dict[str, int] = {}
        for switch in self.net.switches():
            text = self.ovs.ofctl("dump-ports", switch.name, protocol="OpenFlow14")
            for k, v in stats.parse_port_counters(text).items():
                total[k] = total.get(k, 0) + v
        return total

    def measure(self, rate_pps: float | None, duration_s: float) -> dict:
        """Warm the caches (unless the spec says not to), clear the counters, send, and
        return the record of this run."""
        ovs = self.ovs
        if self.spec.warmup:
            self.engine.warmup(self.streams, self.tx, self.rx)
            time.sleep(0.5)
        ovs.appctl("dpif-netdev/pmd-stats-clear")
        time.sleep(1.1)  # Coverage counters are folded in once a second.
        cov_before = stats.parse_coverage(ovs.appctl("coverage/show"))
        cpu_before = vswitchd_cpu_s(ovs.pid())
        ports_before = self._port_drops()
        sockets_before = self._socket_drops()
        bpf_before = self.bpf.show() if self.ext else []
        # The latency probe (optional) runs beside the load, from the sender to receiver 1.
        probe = (LatencyProbe(self.tx, self.rx[0], self.spec.latency_pps, duration_s + 60)
                 if self.spec.latency_pps and not isinstance(self.engine, DpdkEngine)
                 else contextlib.nullcontext())
        with probe:
            result = self.engine.run(self.streams, tx=self.tx, rx=self.rx, rate_pps=rate_pps,
                                     duration_s=duration_s)
        ovs.check_alive()
        cpu = vswitchd_cpu_s(ovs.pid()) - cpu_before
        ports_after = self._port_drops()
        socket_drops = self._socket_drops() - sockets_before
        port_drops = {f"ovs_port_{k}": v - ports_before[k] for k, v in ports_after.items()}
        bpf = bpf_deltas(bpf_before, self.bpf.show() if self.ext else [])
        pmd = stats.sum_pmd_stats(ovs.appctl("dpif-netdev/pmd-stats-show"))
        megaflows = stats.parse_dp_flow_count(ovs.appctl("dpctl/show", "netdev@ovs-netdev"))
        time.sleep(1.1)
        cov_after = stats.parse_coverage(ovs.appctl("coverage/show"))
        drops = {k: v - cov_before.get(k, 0) for k, v in cov_after.items()
                 if k.startswith("datapath_drop") and v - cov_before.get(k, 0)}
        allowed = {"afxdp": AFXDP_ALLOWED_LOG, "dpdk": DPDK_ALLOWED_LOG}.get(
            self.spec.port_type, ()) + self.cache.allowed_log()
        record = make_record(self.spec, result, pmd, megaflows, cpu, drops,
                             log_problems(ovs.vswitchd_log, allowed, self.setup_log_end))
        record.update(bpf)
        record.update(stats.coverage_deltas(cov_before, cov_after, stats.BPF_CHECK_COUNTERS))
        record.update(port_drops, ovs_socket_drops=socket_drops)
        if self.spec.latency_pps:
            record.update(self.engine.latency if isinstance(self.engine, DpdkEngine)
                          else probe.result())
        if getattr(self.engine, "pg_stats", None):
            record["pg_stats"] = self.engine.pg_stats
        if getattr(self.engine, "tpg_stats", None):
            record["tpg_stats"] = self.engine.tpg_stats
        if self.ext is not None:
            use, extension, role = self.ext
            expected = extension.traffic(self.spec.profile, self.spec.topology,
                                         self.topo.receivers)
            record.update(delivery(expected, result, self._probes(probe, extension, result)))
            # Ground truth from the extension's metadata, for scoring the variants.
            record.update(ext_name=extension.name, ext_role=role, ext_chain=use.chain,
                          ext_coalesce=use.coalesce,
                          ext_changes_flow_key=extension.meta["changes_flow_key"],
                          ext_writes_packet=extension.writes_packet)
        return record


def install_switch(ovs: OvsInstance, bpf: BpfControl, switch: str, routes: dict[str, int],
                   ips: dict[str, str], ext: tuple[ExtensionUse, Extension, str] | None,
                   mirror_port: int | None = None) -> None:
    """One switch's OpenFlow table and programs: forwarding by destination address
    (routes: host → port, ips: host → address) behind the extension's chain of programs
    1…N ('ext' as ``validate`` returns it; None: forwarding only)."""
    if ext is None:
        flows = forwarding_flows(routes, ips)
    else:
        use, extension, role = ext
        flows = render(role, use, extension.placement, routes, ips, mirror_port)
        obj = compile_extension(extension.name, role)
        for prog in range(1, use.chain + 1):
            bpf.load(switch, prog, obj, extension.program)
    ovs.ofctl("add-flows", switch, "-", input_lines=flows)


def bpf_deltas(before: list, after: list) -> dict:
    """Runs and executed instructions of every program during a measurement."""
    old = {(p.bridge, p.id): p for p in before}
    programs = []
    for p in after:
        b = old.get((p.bridge, p.id))
        programs.append({"bridge": p.bridge, "id": p.id, "insns": p.insns,
                         "writes_packet": p.writes_packet,
                         "runs": p.runs - (b.runs if b else 0),
                         "insns_executed": p.insns_executed - (b.insns_executed if b else 0),
                         "faults": p.faults - (b.faults if b else 0)})
    if not programs:
        return {"bpf_runs": None, "bpf_insns": None, "bpf_programs": []}
    return {"bpf_runs": sum(p["runs"] for p in programs),
            "bpf_insns": sum(p["insns_executed"] for p in programs),
            "bpf_programs": programs}


def delivery(expected: dict | None, result, probes: dict[str, int] | None = None) -> dict:
    """Compare who received what with the extension's expected effect on the profile.

    Correct iff the expected receivers got the expected fraction of what was sent (minus
    at most the loss tolerance) and no other host got more than the tolerance of it; what
    the switch's full receive ring refused (``ring_full``, dpdk) does not count as sent.
    'expected' None (the metadata declares nothing for this profile and topology): the
    delivery is not scored, nor at the engine's maximum rate, where the switch drops what
    it has no time for and those losses are not the extension's. 'probes': latency probes
    counted in the result, which are not the profile's packets ('sent', and received by
    receiver name).
    """
    if expected is None or result.offered_pps is None:
        return {"expressible": True,
                "expected_receivers": expected and sorted(f"{PREFIX}{h}"
                                                          for h in expected["receivers"]),
                "expected_delivered": expected and expected["delivered"],
                "delivery": "not scored"}
    probes = probes or {}
    # Packets the switch's full receive ring refused (dpdk, paced) never met the
    # extension: they are the switch's capacity losses, not its delivery.
    tx = max(1, result.tx_pkts - probes.get("sent", 0) - result.ring_full)
    rx = {h: v - probes.get(h, 0) for h, v in result.rx_by_endpoint.items()}
    want = {f"{PREFIX}{h}" for h in expected["receivers"]}
    got = sum(v for h, v in rx.items() if h in want)
    stray = sum(v for h, v in rx.items() if h not in want)
    ok = (abs(got / tx - expected["delivered"]) <= DELIVERY_TOLERANCE
          and stray / tx <= DELIVERY_TOLERANCE)
    return {"expressible": True, "expected_receivers": sorted(want),
            "expected_delivered": expected["delivered"],
            "delivery": "correct" if ok else "wrong"}


def not_expressible(spec: TrialSpec) -> dict | None:
    """Check root and the spec (bad input raises); the record of an inexpressible trial.

    Returns None when the variant can express the trial's extension (or it has none).
    """
    try:
        check_prerequisites()
        validate(spec)
    except NotExpressible as e:
        return not_expressible_record(spec, str(e))
    return None


def not_expressible_record(spec: TrialSpec, reason: str) -> dict:
    """The record of a trial whose extension the variant cannot express."""
    return identity(spec) | {"offered_pps": spec.rate_pps, "expressible": False,
                             "delivery": "not expressible", "reason": reason}


def run_search(spec: TrialSpec, kind: str = "ndr", loss_bound_pct: float | None = None,
               precision: float = 0.01, max_iterations: int = 10,
               trials_per_rate: int = 1) -> dict:
    """Search the highest rate within the loss bound on one testbed; return its record.

    The record is that of the answer load's fastest valid trial (or of the first trial, if
    no load was valid), with the search's answer (``search_rate_pps``, ``search_rx_pps``:
    medians over that load's trials) and every trial's record under ``search_iterations``.
    """
    skipped = not_expressible(spec)
    if skipped:
        return check_record(skipped | {"trial_kind": kind})
    with Testbed(spec) as bed:
        found = search(lambda rate: bed.measure(rate, spec.duration_s), kind, loss_bound_pct,
                       precision, max_iterations, trials_per_rate)
    record = dict(found.best or found.iterations[0])
    record.update(trial_kind=kind, search_loss_bound_pct=found.loss_bound_pct,
                  search_trials_per_rate=trials_per_rate,
                  search_rate_pps=found.rate_pps, search_rx_pps=found.rx_pps,
                  search_iterations=[{k: v for k, v in r.items() if k != "spec"}
                                     for r in found.iterations])
    return check_record(record)


def run_trial(spec: TrialSpec) -> dict:
    """Run one fixed-rate trial and return its record (checked against the contract)."""
    skipped = not_expressible(spec)
    if skipped:
        return check_record(skipped)
    with Testbed(spec) as bed:
        return check_record(bed.measure(spec.rate_pps, spec.duration_s))


def identity(spec: TrialSpec) -> dict:
    """What every record of 'spec' starts with: its configuration (the record contract's
    key fields, config/record-schema.yaml), repetition, cache settings and provenance."""
    return {
        "record_version": RECORD_VERSION, "experiment": spec.experiment,
        "variant": spec.variant, "topology": spec.topology, "profile": spec.profile,
        "extension": spec.extension or "none", "flows": spec.flows,
        "pkt_size": spec.pkt_size, "rate_pps": spec.rate_pps, "port_type": spec.port_type,
        "trial_kind": "fixed",
        "bpf_jit": spec.bpf_jit if "common" in load_variant(spec.variant).layer_names
        else None,
        **CacheConfig.parse(spec.cache).record_fields(), "rep": spec.rep,
        "config_hash": config_hash(asdict(spec)), "spec": asdict(spec), **provenance()}


def make_record(spec: TrialSpec, result, pmd: dict, megaflows: int, cpu_s: float,
                drops: dict, problems: list[str]) -> dict:
    """Assemble a measurement's record (config/record-schema.yaml) from its counters."""
    return identity(spec) | {
        "engine": result.engine, "offered_pps": result.offered_pps, "duration_s": result.duration_s,
        "tx_pkts": result.tx_pkts, "rx_pkts": result.rx_pkts, "tx_pps": result.tx_pps,
        "rx_pps": result.rx_pps, "loss_pct": result.loss_pct,
        "sender_drops": result.sender_drops, "receiver_drops": result.receiver_drops,
        "ring_full": result.ring_full,
        "rx_by_host": result.rx_by_endpoint,
        "ovs_pkts": pmd["packets"], "recirculations": pmd["recirculations"],
        "passes_per_pkt": pmd["passes_per_pkt"],
        "simple_match_hits": pmd["simple_match_hits"], "emc_hits": pmd["emc_hits"],
        "smc_hits": pmd["smc_hits"], "megaflow_hits": pmd["megaflow_hits"],
        "upcalls": pmd["upcalls"], "failed_upcalls": pmd["failed_upcalls"],
        "cycles_per_pkt": pmd["cycles_per_pkt"], "megaflows": megaflows,
        "expressible": True,
        "vswitchd_cpu_s": cpu_s, "datapath_drops": drops, "ovs_log_problems": problems,
        "variant_manifest_sha256": manifest_sha256(spec.variant),
    }
