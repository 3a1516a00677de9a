"""Vanilla OVS on each port type in one run: what the kernel costs the measurement.

Rounds alternate dpdk, afxdp and system ports (p2p, udp_flows, 1000 flows, 64 B, as fast
as the engine sends). Prints, per port type, the received Mpps and two cycle counts per
received packet: the PMD thread's processing cycles (``pmd-stats-show``; dpdk and afxdp
only, the main thread that serves system ports keeps none) and ovs-vswitchd's CPU time
in cycles (every thread, busy polling included, at the TSC's rate). The goal: dpdk takes
at most 1/5 of afxdp's PMD cycles per packet. Needs root and a vanilla build. Usage:

    .venv/bin/python -m benchmarks.port_types [--rounds 3] [--duration 3]
"""

import argparse
import statistics
import sys
from collections import defaultdict

from harness.trial import PORT_TYPES, TrialSpec, run_trial


def tsc_hz() -> float:
    """The CPU's nominal clock (Hz), from /proc/cpuinfo ('cpu MHz' of the first CPU)."""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("cpu MHz"):
                return float(line.split(":")[1]) * 1e6
    raise RuntimeError("no 'cpu MHz' in /proc/cpuinfo")


def main(argv: list[str] | None = None) -> int:
    """Run the rounds and print the table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=float, default=3.0)
    p.add_argument("--flows", type=int, default=1000)
    p.add_argument("--port-types", nargs="+", default=["dpdk", "afxdp", "system"],
                   choices=PORT_TYPES)
    a = p.parse_args(argv)
    rx, pmd, cpu = defaultdict(list), defaultdict(list), defaultdict(list)
    hz = tsc_hz()
    for rnd in range(a.rounds):
        for port_type in a.port_types:
            r = run_trial(TrialSpec(variant="vanilla", flows=a.flows, duration_s=a.duration,
                                    rep=rnd, port_type=port_type))
            rx[port_type].append(r["rx_pps"])
            pmd[port_type].append(r["cycles_per_pkt"])
            cpu[port_type].append(r["vswitchd_cpu_s"] * hz / max(1, r["rx_pkts"]))
            print(f"round {rnd}: {port_type:6} {r['rx_pps'] / 1e6:.3f} Mpps, PMD "
                  f"{r['cycles_per_pkt'] or float('nan'):.0f} cycles/pkt, ovs-vswitchd CPU "
                  f"{cpu[port_type][-1]:.0f} cycles/pkt", flush=True)
    print(f"{'port type':10} {'Mpps':>8} {'PMD cycles/pkt':>15} {'CPU cycles/pkt':>15}")
    med = {}
    for port_type in a.port_types:
        cycles = [c for c in pmd[port_type] if c is not None]
        med[port_type] = statistics.median(cycles) if cycles else None
        print(f"{port_type:10} {statistics.median(rx[port_type]) / 1e6:8.3f} "
              f"{med[port_type] or float('nan'):15.0f} {statistics.median(cpu[port_type]):15.0f}")
    if med.get("dpdk") and med.get("afxdp"):
        ratio = med["dpdk"] / med["afxdp"]
        print(f"dpdk/afxdp PMD cycles per packet: {ratio:.3f} "
              f"({'ok' if ratio <= 0.2 else 'ABOVE the 1/5 goal'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
