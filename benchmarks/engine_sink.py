"""What the local engine offers on its own: udp_flows into a sink, no switch in between.

Two namespaces joined by a veth pair (xb-sink-a → xb-sink-b); the receiver only counts
(its interface counter). Prints packets per second counted at the sender and at the
receiver. ``measure_sink`` is importable, so that a run can put this figure next to a
switch's forwarding rate measured the same way (the engine should offer at least twice
what the switch forwards). Needs root. Usage:

    .venv/bin/python benchmarks/engine_sink.py [--duration 5] [--flows 1000] [--size 64]
"""

import argparse
import sys

from harness.errors import ExtbenchError
from harness.traffic import TrafficResult, get_engine
from harness.traffic.profile import compile_streams
from harness.traffic.vethpair import veth_pair


def measure_sink(duration_s: float = 5.0, flows: int = 1000, size: int = 64,
                 rate_pps: float | None = None) -> TrafficResult:
    """Run udp_flows from a namespace into a counting sink and return the engine's result.

    duration_s: sending time (s); flows: distinct UDP flows; size: frame size with FCS (bytes)
    rate_pps: offered rate (packets/s), None for as fast as the engine can
    """
    streams = compile_streams("udp_flows", {"flows": flows, "size": size})
    engine = get_engine("local")
    with veth_pair("sink") as (sender, sink):
        engine.warmup(streams, sender, [sink])
        return engine.run(streams, tx=sender, rx=[sink], rate_pps=rate_pps,
                          duration_s=duration_s)


def main(argv: list[str] | None = None) -> int:
    """Print the engine's offered and received packet rates into a sink."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=5.0, help="sending time (s)")
    p.add_argument("--flows", type=int, default=1000, help="distinct UDP flows")
    p.add_argument("--size", type=int, default=64, help="frame size with FCS (bytes)")
    p.add_argument("--rate", type=float, default=None,
                   help="offered rate (packets/s); default: as fast as possible")
    a = p.parse_args(argv)
    try:
        r = measure_sink(a.duration, a.flows, a.size, a.rate)
    except ExtbenchError as e:
        print(f"engine_sink: {e}", file=sys.stderr)
        return e.exit_status
    offered = "as fast as possible" if r.offered_pps is None else f"{r.offered_pps:.0f} pps"
    print(f"local engine into a sink: {a.flows} flows, {a.size} B frames, {offered}, "
          f"{r.duration_s:.2f} s")
    print(f"  tx {r.tx_pps:,.0f} pps ({r.tx_pkts:,} packets at the sender)")
    print(f"  rx {r.rx_pps:,.0f} pps ({r.rx_pkts:,} packets at the sink), "
          f"loss {r.loss_pct:.3f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
