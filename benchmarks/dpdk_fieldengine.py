"""The run-time field engine's cost: the dpdk engine's send rate making packets as it sends
them (``fecode``) against looping over the same packets precomputed, in one run.

One engine process (``--no-huge``: no hugepage is reserved) with one ``net_null`` port that
frees what it is given (``no-rx=1``: nothing arrives), so the rate is the engine's own:
making or copying packets and handing them to a port. For each case both loads are sent
unpaced, alternating, ``--rounds`` times for ``--duration`` s each; the ratio of the
medians (run time / precomputed) is what the run-time field engine costs. ``dump`` rates
(making packets without a port) are printed beside them.

Cases: udp_flows (1000 flows: an inc variable, a write, the IPv4 checksum) at 64 and
1500 B, udp_src8 (a random source address), and tests/unit/fixtures/profiles/
tuple_clients.py (a tuple generator, UDP checksum by fix_checksum_hw, computed in
software over the whole packet). ``--vhost``: into a receiving engine over vhost-user
instead, as in a trial (``harness.dpdk.loopback``; rates received). Usage (under ``flock
/tmp/xb-testbed.lock``):

    .venv/bin/python -m benchmarks.dpdk_fieldengine [--duration 2] [--rounds 3] [--vhost]
"""

import argparse
import contextlib
import os
import statistics
from pathlib import Path

from harness.dpdk import hugepages
from harness.dpdk.loopback import Loopback
from harness.dpdk.nohuge import engine_on_vdev
from harness.net.dpdk import ENGINE_MB
from harness.traffic.dpdk import loop_packets, packet_file
from harness.traffic.profile import compile_file, compile_streams

FIXTURES = Path(__file__).parent.parent / "tests" / "unit" / "fixtures" / "profiles"
MAC_A, MAC_B = "02:00:00:00:00:01", "02:00:00:00:00:02"
#: Packets each dump makes.
DUMP = 2_000_000


def cases() -> dict:
    return {
        "udp_flows 64 B": compile_streams("udp_flows", {"flows": "1000", "size": "64"}),
        "udp_flows 1500 B": compile_streams("udp_flows", {"flows": "1000", "size": "1500"}),
        "udp_src8 random 64 B": compile_streams("udp_src8", {"op": "random"}),
        "tuple_clients (hw UDP csum)": compile_file(FIXTURES / "tuple_clients.py"),
    }


def main(argv: list[str] | None = None) -> int:
    """Print per case the send rates (precomputed, run time), their ratio, dump rates."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=2.0, help="sending time per run (s)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    p.add_argument("--cpu", type=int, default=sorted(os.sched_getaffinity(0))[0])
    p.add_argument("--vhost", action="store_true",
                   help="send into a receiving engine over vhost-user (harness.dpdk.loopback,"
                        " as in a trial; needs root and hugepages) instead of net_null")
    a = p.parse_args(argv)
    files = []
    try:
        loads = {}
        for name, streams in cases().items():
            # Precomputed as the local engine would (a random stream: its window).
            pre, _ = loop_packets(streams, MAC_A, MAC_B, precompute_up_to=None)
            made, programs = loop_packets(streams, MAC_A, MAC_B, precompute_up_to=0)
            files.append(packet_file(pre))
            files.append(packet_file(made, programs=programs))
            loads[name] = (files[-2], files[-1], len(pre))
        with contextlib.ExitStack() as stack:
            if a.vhost:
                stack.enter_context(hugepages.reserved(2 * ENGINE_MB))
                loop = stack.enter_context(Loopback(10, 64))
                call = loop.tx.call

                def rate(path: str) -> float:
                    loop.tx.call(f"load {path}")
                    sent, got = loop.run(0, a.duration)
                    return got["rx_by_port"][0] / sent["elapsed_s"]
            else:
                call = stack.enter_context(
                    engine_on_vdev("net_null0,no-rx=1", "fe-bench", a.cpu))

                def rate(path: str) -> float:
                    call(f"load {path}")
                    c = call(f"run 0 0 {a.duration:.3f} 0")
                    return c["tx"] / c["elapsed_s"]
            for name, (pre, made, n_pre) in loads.items():
                rates: dict[str, list[float]] = {"precomputed": [], "run time": []}
                for _ in range(a.rounds):
                    for kind, path in (("precomputed", pre), ("run time", made)):
                        rates[kind].append(rate(path))
                dumps = {}
                for kind, path in (("precomputed", pre), ("run time", made)):
                    call(f"load {path}")
                    d = call(f"dump {DUMP} -")
                    dumps[kind] = d["packets"] / d["elapsed_s"]
                m = {k: statistics.median(v) for k, v in rates.items()}
                print(f"{name} ({n_pre} precomputed packets): send precomputed "
                      f"{m['precomputed'] / 1e6:.2f} Mpps, run time {m['run time'] / 1e6:.2f}"
                      f" Mpps, ratio {m['run time'] / m['precomputed']:.3f} (rounds: "
                      + ", ".join(f"{x / 1e6:.2f}/{y / 1e6:.2f}" for x, y in
                                  zip(rates["precomputed"], rates["run time"], strict=True))
                      + f"); making only: {dumps['precomputed'] / 1e6:.2f} / "
                        f"{dumps['run time'] / 1e6:.2f} Mpps", flush=True)
    finally:
        for f in files:
            Path(f).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
