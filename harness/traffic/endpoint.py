"""Endpoints: where an engine's traffic leaves or arrives, with a way to run commands there.

An engine needs, for the sender and each receiver, the interface name, its MAC address
(written into the packets, as TRex does from its port configuration) and a way to run
programs inside the endpoint's network namespace (the sender, counter reads). Two kinds:
``NetnsEndpoint`` for a plain network namespace (tests, benchmarks) and
``MininetEndpoint`` for a Mininet host (trials).
"""

import json
import subprocess
from collections.abc import Sequence
from functools import cached_property
from typing import Protocol, runtime_checkable

from harness.errors import CommandError
from harness.proc import run_checked


@runtime_checkable
class Endpoint(Protocol):
    """A network interface inside a namespace, and a way to run programs in that namespace.

    name: label used in results (rx_by_endpoint)
    intf: interface name inside the namespace
    mac: the interface's MAC address (aa:bb:cc:dd:ee:ff)
    ip: the interface's IPv4 address, or None
    """

    name: str
    intf: str
    mac: str
    ip: str | None

    def popen(self, argv: Sequence[str], **kwargs) -> subprocess.Popen:
        """Start 'argv' in the namespace as the leader of a new process group (pgid = pid)."""
        ...

    def run(self, argv: Sequence[str]) -> str:
        """Run 'argv' in the namespace and return its stdout; raise CommandError on failure."""
        ...


class NetnsEndpoint:
    """An interface in a named network namespace (``ip netns``)."""

    def __init__(self, netns: str, intf: str, name: str | None = None):
        self.netns, self.intf = netns, intf
        self.name = name or netns

    def _argv(self, argv: Sequence[str]) -> list[str]:
        return ["ip", "netns", "exec", self.netns, *argv]

    def popen(self, argv: Sequence[str], **kwargs) -> subprocess.Popen:
        """Start 'argv' in the namespace in a new session (its own process group)."""
        # ip netns exec execs the program, so the pid (and pgid) is the program's.
        return subprocess.Popen(self._argv(argv), start_new_session=True, **kwargs)

    def run(self, argv: Sequence[str]) -> str:
        """Run 'argv' in the namespace; return stdout, raise CommandError on failure."""
        return run_checked(self._argv(argv), timeout=60)

    @cached_property
    def _addr(self) -> dict:
        return _link(self, self.intf)

    @property
    def mac(self) -> str:
        """The interface's MAC address."""
        return self._addr["address"]

    @property
    def ip(self) -> str | None:
        """The interface's first IPv4 address, or None."""
        addrs = [a["local"] for a in self._addr.get("addr_info", []) if a["family"] == "inet"]
        return addrs[0] if addrs else None

    def __repr__(self) -> str:
        return f"NetnsEndpoint({self.netns!r}, {self.intf!r})"


class MininetEndpoint:
    """An interface of a Mininet host (default: the host's default interface)."""

    def __init__(self, host, intf: str | None = None):
        self.host = host
        self.name = host.name
        self.intf = intf or host.defaultIntf().name
        self.ip = host.IP(self.intf)
        # Mininet knows the MAC once the network configured the host; else ask the kernel.
        self.mac = host.MAC(self.intf) or _link(self, self.intf)["address"]

    def popen(self, argv: Sequence[str], **kwargs) -> subprocess.Popen:
        """Start 'argv' in the host's namespace; mnexec -d makes it a process group leader."""
        return self.host.popen(list(argv), **kwargs)

    def run(self, argv: Sequence[str]) -> str:
        """Run 'argv' in the host's namespace; return stdout, raise CommandError on failure."""
        p = self.host.popen(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = p.communicate(timeout=60)
        if p.returncode != 0:
            raise CommandError(list(argv), p.returncode, err.decode(errors="replace"))
        return out.decode(errors="replace")

    def __repr__(self) -> str:
        return f"MininetEndpoint({self.name!r}, {self.intf!r})"


def _link(endpoint: Endpoint, intf: str) -> dict:
    """What ``ip -j addr show`` says about 'intf' in the endpoint's namespace."""
    return json.loads(endpoint.run(["ip", "-j", "addr", "show", "dev", intf]))[0]
