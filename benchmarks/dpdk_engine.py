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
import os
import statistics
import sys
import tempfile
import threading
from pathlib import Path

from harness.dpdk import FILE_PREFIX, hugepages
from harness.dpdk.process import EngineProcess, vhost, virtio_user
from harness.net.dpdk import ENGINE_MB
from harness.traffic.dpdk import PROBE_OFFSET, DpdkPort, packet_file, probe_packet
from harness.traffic.latency import summarize_latencies
from harness.traffic.local import stream_cycle
from harness.traffic.profile import compile_streams
from harness.trial import TrialSpec, run_trial

TX = DpdkPort("tx", "net_virtio_user0", "00:00:00:00:00:01", "10.0.0.1", 0)
RX = DpdkPort("rx", "net_vhost0", "00:00:00:00:00:02", "10.0.0.2", 0)


class Loopback:
    """A sending engine and a receiving engine joined by a vhost-user socket."""

    def __init__(self, flows: int, pkt_size: int):
        cpus = sorted(os.sched_getaffinity(0))
        self.dir = Path(tempfile.mkdtemp(prefix=f"{FILE_PREFIX}{os.getpid()}-bench-"))
        sock = str(self.dir / "loop.sock")
        self.tx = EngineProcess([virtio_user(0, sock, TX.mac)], cpus[0])
        self.rx = EngineProcess([vhost(0, sock)], cpus[-1])
        streams = compile_streams("udp_flows", {"flows": str(flows), "size": str(pkt_size),
                                                "src": TX.ip, "dst": RX.ip})
        self.files = [packet_file(stream_cycle(streams, TX.mac, RX.mac)),
                      packet_file([(0, probe_packet(TX, RX))])]

    def __enter__(self) -> "Loopback":
        # The sender's virtio-user server waits in its EAL set-up until the receiver
        # connects: start it in a thread, then the receiver.
        errors: list[BaseException] = []

        def start_sender() -> None:
            try:
                self.tx.__enter__()
            except BaseException as e:  # Raised below, in the caller's thread.
                errors.append(e)
        sender = threading.Thread(target=start_sender)
        sender.start()
        try:
            self.rx.__enter__()
        finally:
            sender.join()
        if errors:
            self.__exit__()
            raise errors[0]
        self.tx.call(f"load {self.files[0]}")
        for p in (self.tx, self.rx):
            p.call(f"probe {self.files[1]} {PROBE_OFFSET}")
        return self

    def run(self, rate: float, duration: float, probe_pps: float = 0) -> tuple[dict, dict]:
        """(sender's counts, receiver's counts) of one run."""
        self.rx.send(f"listen {duration + 0.5:.3f}")
        sent = self.tx.call(f"run 0 {rate:.3f} {duration:.3f} {probe_pps:.3f}",
                            timeout_s=duration + 30)
        return sent, self.rx.reply("listen", duration + 30)

    def __exit__(self, *exc) -> None:
        for p in (self.tx, self.rx):
            p.__exit__(None, None, None)
        for f in self.files:
            Path(f).unlink(missing_ok=True)
        for f in self.dir.iterdir():
            f.unlink()
        self.dir.rmdir()


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
