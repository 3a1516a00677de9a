"""One trial: a variant × topology × profile (× extension) at one offered rate → one record.

Order of work, and its reverse in teardown (which runs on success, error and signals):
start the variant's daemons → build the Mininet network → install the OpenFlow tables →
warm the caches → clear the datapath counters → send and count → read the counters →
stop the network → stop the daemons. Inputs are checked before anything is created.
"""

import contextlib
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from harness.errors import ExtbenchError
from harness.flows import forwarding_flows
from harness.net.network import Network
from harness.net.topology import make_topology
from harness.ovs import stats
from harness.ovs.build import manifest_sha256
from harness.ovs.daemons import OvsInstance
from harness.ovs.variant import load_variant
from harness.provenance import config_hash, provenance
from harness.traffic import get_engine
from harness.traffic.endpoint import MininetEndpoint
from harness.traffic.profile import compile_streams

# Log lines that a trial may produce without anything being wrong.
ALLOWED_LOG: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrialSpec:
    """What a trial measures. Rates in packets per second, durations in seconds."""

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
    topology_params: dict = field(default_factory=dict)

    def tunables(self, sender_ip: str, receiver_ip: str) -> dict[str, str]:
        """The profile's tunables for this trial."""
        return {"flows": str(self.flows), "size": str(self.pkt_size), "src": sender_ip,
                "dst": receiver_ip}


def check_prerequisites() -> None:
    """Root is needed for Mininet, network namespaces and the datapath's raw sockets."""
    if os.geteuid() != 0:
        raise ExtbenchError("trials need root (Mininet, network namespaces): run as root")


def validate(spec: TrialSpec) -> None:
    """Fail on bad input before anything is created."""
    load_variant(spec.variant)
    manifest_sha256(spec.variant)
    make_topology(spec.topology, **spec.topology_params)
    get_engine(spec.engine)
    if spec.extension not in (None, "none"):
        raise ExtbenchError(f"extension '{spec.extension}': extensions are not wired into "
                            f"trials yet")
    if spec.flows < 1 or spec.pkt_size < 60 or spec.duration_s <= 0:
        raise ExtbenchError("flows must be ≥ 1, pkt_size ≥ 60 and duration_s > 0")
    if spec.rate_pps is not None and spec.rate_pps <= 0:
        raise ExtbenchError("rate_pps must be positive")


def vswitchd_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def log_problems(log: Path) -> list[str]:
    """WARN/ERR/EMER lines of a daemon log that are not explicitly allowed."""
    if not log.exists():
        return []
    bad = []
    for line in log.read_text(errors="replace").splitlines():
        if re.search(r"\|(WARN|ERR|EMER)\|", line) and not any(
                re.search(a, line) for a in ALLOWED_LOG):
            bad.append(line)
    return bad


class Testbed:
    """A trial's set-up: daemons, network, tables and compiled streams; measures repeatedly.

    Entering creates everything (in that order) and exiting removes it in reverse order,
    whatever happened in between. Rate searches call ``measure`` several times on one bed.
    """

    def __init__(self, spec: TrialSpec):
        check_prerequisites()
        validate(spec)
        self.spec = spec
        self.engine = get_engine(spec.engine)
        self.topo = make_topology(spec.topology, **spec.topology_params)
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> "Testbed":
        try:
            self.ovs = self._stack.enter_context(OvsInstance(self.spec.variant))
            self.net = self._stack.enter_context(Network(self.ovs, self.topo))
            self._install()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def _install(self) -> None:
        """Install the OpenFlow tables and compile the profile for this topology."""
        topo, net = self.topo, self.net
        sender = net.host(topo.sender)
        receivers = [net.host(r) for r in topo.receivers]
        ips = {h: net.host(h).IP() for h in topo.hosts_logical()}
        for switch, routes in net.routes().items():
            self.ovs.ofctl("add-flows", switch, "-", input_lines=forwarding_flows(routes, ips))
        self.streams = compile_streams(self.spec.profile,
                                       self.spec.tunables(sender.IP(), receivers[0].IP()))
        self.tx = MininetEndpoint(sender)
        self.rx = [MininetEndpoint(h) for h in receivers]

    def measure(self, rate_pps: float | None, duration_s: float) -> dict:
        """Warm the caches, clear the counters, send, and return the record of this run."""
        ovs = self.ovs
        self.engine.warmup(self.streams, self.tx, self.rx)
        time.sleep(0.5)
        ovs.appctl("dpif-netdev/pmd-stats-clear")
        time.sleep(1.1)  # Coverage counters are folded in once a second.
        cov_before = stats.parse_coverage(ovs.appctl("coverage/show"))
        cpu_before = vswitchd_cpu_s(ovs.pid())
        result = self.engine.run(self.streams, tx=self.tx, rx=self.rx, rate_pps=rate_pps,
                                 duration_s=duration_s)
        cpu = vswitchd_cpu_s(ovs.pid()) - cpu_before
        pmd = stats.sum_pmd_stats(ovs.appctl("dpif-netdev/pmd-stats-show"))
        megaflows = stats.parse_dp_flow_count(ovs.appctl("dpctl/show", "netdev@ovs-netdev"))
        time.sleep(1.1)
        cov_after = stats.parse_coverage(ovs.appctl("coverage/show"))
        drops = {k: v - cov_before.get(k, 0) for k, v in cov_after.items()
                 if k.startswith("datapath_drop") and v - cov_before.get(k, 0)}
        return make_record(self.spec, result, pmd, megaflows, cpu, drops,
                           log_problems(ovs.vswitchd_log))


def run_trial(spec: TrialSpec) -> dict:
    """Run one fixed-rate trial and return its record."""
    with Testbed(spec) as bed:
        return bed.measure(spec.rate_pps, spec.duration_s)


def make_record(spec: TrialSpec, result, pmd: dict, megaflows: int, cpu_s: float,
                drops: dict, problems: list[str]) -> dict:
    """Assemble the trial's record with the project's field names and provenance."""
    record = {
        "variant": spec.variant, "topology": spec.topology, "profile": spec.profile,
        "extension": spec.extension or "none", "flows": spec.flows,
        "pkt_size": spec.pkt_size, "rep": spec.rep, "engine": result.engine,
        "offered_pps": result.offered_pps, "duration_s": result.duration_s,
        "tx_pkts": result.tx_pkts, "rx_pkts": result.rx_pkts, "tx_pps": result.tx_pps,
        "rx_pps": result.rx_pps, "loss_pct": result.loss_pct,
        "rx_by_host": result.rx_by_endpoint,
        "ovs_pkts": pmd["packets"], "recirculations": pmd["recirculations"],
        "passes_per_pkt": pmd["passes_per_pkt"],
        "simple_match_hits": pmd["simple_match_hits"], "emc_hits": pmd["emc_hits"],
        "smc_hits": pmd["smc_hits"], "megaflow_hits": pmd["megaflow_hits"],
        "upcalls": pmd["upcalls"], "failed_upcalls": pmd["failed_upcalls"],
        "cycles_per_pkt": pmd["cycles_per_pkt"], "megaflows": megaflows,
        "bpf_runs": None, "bpf_insns": None,
        "vswitchd_cpu_s": cpu_s, "datapath_drops": drops, "ovs_log_problems": problems,
        "variant_manifest_sha256": manifest_sha256(spec.variant),
        "config_hash": config_hash(asdict(spec)), "spec": asdict(spec),
    }
    record.update(provenance())
    return record
