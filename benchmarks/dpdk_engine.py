"""The DPDK engine alone (engine to engine, no OVS) against vanilla OVS on dpdk ports.

Two engine processes joined by one vhost-user socket, on the CPUs a trial uses: the
sender (a virtio-user port, as in a trial) on the first CPU, a receiver (a vhost-user
backend port, where OVS's PMD thread would be) on the last. In one run, alternating:

- the engine's maximum rate into the receiver, and vanilla OVS's forwarding rate on dpdk
  ports (p2p, udp_flows, 64 B, as fast as the engine sends): their ratio must be ≥ 2;
- pacing: the sent rate at requested rates up to the maximum (within 1 % of each);
- latency calibration: probes through the loopback at a low paced load, timed by the TSC
  as in a trial: the engine's own share of a trial's one-way latency.

Needs root, hugepages (reserved and given back) and a vanilla build. Usage:

    .venv/bin/python -m benchmarks.dpdk_engine [--duration 3] [--rounds 3]
"""

import argparse
import statistics
import sys

from harness.dpdk import hugepages
from harness.dpdk.loopback import Loopback
from harness.net.dpdk import ENGINE_MB
from harness.traffic.latency import summarize_latencies
from harness.trial import TrialSpec, run_trial


def main(argv: list[str] | None = None) -> int:
    """Print the engine's rate, vanilla's rate and their ratio, pacing, and latency."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=3.0, help="sending time per run (s)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    p.add_argument("--flows", type=int, default=1000)
    a = p.parse_args(argv)
    engine, ovs = [], []
    for i in range(a.rounds):
        with hugepages.reserved(2 * ENGINE_MB), Loopback(a.flows, 64) as loop:
            sent, got = loop.run(0, a.duration)
        engine.append(got["rx_by_port"][0] / sent["elapsed_s"])
        r = run_trial(TrialSpec(variant="vanilla", flows=a.flows, duration_s=a.duration,
                                port_type="dpdk", rep=i))
        ovs.append(r["rx_pps"])
        print(f"round {i}: engine to engine {engine[-1] / 1e6:.2f} Mpps, vanilla OVS on "
              f"dpdk ports {ovs[-1] / 1e6:.2f} Mpps ({r['cycles_per_pkt']:.0f} cycles/pkt)",
              flush=True)
    e, o = statistics.median(engine), statistics.median(ovs)
    print(f"median: engine {e / 1e6:.2f} Mpps, OVS {o / 1e6:.2f} Mpps, ratio {e / o:.2f} "
          f"({'ok' if e >= 2 * o else 'BELOW the 2x goal'})")
    with hugepages.reserved(2 * ENGINE_MB), Loopback(a.flows, 64) as loop:
        for rate in (0.1e6, 1e6, 0.5 * e, 0.9 * e):
            sent, got = loop.run(rate, a.duration)
            offered = (sent["tx"] + sent["ring_full"]) / sent["scheduled_s"]
            print(f"paced at {rate / 1e6:.3f} Mpps: offered {offered / 1e6:.4f} Mpps "
                  f"({100 * (offered / rate - 1):+.2f} %), received "
                  f"{got['rx_by_port'][0] / sent['scheduled_s'] / 1e6:.4f} Mpps, ring full "
                  f"{sent['ring_full']}", flush=True)
        sent, got = loop.run(0.1e6, a.duration, probe_pps=1000)
        lat = summarize_latencies([ns / 1000 for ns in got["latency_ns"]],
                                  sent["probes_sent"], got["probes_received"])
        print(f"loopback latency (engine to engine, 0.1 Mpps load, "
              f"{lat['lat_samples']} probes): min {lat['lat_min_us']:.2f} µs, p50 "
              f"{lat['lat_p50_us']:.2f}, p99 {lat['lat_p99_us']:.2f}, max "
              f"{lat['lat_max_us']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
