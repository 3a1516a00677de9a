"""Interface packet counters, read from /proc/net/dev inside an endpoint's namespace.

/proc/net is per network namespace (of the reading process), so the same read works for
``ip netns`` namespaces and Mininet hosts, whose /sys shows the root namespace instead.
"""

from dataclasses import dataclass

from harness.errors import ExtbenchError
from harness.traffic.endpoint import Endpoint

# Column positions after "intf:" in /proc/net/dev (receive block, then transmit block).
_RX_PACKETS, _RX_DROP, _TX_PACKETS, _TX_DROP = 1, 3, 9, 11


@dataclass(frozen=True)
class Counters:
    """Packet counters of one interface (packets)."""

    rx_packets: int
    rx_dropped: int
    tx_packets: int
    tx_dropped: int


def parse_proc_net_dev(text: str, intf: str) -> Counters:
    """The counters of 'intf' in the text of /proc/net/dev; ExtbenchError if it is absent."""
    for line in text.splitlines():
        name, sep, rest = line.partition(":")
        if sep and name.strip() == intf:
            f = [int(x) for x in rest.split()]
            return Counters(f[_RX_PACKETS], f[_RX_DROP], f[_TX_PACKETS], f[_TX_DROP])
    raise ExtbenchError(f"interface '{intf}' not found in /proc/net/dev of its namespace")


def read(endpoint: Endpoint) -> Counters:
    """The current counters of the endpoint's interface."""
    return parse_proc_net_dev(endpoint.run(["cat", "/proc/net/dev"]), endpoint.intf)
