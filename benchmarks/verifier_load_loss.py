"""Does loading a worst-case program stall forwarding? Loss with and without a load (issue 14).

On one testbed (verifier variant, p2p, udp_flows, a noop extension, a fixed rate), alternate
fixed-rate measurements with nothing else happening and with ``bpf/load`` of an adversarial
program (``benchmarks.verifier_worst_case``: the program that spends the verifier's whole
budget) issued about a second after sending starts (no warm-up). ``bpf/load`` verifies in
ovs-vswitchd's BPF loader thread, beside the forwarding threads: with dpdk (and afxdp) ports a
PMD thread forwards; with system ports the main thread does, and it shares its CPU with the
loader. Prints the load's wall time, its verdict, and the loss of each measurement. Needs root
and the verifier variant built from the current sources. Usage:

    .venv/bin/python -m benchmarks.verifier_load_loss [--port-type dpdk] [--rate 200000]
"""

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.verifier_worst_case import compile_program, joins
from harness.errors import ExtbenchError
from harness.ovs.build import check_current
from harness.trial import PORT_TYPES, Testbed, TrialSpec


def compile_worst_case(tmp: Path, n: int) -> Path:
    """The 'ids-N' program of benchmarks.verifier_worst_case, compiled."""
    return compile_program("worst", joins(n, ids=True), tmp)


#: When the load starts after the measurement does (s): past the counter clearing and the
#: coverage wait that precede sending (``Testbed.measure``; no warm-up here), so that the
#: verifier runs while packets are being sent.
LOAD_DELAY_S = 2.5


def load_during(bed: Testbed, switch: str, obj: Path, outcome: list[str]) -> None:
    """While a measurement sends, load (and unload) 'obj'; append what happened."""
    time.sleep(LOAD_DELAY_S)
    t0 = time.monotonic()
    try:
        bed.bpf.load(switch, 99, str(obj))
        bed.bpf.unload(switch, 99)
        verdict = "accepted"
    except ExtbenchError as e:
        verdict = str(e).splitlines()[-1][-90:]
    outcome.append(f"bpf/load took {time.monotonic() - t0:.2f} s: {verdict}")


def main(argv: list[str] | None = None) -> int:
    """Alternate quiet and loading measurements; print each one's loss."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port-type", default="dpdk", choices=PORT_TYPES)
    p.add_argument("--rate", type=float, default=200_000.0, help="offered pps")
    p.add_argument("--duration", type=float, default=6.0)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--size", type=int, default=128, help="tests in the ids-N program")
    a = p.parse_args(argv)
    check_current("verifier")
    spec = TrialSpec(variant="verifier", extension="noop", flows=1000, rate_pps=a.rate,
                     duration_s=a.duration, port_type=a.port_type, warmup=False)
    with tempfile.TemporaryDirectory() as d, Testbed(spec) as bed:
        obj = compile_worst_case(Path(d), a.size)
        switch = bed.net.switches()[0].name
        for rnd in range(a.rounds):
            for loading in (False, True):
                outcome: list[str] = []
                loader = (threading.Thread(target=load_during, args=(bed, switch, obj, outcome))
                          if loading else None)
                if loader:
                    loader.start()
                r = bed.measure(a.rate, a.duration)
                if loader:
                    loader.join()
                print(f"round {rnd} {'loading' if loading else 'quiet  '}: tx {r['tx_pkts']} "
                      f"rx {r['rx_pkts']} loss {r['loss_pct']:.3f} % (ring full "
                      f"{r['ring_full']}, socket drops {r['ovs_socket_drops']})"
                      f"{'; ' + outcome[0] if outcome else ''}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
