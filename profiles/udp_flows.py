"""UDP flows: one continuous stream cycling through a number of distinct UDP/IPv4 flows.

A plain TRex STL profile: it runs unchanged on a TRex server
(``start -f profiles/udp_flows.py -t --flows 1000 --size 64``) and in extbench's local
engine, which reproduces TRex's field engine. Both ways of passing tunables work: the
argparse list of TRex ≥ 2.90 (``tunables``) and keyword arguments of older clients.
"""

import argparse
import ipaddress

from trex.stl.api import (
    IP,
    UDP,
    Ether,
    STLPktBuilder,
    STLStream,
    STLTXCont,
    STLVmFixIpv4,
    STLVmFlowVar,
    STLVmWrFlowVar,
)


class UdpFlows:
    """Continuous UDP/IPv4 stream over 'flows' flows, visited in order (a flow per packet).

    Tunables (argparse; TRex: ``-t --flows 1000``, extbench: ``{"flows": 1000}``):
      --flows: number of distinct UDP flows (default 1000)
      --size: frame size in bytes including the 4-byte FCS (default 64)
      --src: IPv4 source address (default 10.0.0.1)
      --dst: IPv4 destination address (default 10.0.0.2)
      --sport: UDP source port of the first flow (default 1025)
      --dport: UDP destination port (default 12)

    Flows differ by UDP source port (sport, sport+1, …). When they do not fit below port
    65535, they differ by IPv4 source address instead (src, src+1, …) with the source port
    fixed. The UDP checksum is 0 ("none", valid for IPv4), so varying fields keep every
    packet valid; the field engine fixes the IPv4 header checksum. Ethernet addresses are
    left at scapy's defaults, so TRex (or the local engine) writes its ports' addresses.
    """

    FCS = 4
    MIN_SIZE, MAX_SIZE = 64, 9216
    PPS = 1000  # Nominal rate; TRex's -m and the local engine's rate scale it.
    #: Flows must differ by port (subclasses whose streams vary ports, not addresses).
    PORT_FLOWS_ONLY = False

    def parser(self) -> argparse.ArgumentParser:
        """The tunables' parser."""
        p = argparse.ArgumentParser(prog="udp_flows", description=self.__doc__.splitlines()[0],
                                    formatter_class=argparse.ArgumentDefaultsHelpFormatter)
        p.add_argument("--flows", type=int, default=1000, help="number of distinct UDP flows")
        p.add_argument("--size", type=int, default=64,
                       help="frame size in bytes, including the 4-byte FCS")
        p.add_argument("--src", type=ipaddress.IPv4Address, default="10.0.0.1",
                       help="IPv4 source address")
        p.add_argument("--dst", type=ipaddress.IPv4Address, default="10.0.0.2",
                       help="IPv4 destination address")
        p.add_argument("--sport", type=int, default=1025, help="UDP source port of flow 0")
        p.add_argument("--dport", type=int, default=12, help="UDP destination port")
        return p

    def parse(self, tunables: list[str]) -> argparse.Namespace:
        """Parse and check the tunables (argparse exits with a message on bad input)."""
        p = self.parser()
        a = p.parse_args(tunables)
        if not self.MIN_SIZE <= a.size <= self.MAX_SIZE:
            p.error(f"argument --size: {a.size} not in {self.MIN_SIZE}..{self.MAX_SIZE}")
        if not 0 <= a.sport <= 0xFFFF or not 0 <= a.dport <= 0xFFFF:
            p.error("argument --sport/--dport: ports are 0..65535")
        if a.flows < 1 or int(a.src) + a.flows - 1 > 0xFFFFFFFF:
            p.error(f"argument --flows: {a.flows} flows do not fit after --src {a.src}")
        if self.PORT_FLOWS_ONLY and a.sport + a.flows - 1 > 0xFFFF:
            p.error(f"argument --flows: {a.flows} flows do not fit in the ports after "
                    f"--sport {a.sport}")
        return a

    def flow_vm(self, a: argparse.Namespace, port_field: str = "UDP.sport",
                fix=None) -> list:
        """Field-engine instructions: one counter over the flows, written to the packet.

        port_field: the port the counter is written to; fix: the checksum instruction
        (default: the IPv4 header checksum)
        """
        if a.sport + a.flows - 1 <= 0xFFFF:
            var = STLVmFlowVar(name="flow", min_value=a.sport, max_value=a.sport + a.flows - 1,
                               size=2, op="inc")
            write = STLVmWrFlowVar(fv_name="flow", pkt_offset=port_field)
        else:
            var = STLVmFlowVar(name="flow", min_value=int(a.src),
                               max_value=int(a.src) + a.flows - 1, size=4, op="inc")
            write = STLVmWrFlowVar(fv_name="flow", pkt_offset="IP.src")
        return [var, write, fix or STLVmFixIpv4(offset="IP")]

    def stream(self, a: argparse.Namespace, headers, vm: list, name: str | None = None,
               pps: float | None = None, **kwargs) -> STLStream:
        """A continuous stream of 'headers' padded to the frame size, with field engine 'vm',
        at 'pps' (default PPS); other STLStream arguments in 'kwargs' (e.g. flow_stats)."""
        pad = max(0, a.size - self.FCS - len(headers)) * b"x"
        return STLStream(name=name, packet=STLPktBuilder(pkt=headers / pad, vm=vm),
                         mode=STLTXCont(pps=self.PPS if pps is None else pps), **kwargs)

    def create_streams(self, a: argparse.Namespace) -> list[STLStream]:
        """The streams for parsed tunables 'a'."""
        base = Ether() / IP(src=str(a.src), dst=str(a.dst)) / UDP(sport=a.sport, dport=a.dport,
                                                                 chksum=0)
        return [self.stream(a, base, self.flow_vm(a))]

    def get_streams(self, direction=0, port_id=0, tunables=None, **kwargs):
        """Streams for TRex: 'tunables' (argparse list) or, from older clients, kwargs."""
        if tunables is None:
            tunables = [x for k, v in kwargs.items() for x in (f"--{k}", str(v))]
        return self.create_streams(self.parse(tunables))


def register():
    """TRex's entry point."""
    return UdpFlows()
