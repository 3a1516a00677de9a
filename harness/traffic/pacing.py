"""Pacing: a token bucket (tbf qdisc) on the sender's interface sets the offered rate.

trafgen cannot pace smoothly by itself: ``--rate <N>pps`` sends each second's N packets
in one burst at the start of the second (measured here: 20,000 packets at "20000pps" all
left within 0.1 s), and ``--gap`` sleeps after every packet, a timer per packet that caps
the rate near 100 kpps in this VM. So trafgen sends as fast as it can through the qdisc
layer (``--qdisc-path``, one ``sendto`` per packet, which blocks when the socket's send
buffer is full), and a tbf qdisc releases packets at the rate. tbf counts bytes, so its
rate is the packet rate times the mean length of the packets in the cycle; its bucket
holds ``BURST_S`` worth of packets, so that a late timer costs no tokens (measured: 98.5 %
of the rate at 200 and 400 kpps over 2 s, the rest being trafgen's start-up). Every
dequeue attempt re-arms a timer, so pacing 200 kpps or more costs about a core.
"""

import contextlib
import json
import time
from collections.abc import Iterator

from harness.errors import CommandError, ExtbenchError
from harness.traffic.endpoint import Endpoint

BURST_S = 0.005
MIN_BURST_PKTS = 32
# Root qdiscs a plain interface may have; anything else was configured on purpose.
PLAIN_QDISCS = {"noqueue", "pfifo_fast", "fq_codel", "pfifo", "mq"}


def _root(endpoint: Endpoint) -> dict:
    out = endpoint.run(["tc", "-s", "-j", "qdisc", "show", "dev", endpoint.intf, "root"])
    qdiscs = json.loads(out or "[]")
    return qdiscs[0] if qdiscs else {"kind": "noqueue"}


@contextlib.contextmanager
def paced(endpoint: Endpoint, rate_pps: float, mean_len: float, max_len: int,
          burst_s: float = BURST_S) -> Iterator[None]:
    """Limit the endpoint's interface to 'rate_pps' packets of 'mean_len' bytes per second.

    max_len: the longest packet (bytes), which must fit in the bucket
    burst_s: how much sending time the bucket holds (s)
    """
    kind = _root(endpoint)["kind"]
    if kind not in PLAIN_QDISCS:
        raise ExtbenchError(f"{endpoint.name}: interface {endpoint.intf} has a '{kind}' "
                            f"qdisc; the local engine paces with its own tbf and will not "
                            f"replace it")
    burst = max(MIN_BURST_PKTS, round(rate_pps * burst_s)) * max_len
    endpoint.run(["tc", "qdisc", "replace", "dev", endpoint.intf, "root", "tbf",
                  "rate", f"{rate_pps * mean_len * 8:.0f}bit", "burst", str(burst),
                  "limit", str(max(10 * burst, 1 << 20))])
    try:
        yield
    finally:
        with contextlib.suppress(CommandError):
            endpoint.run(["tc", "qdisc", "del", "dev", endpoint.intf, "root"])


def wait_empty(endpoint: Endpoint, timeout_s: float = 2.0) -> None:
    """Wait until the interface's qdisc holds no packets (at most 'timeout_s')."""
    deadline = time.monotonic() + timeout_s
    while _root(endpoint).get("qlen", 0) and time.monotonic() < deadline:
        time.sleep(0.01)
