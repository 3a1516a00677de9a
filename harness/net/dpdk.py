"""The ``dpdk`` port type on a Mininet network: no packet of a measurement in the kernel.

The Mininet topology stays the description of hosts, switches and links, and the
network is built as for the other port types. Then every switch port is re-typed in
place, keeping its name and OpenFlow port number (so the forwarding flows stay as they
are): a port facing a host becomes a ``dpdkvhostuserclient`` port, whose peer is a
virtio-user port of one DPDK engine process standing in for the host (its MAC and IPv4
address); a link between two switches becomes a pair of ``patch`` ports. Patch ports
join the bridges into one datapath: a packet crosses every switch of its path in one
datapath pass, so a multi-switch topology has one megaflow per path, not one per switch
(README: "Port types").

CPUs: the engine's only lcore is the first CPU, OVS's PMD thread polls every port from
the last CPU, and OVS's other threads (main, handlers, revalidators) share the first CPU
with the engine, where they take time from the generator rather than from the switch.
"""

import time
from pathlib import Path

from harness.dpdk.process import EngineProcess, virtio_user
from harness.errors import ExtbenchError
from harness.net.network import Network
from harness.net.topology import logical
from harness.ovs.daemons import OvsInstance
from harness.traffic.dpdk import DpdkPort

#: Hugepage memory a dpdk trial needs (MiB): the engine's pool and rings, and OVS's
#: per-port mempools (per-port-memory, ~67 MiB each at MTU 1500, ~230 MiB at MTU 9216:
#: about 22,500 mbufs a port), with room to spare.
ENGINE_MB, PER_PORT_MB, JUMBO_PER_PORT_MB, OVS_MB = 128, 96, 320, 128
#: The MTU of the vhost-user ports when a profile sends frames longer than 1514 bytes
#: (the engine sends up to 9728-byte frames: MAX_PKT_LEN of engine.c).
JUMBO_MTU = 9216
#: The longest frame (bytes without FCS) of the default MTU, 1500.
STANDARD_FRAME = 1514


def hugepage_mb(n_host_ports: int, jumbo: bool = False) -> int:
    """Hugepage memory (MiB) for a dpdk trial with 'n_host_ports' vhost-user ports, at
    MTU 1500 or ('jumbo') JUMBO_MTU."""
    return ENGINE_MB + OVS_MB + (JUMBO_PER_PORT_MB if jumbo else PER_PORT_MB) * n_host_ports


def port_mtu(longest_frame: int) -> int | None:
    """The MTU the vhost-user ports need for frames of 'longest_frame' bytes (without FCS):
    None (OVS's default, 1500) up to 1514 bytes, else JUMBO_MTU; ExtbenchError above."""
    if longest_frame <= STANDARD_FRAME:
        return None
    if longest_frame > JUMBO_MTU + 14:
        raise ExtbenchError(f"dpdk port type: {longest_frame}-byte frames do not fit the "
                            f"ports' largest MTU, {JUMBO_MTU}")
    return JUMBO_MTU


def ovs_other_config(file_prefix: str, main_cpu: int, pmd_cpu: int) -> dict[str, str]:
    """OVS's DPDK settings (set before ovs-vswitchd starts): main lcore on 'main_cpu', one
    PMD thread on 'pmd_cpu', memory per port (no 800 MB shared pool), no PCI scan."""
    return {"dpdk-init": "true", "dpdk-lcore-mask": f"{1 << main_cpu:#x}",
            "pmd-cpu-mask": f"{1 << pmd_cpu:#x}", "per-port-memory": "true",
            "dpdk-socket-limit": "2048",
            "dpdk-extra": f'"--file-prefix={file_prefix} --no-pci"'}


class DpdkPorts:
    """Context manager: re-type a network's switch ports and start the engine for its hosts.

    ports: after entering, the engine's port standing in for each host (by logical name)
    mtu: the vhost-user ports' MTU (``mtu_request``; None: OVS's default, 1500), and
        mergeable receive buffers at the engine's ports (jumbo frames: ``port_mtu``)
    """

    def __init__(self, ovs: OvsInstance, network: Network, engine_cpu: int,
                 mtu: int | None = None):
        self.ovs, self.network, self.engine_cpu, self.mtu = ovs, network, engine_cpu, mtu
        self.ports: dict[str, DpdkPort] = {}
        self.process: EngineProcess | None = None

    def __enter__(self) -> "DpdkPorts":
        vdevs: list[str] = []
        vsctl: list[str] = []
        switches = {s.name for s in self.network.switches()}
        assert self.ovs.run_dir is not None
        for link in self.network.net.links:
            a, b = link.intf1, link.intf2
            if a.node.name in switches and b.node.name in switches:
                for mine, peer in ((a, b), (b, a)):
                    vsctl += ["--", "set", "interface", mine.name, "type=patch",
                              f"options:peer={peer.name}"]
                continue
            switch_intf, host_intf = (a, b) if a.node.name in switches else (b, a)
            host = logical(host_intf.node.name)
            if host in self.ports:
                raise ExtbenchError(f"dpdk port type: host {host} has more than one link")
            sock = Path(self.ovs.run_dir) / f"{host_intf.node.name}.sock"
            vsctl += ["--", "set", "interface", switch_intf.name, "type=dpdkvhostuserclient",
                      f"options:vhost-server-path={sock}",
                      *([f"mtu_request={self.mtu}"] if self.mtu else [])]
            index = len(vdevs)
            mac = host_intf.MAC()
            vdevs.append(virtio_user(index, str(sock), mac, mrg_rxbuf=bool(self.mtu)))
            self.ports[host] = DpdkPort(name=host_intf.node.name,
                                        intf=f"net_virtio_user{index}", mac=mac,
                                        ip=host_intf.IP(), port=index)
        self.ovs.vsctl(*vsctl[1:])
        try:
            self.process = EngineProcess(vdevs, self.engine_cpu).__enter__()
            self._wait_for_ovs()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_for_ovs(self, timeout_s: float = 30.0) -> None:
        """Wait until the PMD thread polls every vhost-user port."""
        names = [i.name for s in self.network.switches() for i in s.intfList()
                 if i.name != "lo"]
        deadline = time.monotonic() + timeout_s
        while True:
            types = self.ovs.vsctl("--columns=name,type", "--format=csv", "--no-headings",
                                   "list", "interface")
            vhost = [n for n in names if f"{n},dpdkvhostuserclient" in types]
            shown = self.ovs.appctl("dpif-netdev/pmd-rxq-show")
            if all(f"port: {n} " in shown and "(enabled)" in shown for n in vhost):
                return
            if time.monotonic() > deadline:
                raise ExtbenchError(f"dpdk ports did not come up on the PMD thread within "
                                    f"{timeout_s:.0f} s:\n{shown}")
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.__exit__(None, None, None)
            self.process = None
