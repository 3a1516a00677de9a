"""Where the PMD thread's cycles go, per packet, for each variant and extension.

Throughput ratios between trials carry this VM's drift (up to 3x from day to day, and
more between trials while anything else runs). This benchmark attributes the cycles of
each trial from inside the trial: one trial per configuration on `dpdk` ports at the
engine's maximum rate; while the engine sends, ``perf record`` samples the PMD thread
(cpu-clock: the VM has no hardware counters), the PMD's counters are cleared before and
read after, and each sample's symbol puts it in a category (vhost I/O, parsing, caches
and classification, actions and output, BPF runtime and JIT code, upcalls, polling and
timekeeping, kernel, other). A category's cycles per packet are its share of the samples
times the PMD's cycles (idle and processing) per received packet. The BPF row of a
configuration is then what its extension costs per packet, measured in the same trial as
everything else, and a second datapath pass shows up as more parsing and classification.
Rounds are interleaved; the table gives medians.

Needs root, the variants built and ``perf`` (Debian's linux-perf). Usage:

    .venv/bin/python -m benchmarks.cycle_attribution [--rounds 3] [--duration 5]
        [--configs vanilla verifier verifier:noop softflow:noop oko:noop]
        [--bpf-jit true|false]
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from harness.errors import ExtbenchError
from harness.ovs import stats
from harness.trial import Testbed, TrialSpec

#: Categories, tried in order; a sample goes to the first whose pattern matches
#: "DSO SYMBOL" (perf's shared object column, then the symbol).
CATEGORIES: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(pattern)) for name, pattern in [
    # The runtime's functions (bpf-*.c: maps are ebpf_map_*/htab_*, JIT slow paths jit_*,
    # the interpreter's checks and helpers, which the JIT calls too), JIT code, and oko's
    # filter chains.
    ("bpf", r"^\[JIT\]|\s(bpf_|filter_|ebpf_|htab_|jit_|call_helper|load_ctx|mem_ptr|"
            r"atomic_ptr|map_arg|map_key_arg)"),
    ("vhost_io", r"^librte_|\s(rte_|netdev_dpdk_|virtio|vhost)"),
    ("parsing", r"\s(miniflow_extract|parse_|dp_packet_)"),
    ("classification", r"\s(emc_|smc_|dfc_|dpcls|fast_path_processing|dp_netdev_input__|"
                       r"netdev_flow_key|miniflow_hash|hash_|__memcmp|ccmap_|cmap_)"),
    ("actions_output", r"\s(odp_execute|dp_execute|dp_netdev_execute|packet_batch_per_flow|"
                       r"dp_netdev_pmd_flush_output|netdev_send|dp_netdev_recirculate)"),
    ("upcalls", r"\s(handle_packet_upcall|dp_netdev_upcall|upcall_|xlate_|ofproto_|"
                r"classifier_|dp_netdev_flow_add|dp_netdev_pmd_find_flow)"),
    ("polling_time", r"^\[vdso\]|\s(pmd_|dp_netdev_process_rxq_port|netdev_rxq_recv|"
                     r"clock_gettime|time_)"),
    ("kernel", r"^\[kernel"),
]]
CATEGORY_NAMES = [name for name, _ in CATEGORIES] + ["other"]

_REPORT_LINE = re.compile(r"^\s*([0-9.]+)%\s+(.+?)\s+\[[.k]\]\s+(\S+)")


def categorize(dso: str, symbol: str) -> str:
    """The category of a sample in shared object 'dso' at 'symbol'."""
    key = f"{dso} {symbol}"
    return next((name for name, pattern in CATEGORIES if pattern.search(key)), "other")


def parse_report(text: str) -> dict[str, float]:
    """Shares (fractions of all samples) by category from ``perf report --sort dso,sym``.

    'other' is what no category took, lines perf printed in another form included, so the
    shares add up to 1.
    """
    shares: dict[str, float] = defaultdict(float)
    for line in text.splitlines():
        m = _REPORT_LINE.match(line)
        if m:
            shares[categorize(m.group(2), m.group(3))] += float(m.group(1)) / 100
    shares.pop("other", None)
    shares["other"] = max(0.0, 1.0 - sum(shares.values()))
    return dict(shares)


def pmd_thread(pid: int) -> int:
    """Thread id of the (one) PMD thread of process 'pid'."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        if (task / "comm").read_text().startswith("pmd"):
            return int(task.name)
    raise ExtbenchError(f"ovs-vswitchd (pid {pid}) has no PMD thread")


class PmdProfile:
    """Samples one thread with ``perf record`` between start() and stop()."""

    def __init__(self, tid: int, data: Path):
        self.tid, self.data = tid, data
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        """Start sampling."""
        self.proc = subprocess.Popen(["perf", "record", "-q", "-F", "2999", "-t",
                                      str(self.tid), "-o", str(self.data)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self) -> None:
        """Stop sampling (once; nothing if it never started) and check perf's exit."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        if proc.returncode not in (0, -signal.SIGINT) or not self.data.exists():
            raise ExtbenchError(f"perf record of thread {self.tid} failed: {err.decode()}")

    def shares(self) -> dict[str, float]:
        """The samples' shares by category."""
        out = subprocess.run(["perf", "report", "-i", str(self.data), "--stdio",
                              "--no-children", "--sort", "dso,sym", "--percent-limit", "0",
                              "-F", "overhead,dso,sym"],
                             capture_output=True, text=True, check=True).stdout
        return parse_report(out)


def attribute(spec: TrialSpec, workdir: Path) -> dict[str, float]:
    """One trial: cycles per packet by category, plus the trial's own figures."""
    with Testbed(spec) as bed:
        profile = PmdProfile(pmd_thread(bed.ovs.pid()), workdir / "pmd.data")
        counters: dict[str, float] = {}
        engine = bed.engine
        start, wait = engine._start, engine._wait

        # Counters and samples cover the engine's sending (from its start to its reply),
        # not the packet preparation before it or the counting after it.
        def profiled_start(*args, **kwargs):
            bed.ovs.appctl("dpif-netdev/pmd-stats-clear")
            profile.start()
            return start(*args, **kwargs)

        def profiled_wait(*args, **kwargs):
            try:
                return wait(*args, **kwargs)
            finally:
                profile.stop()
                counters.update(stats.sum_pmd_stats(
                    bed.ovs.appctl("dpif-netdev/pmd-stats-show")))

        engine._start, engine._wait = profiled_start, profiled_wait  # type: ignore[method-assign]
        try:
            record = bed.measure(None, spec.duration_s)
        finally:
            profile.stop()
    if not record["expressible"]:
        raise ExtbenchError(f"{spec.variant} cannot express {spec.extension}: "
                            f"{record['reason']}")
    cycles = counters["idle_cycles"] + counters["processing_cycles"]
    per_pkt = cycles / counters["packets"]
    out = {name: share * per_pkt for name, share in profile.shares().items()}
    busy_per_pkt = counters["processing_cycles"] / counters["packets"]
    out.update(total=per_pkt, idle_share=counters["idle_cycles"] / cycles,
               bpf_share=out.get("bpf", 0.0) / busy_per_pkt,
               passes=counters["passes_per_pkt"], mpps=record["rx_pps"] / 1e6)
    return out


def parse_config(text: str) -> tuple[str, str | None]:
    """'variant[:extension]' → (variant, extension or None)."""
    variant, _, extension = text.partition(":")
    return variant, extension or None


def main(argv: list[str] | None = None) -> int:
    """Run the rounds and print cycles per packet by category."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=float, default=5.0)
    p.add_argument("--flows", type=int, default=1000)
    p.add_argument("--configs", nargs="+",
                   default=["vanilla", "verifier", "verifier:noop", "softflow:noop",
                            "oko:noop"],
                   help="variant[:extension] (first: the reference for the deltas)")
    p.add_argument("--bpf-jit", default="true", choices=["true", "false", "checked"])
    a = p.parse_args(argv)
    if os.geteuid() != 0:
        p.error("needs root (Mininet, hugepages, perf on another process)")
    results: dict[str, list[dict[str, float]]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="xb-cycles-") as tmp:
        for rnd in range(a.rounds):
            for config in a.configs:
                variant, extension = parse_config(config)
                spec = TrialSpec(variant=variant, extension=extension, flows=a.flows,
                                 pkt_size=64, duration_s=a.duration, rep=rnd,
                                 port_type="dpdk", bpf_jit=a.bpf_jit)
                r = attribute(spec, Path(tmp))
                results[config].append(r)
                print(f"round {rnd}: {config:18} {r['mpps']:.2f} Mpps {r['total']:.0f} "
                      f"cycles/pkt (idle {r['idle_share']:.0%}), bpf {r.get('bpf', 0):.1f}",
                      flush=True)
    columns = CATEGORY_NAMES + ["total"]
    med = {c: {k: statistics.median(r.get(k, 0.0) for r in rs) for k in
               columns + ["passes", "mpps", "idle_share", "bpf_share"]}
           for c, rs in results.items()}
    print(f"\nPMD cycles per received packet by category (median of {a.rounds} rounds, "
          f"dpdk ports, {a.flows} flows, 64 B, bpf-jit={a.bpf_jit})")
    print("(bpf/busy: the BPF cycles' share of the processing cycles, within each trial)")
    print("(each column is a median of its own, so the categories need not add up to total)")
    print(f"{'config':18} {'Mpps':>5} {'passes':>6} {'idle':>5} {'bpf/busy':>8} "
          + " ".join(f"{c[:9]:>9}" for c in columns))
    for config, m in med.items():
        print(f"{config:18} {m['mpps']:5.2f} {m['passes']:6.2f} {m['idle_share']:5.0%} "
              f"{m['bpf_share']:8.1%} "
              + " ".join(f"{m[c]:9.1f}" for c in columns))
    ref = a.configs[0]
    print(f"\nDifference from {ref} (cycles per packet)")
    for config, m in med.items():
        if config != ref:
            print(f"{config:18} " + " ".join(f"{m[c] - med[ref][c]:+9.1f}" for c in columns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
