"""How repeatable is a measurement on this machine? One configuration, N times, and its CV.

Runs the same configuration (vanilla by default, udp_flows, 1000 flows, 64 B) N times, each
on a fresh testbed: a trial at the local engine's maximum rate (received rate) and an NDR
search (RFC 2544: highest offered rate with zero loss; PDR with --kind pdr). Prints every
run, then the median and the coefficient of variation (standard deviation over mean) of the
received rate and of the NDR. The goal for vanilla at 1000 flows is a CV of at most 3 %.
Needs root and the variant built. Usage:

    .venv/bin/python -m benchmarks.stability [--runs 5] [--duration 3] [--port-type afxdp|dpdk]
        [--trials-per-rate 3]
"""

import argparse
import statistics
import sys

from harness.cli import odd_positive
from harness.trial import PORT_TYPES, TrialSpec, run_search, run_trial

GOAL_CV = 0.03


def cv(values: list[float]) -> float:
    """Coefficient of variation (sample standard deviation over mean; NaN if the mean is 0)."""
    mean = statistics.mean(values)
    return statistics.stdev(values) / mean if mean else float("nan")


def main(argv: list[str] | None = None) -> int:
    """Run the configuration N times and print the spread of rx rate and NDR."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--duration", type=float, default=3.0, help="sending time per trial (s)")
    p.add_argument("--variant", default="vanilla")
    p.add_argument("--extension", default=None)
    p.add_argument("--flows", type=int, default=1000)
    p.add_argument("--port-type", default="system", choices=PORT_TYPES)
    p.add_argument("--kind", default="ndr", choices=["ndr", "pdr"])
    p.add_argument("--trials-per-rate", type=odd_positive, default=3,
                   help="trials per offered rate in the search, majority decides (odd)")
    a = p.parse_args(argv)
    if a.runs < 2:
        p.error("--runs must be at least 2 for a spread")
    rx, ndr = [], []
    for i in range(a.runs):
        spec = TrialSpec(variant=a.variant, extension=a.extension, flows=a.flows,
                         pkt_size=64, duration_s=a.duration, rep=i, port_type=a.port_type)
        record = run_trial(spec)
        if not record["expressible"]:
            print(f"{a.variant} cannot run {a.extension}: {record['reason']}", file=sys.stderr)
            return 2
        rx.append(record["rx_pps"])
        found = run_search(spec, kind=a.kind, trials_per_rate=a.trials_per_rate)
        if found["search_rate_pps"] is None:
            print(f"run {i}: no rate was within the loss bound", file=sys.stderr)
            return 1
        ndr.append(found["search_rate_pps"])
        print(f"run {i}: max-rate trial rx {rx[-1] / 1e6:.3f} Mpps; {a.kind.upper()} "
              f"{ndr[-1] / 1e6:.3f} Mpps ({len(found['search_iterations'])} trials)",
              flush=True)
    for name, values in (("rx rate", rx), (a.kind.upper(), ndr)):
        c = cv(values)
        print(f"{name:8} median {statistics.median(values) / 1e6:.3f} Mpps, CV {c:.1%} "
              f"({'within' if c <= GOAL_CV else 'ABOVE'} the {GOAL_CV:.0%} goal)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
