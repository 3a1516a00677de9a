"""A Mininet network whose switches run in a variant's private OVS instance.

Mininet's ``OVSSwitch`` drives OVS with ``ovs-vsctl``/``ovs-ofctl`` from its switch
shells, which inherit the Python process's environment when they start: while the network
exists, that environment points OVS's tools at our ``OvsInstance`` (never the system's
OVS). Switches use the userspace datapath (``datapath_type=netdev``), fail-mode secure
and no controller: the trial installs every flow.
"""

import os
from collections import deque
from functools import partial

from mininet.log import setLogLevel
from mininet.net import Mininet
from mininet.node import OVSSwitch
from mininet.util import errRun

from harness import PREFIX
from harness.net.topology import ExtTopo, logical
from harness.ovs.daemons import OvsInstance


class Switch(OVSSwitch):
    """Mininet's OVSSwitch, whose teardown does not wait on ovs-vswitchd.

    Mininet deletes the bridges with a plain ``ovs-vsctl``, which waits until
    ovs-vswitchd has reconfigured: forever, if the daemon died during the trial.
    """

    @classmethod
    def batchShutdown(cls, switches, run=errRun):  # noqa: N802 (Mininet's API)
        def no_wait(cmd: str):
            return run(cmd.replace("ovs-vsctl ", "ovs-vsctl --no-wait --timeout=10 ", 1))
        return super().batchShutdown(switches, run=no_wait)


class Network:
    """Context manager: build and start the topology; stop and remove it on exit."""

    def __init__(self, ovs: OvsInstance, topo: ExtTopo):
        self.ovs, self.topo = ovs, topo
        self.net: Mininet | None = None
        self._saved_env: dict[str, str] | None = None

    def __enter__(self) -> "Network":
        setLogLevel("warning")
        self._saved_env = dict(os.environ)
        os.environ.update(self.ovs.env())
        try:
            switch = partial(Switch, datapath="user", failMode="secure",
                             protocols="OpenFlow10,OpenFlow13,OpenFlow14")
            self.net = Mininet(topo=self.topo, switch=switch, controller=None,
                               autoSetMacs=True, waitConnected=False, build=False)
            self.net.build()
            self.net.start()
            self.net.staticArp()
            for switch in self.net.switches:
                # The switch side of each link lives in the root namespace, whose kernel
                # would otherwise send IPv6 router solicitations and MLD reports from it
                # straight into the hosts, past OVS.
                for intf in switch.intfList():
                    if intf.name != "lo":
                        switch.cmd(f"sysctl -qw net.ipv6.conf.{intf.name}.disable_ipv6=1")
            for host in self.net.hosts:
                # No IPv6 chatter (router solicitations) in the measured traffic.
                host.cmd("sysctl -qw net.ipv6.conf.all.disable_ipv6=1")
                for intf in host.intfList():
                    # Userspace OVS does not complete checksum offload over veth.
                    host.cmd(f"ethtool -K {intf.name} tx off rx off >/dev/null 2>&1")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.net is not None:
                names = [s.name for s in self.net.switches]
                self.net.stop()
                self.net = None
                # A bridge's own interface outlives an ovs-vswitchd that died.
                for name in names:
                    if os.path.exists(f"/sys/class/net/{name}"):
                        errRun(f"ip link del {name}")
        finally:
            if self._saved_env is not None:
                os.environ.clear()
                os.environ.update(self._saved_env)
                self._saved_env = None

    def host(self, name: str):
        """The Mininet host with logical name 'name' (h1)."""
        return self.net.get(name if name.startswith(PREFIX) else PREFIX + name)

    def switches(self) -> list:
        """Every switch (Mininet nodes)."""
        return list(self.net.switches)

    def routes(self) -> dict[str, dict[str, int]]:
        """For each switch (OS name), the OpenFlow port leading to each host (logical name).

        Shortest paths by breadth-first search from each host; ties go to the neighbour
        added first, so multipath topologies (leaf-spine) use one deterministic path.
        """
        adjacency: dict[str, list[tuple[str, object]]] = {}
        for link in self.net.links:
            a, b = link.intf1, link.intf2
            adjacency.setdefault(a.node.name, []).append((b.node.name, a))
            adjacency.setdefault(b.node.name, []).append((a.node.name, b))
        switch_names = {s.name for s in self.net.switches}
        table: dict[str, dict[str, int]] = {s: {} for s in switch_names}
        for host in self.net.hosts:
            seen, queue = {host.name}, deque([host.name])
            while queue:
                node = queue.popleft()
                for peer, _ in adjacency.get(node, []):
                    if peer in seen or peer not in switch_names:
                        continue
                    seen.add(peer)
                    # The peer switch reaches the host through its link towards 'node'.
                    intf = next(i for n, i in adjacency[peer] if n == node)
                    table[peer][logical(host.name)] = self.net.get(peer).ports[intf]
                    queue.append(peer)
        return table
