"""Is the traffic generator ever the bottleneck? The local engine into a sink vs vanilla OVS.

In one run, alternating to spread machine drift: the local engine's rate into a sink (a
veth pair, no switch) and what vanilla OVS forwards (p2p, as fast as the engine can send),
both with udp_flows, 1000 flows, 64 B frames. Prints both and their ratio; the engine must
offer at least 2× what OVS forwards. Needs root and a vanilla build. Usage:

    .venv/bin/python -m benchmarks.engine_vs_ovs [--duration 5] [--rounds 3]
"""

import argparse
import statistics
import sys

from benchmarks.engine_sink import measure_sink
from harness.trial import TrialSpec, run_trial


def main(argv: list[str] | None = None) -> int:
    """Print the engine's sink rate, vanilla's forwarding rate and their ratio."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=5.0, help="sending time per run (s)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    p.add_argument("--flows", type=int, default=1000)
    a = p.parse_args(argv)
    sink, ovs = [], []
    for i in range(a.rounds):
        sink.append(measure_sink(a.duration, a.flows, 64).rx_pps)
        ovs.append(run_trial(TrialSpec(variant="vanilla", flows=a.flows, pkt_size=64,
                                       duration_s=a.duration, rep=i))["rx_pps"])
        print(f"round {i}: engine into sink {sink[-1]:,.0f} pps, "
              f"vanilla OVS forwards {ovs[-1]:,.0f} pps", flush=True)
    s, o = statistics.median(sink), statistics.median(ovs)
    print(f"median: engine {s:,.0f} pps, OVS {o:,.0f} pps, ratio {s / o:.2f} "
          f"({'ok' if s >= 2 * o else 'BELOW the 2x goal'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
