"""What an extension costs on each variant, measured in one run, as ratios to vanilla.

For each extension (noop, a read-only monitor, a header rewriter, a payload writer by
default) and each variant (softflow with and without coalesce, verifier, oko where it can
express it), one trial at the local engine's maximum rate, 1000 flows, 64 B; vanilla
without extension is measured in every round, so ratios compare trials of the same round.
Rounds are repeated and interleaved (A B C A B C …) so that machine drift spreads over all.
Each variant is also measured without extension (its own baseline). Prints received Mpps,
datapath passes per packet, the shares of passes answered by the EMC and by the megaflow
cache, and the ratio to vanilla (median over rounds) with the received rate's coefficient
of variation over the rounds; with --port-type afxdp or dpdk also the PMD's processing
cycles per packet (no cycle counts exist for system ports) and vanilla's cycles over the
variant's, the cost ratio.
Needs root and the variants built. Usage:

    .venv/bin/python -m benchmarks.extension_cost [--rounds 3] [--duration 5]
        [--extensions noop flow_counter ttl_dec payload_xor] [--chain 1 2 4 10]
        [--variants verifier softflow softflow+coalesce oko] [--port-type afxdp|dpdk]
        [--bpf-jit true false]
"""

import argparse
import statistics
import sys
from collections import defaultdict

from harness.trial import TrialSpec, run_trial

VARIANTS = ["verifier", "softflow", "softflow+coalesce", "oko"]
#: bpf-jit modes and their labels in the table.
JIT_LABELS = {"true": "jit", "false": "interp", "checked": "checked"}
JIT_MODES = {label: mode for mode, label in JIT_LABELS.items()}


def configurations(extensions: list[str], chains: list[int],
                   variants: list[str] = VARIANTS) -> list[tuple[str, str]]:
    """(variant, extension spec) pairs: vanilla and each variant without extension first."""
    out = [("vanilla", "none")]
    out += [(v, "none") for v in dict.fromkeys(v.partition("+")[0] for v in variants)
            if v != "vanilla"]
    for ext in extensions:
        for chain in chains:
            name = ext if chain == 1 else f"{ext}-chain{chain}"
            for v in variants:
                variant, _, flag = v.partition("+")
                out.append((variant, f"{name}-{flag}" if flag else name))
    return out


def cv(values: list[float]) -> float:
    """Coefficient of variation (sample standard deviation over mean; NaN for one value)."""
    if len(values) < 2:
        return float("nan")
    return statistics.stdev(values) / statistics.mean(values)


def main(argv: list[str] | None = None) -> int:
    """Run the rounds and print the table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=float, default=5.0)
    p.add_argument("--flows", type=int, default=1000)
    p.add_argument("--extensions", nargs="+",
                   default=["noop", "flow_counter", "ttl_dec", "payload_xor"])
    p.add_argument("--chain", nargs="+", type=int, default=[1])
    p.add_argument("--variants", nargs="+", default=VARIANTS,
                   help="variants (variant+coalesce: with SoftFlow's flag)")
    p.add_argument("--port-type", default="system",
                   help="system, afxdp or dpdk (afxdp and dpdk: a PMD thread, cycles per "
                        "packet are measured)")
    p.add_argument("--bpf-jit", nargs="+", default=["true"], choices=list(JIT_LABELS),
                   help="executors to compare in one run (true: JIT, false: interpreter, "
                        "checked: JIT with every check)")
    a = p.parse_args(argv)
    rx, passes, cycles, reasons = defaultdict(list), defaultdict(list), defaultdict(list), {}
    emc, megaflow = defaultdict(list), defaultdict(list)
    # Each variant but vanilla once per executor (label 'variant/interp' for bpf-jit=false).
    configs = [(f"{v}{'' if mode == 'true' or v == 'vanilla' else '/' + JIT_LABELS[mode]}", e)
               for mode in a.bpf_jit for v, e in configurations(a.extensions, a.chain,
                                                                 a.variants)
               if mode == a.bpf_jit[0] or v != "vanilla"]
    for rnd in range(a.rounds):
        for label, ext in configs:
            variant, _, mode = label.partition("/")
            r = run_trial(TrialSpec(variant=variant, extension=None if ext == "none" else ext,
                                    flows=a.flows, pkt_size=64, duration_s=a.duration,
                                    rep=rnd, port_type=a.port_type,
                                    bpf_jit=JIT_MODES.get(mode, a.bpf_jit[0])))
            variant = label
            if not r["expressible"]:
                reasons[(variant, ext)] = r["reason"]
                continue
            rx[(variant, ext)].append(r["rx_pps"])
            passes[(variant, ext)].append(r["passes_per_pkt"])
            cycles[(variant, ext)].append(r["cycles_per_pkt"])
            lookups = r["ovs_pkts"] + r["recirculations"] or float("nan")
            emc[(variant, ext)].append(r["emc_hits"] / lookups)
            megaflow[(variant, ext)].append(r["megaflow_hits"] / lookups)
            print(f"round {rnd}: {variant:9} {ext:22} {r['rx_pps'] / 1e6:.3f} Mpps "
                  f"{r['passes_per_pkt']:.2f} passes/pkt {r['cycles_per_pkt']:.0f} cycles/pkt",
                  flush=True)
    base = statistics.median(rx[("vanilla", "none")])
    base_cycles = statistics.median(cycles[("vanilla", "none")])
    print(f"\n{'variant':9} {'extension':22} {'Mpps':>7} {'passes':>6} {'EMC':>5} {'MF':>5} "
          f"{'vs vanilla':>10} {'CV':>5} {'cycles/pkt':>10} {'vs vanilla':>10}")
    for key in configs:
        if key in reasons:
            print(f"{key[0]:9} {key[1]:22} not expressible: {reasons[key]}")
            continue
        m, c = statistics.median(rx[key]), statistics.median(cycles[key])
        print(f"{key[0]:9} {key[1]:22} {m / 1e6:7.3f} {statistics.median(passes[key]):6.2f} "
              f"{statistics.median(emc[key]):5.0%} {statistics.median(megaflow[key]):5.0%} "
              f"{m / base:10.2f} {cv(rx[key]):5.1%} {c:10.0f} {base_cycles / c:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
