"""Two DPDK engine processes joined by one vhost-user socket: the engine without OVS.

The sender has a virtio-user port, as in a trial; the receiver a vhost-user backend port
(``net_vhost``), where OVS's PMD thread would be. They run on the CPUs a trial uses (the
sender on the first, the receiver on the last), so the engine's own rate and latency can
be measured against a trial's (``benchmarks.dpdk_engine``) and its counting tested.
"""

import os
import shutil
import tempfile
import threading
from pathlib import Path

from harness.dpdk import FILE_PREFIX
from harness.dpdk.build import build_engine
from harness.dpdk.process import EngineProcess, vhost, virtio_user
from harness.traffic.dpdk import PROBE_OFFSET, DpdkPort, packet_file, probe_packet
from harness.traffic.local import stream_cycle
from harness.traffic.profile import compile_streams

TX = DpdkPort("tx", "net_virtio_user0", "00:00:00:00:00:01", "10.0.0.1", 0)
RX = DpdkPort("rx", "net_vhost0", "00:00:00:00:00:02", "10.0.0.2", 0)


class Loopback:
    """A sending engine and a receiving engine joined by a vhost-user socket; a context
    manager (hugepages must be free for both: ``harness.dpdk.hugepages``)."""

    def __init__(self, flows: int, pkt_size: int):
        build_engine()  # Once, before two processes start at the same time.
        cpus = sorted(os.sched_getaffinity(0))
        self.dir = Path(tempfile.mkdtemp(prefix=f"{FILE_PREFIX}{os.getpid()}-loop-"))
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
            try:
                self.rx.__enter__()
            finally:
                sender.join()
            if errors:
                raise errors[0]
            self.tx.call(f"load {self.files[0]}")
            for p in (self.tx, self.rx):
                p.call(f"probe {self.files[1]} {PROBE_OFFSET}")
        except BaseException:
            self.__exit__()
            raise
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
        shutil.rmtree(self.dir, ignore_errors=True)
