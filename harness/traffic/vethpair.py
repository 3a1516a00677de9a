"""Two network namespaces joined by a veth pair: a sender and a sink, for tests and benchmarks.

Names carry the project prefix: namespaces ``xb-<tag>-a`` / ``xb-<tag>-b`` and interfaces
``xb<tag>a`` / ``xb<tag>b``. IPv6 is off on both ends so that no neighbour discovery or
router solicitation mixes with the measured packets. Everything is removed on exit.
"""

import contextlib
from collections.abc import Iterator

from harness import PREFIX
from harness.errors import ExtbenchError
from harness.proc import run, run_checked
from harness.traffic.endpoint import NetnsEndpoint


@contextlib.contextmanager
def veth_pair(tag: str, addresses: tuple[str, str] | None = None
              ) -> Iterator[tuple[NetnsEndpoint, NetnsEndpoint]]:
    """Yield the endpoints (a, b) of a fresh veth pair between two fresh namespaces.

    tag: short name part (interface names must stay within 15 characters)
    addresses: optional IPv4 addresses with prefix length for a and b ("10.0.0.1/24")
    """
    names = [(f"{PREFIX}-{tag}-{end}", f"{PREFIX}{tag}{end}") for end in "ab"]
    if len(names[0][1]) > 15:
        raise ExtbenchError(f"veth pair tag '{tag}' is too long (interface names ≤ 15 chars)")
    created: list[str] = []
    try:
        for ns, _ in names:
            run_checked(["ip", "netns", "add", ns])
            created.append(ns)
        (ns_a, if_a), (ns_b, if_b) = names
        run_checked(["ip", "link", "add", if_a, "netns", ns_a, "type", "veth",
                     "peer", "name", if_b, "netns", ns_b])
        for i, (ns, intf) in enumerate(names):
            run_checked(["ip", "netns", "exec", ns, "sysctl", "-qw",
                         "net.ipv6.conf.all.disable_ipv6=1",
                         f"net.ipv6.conf.{intf}.disable_ipv6=1"])
            if addresses:
                run_checked(["ip", "-n", ns, "addr", "add", addresses[i], "dev", intf])
            run_checked(["ip", "-n", ns, "link", "set", intf, "up"])
        yield NetnsEndpoint(ns_a, if_a), NetnsEndpoint(ns_b, if_b)
    finally:
        # Deleting a namespace deletes the veth end inside it, and with it the pair.
        for ns in reversed(created):
            run(["ip", "netns", "del", ns])
