"""Knock mix: a knocker's port-knocking sequence beside TCP from a host that never knocks.

A plain TRex STL profile (``start -f profiles/knock_mix.py -t --flows 1000``), for
port-knocking filters. Three continuous streams at equal rates to the receiver (--dst):

  knocks   knocker → dst, UDP to 7001, 7002, 7003 in turn (over 'flows' source ports)
  guarded  src → dst, TCP SYN to port 22, over 'flows' source ports
  open     src → dst, TCP SYN to port 80, over 'flows' source ports

The sender (--src) never knocks: a port-knocking filter guarding port 22 passes the knocks
and the open stream and drops every guarded packet, two thirds of the packets passing,
whatever the knocker's sequence has opened for the knocker itself.
"""

import argparse
import ipaddress

from trex.stl.api import (
    IP,
    TCP,
    UDP,
    CTRexVmInsFixHwCs,
    Ether,
    STLVmFixChecksumHw,
    STLVmFlowVar,
    STLVmWrFlowVar,
)

# TRex (and extbench's loader) put the profile's folder on sys.path.
from udp_flows import UdpFlows

KNOCKS = (7001, 7002, 7003)
GUARDED, OPEN = 22, 80


class KnockMix(UdpFlows):
    """Tunables: those of udp_flows (--flows, --size, --src, --dst, --sport; --dport is
    not used), and
      --knocker: IPv4 address the knocks come from (default 10.0.0.100)

    Flows differ by source port (sport, sport+1, …), so they must fit below 65536.
    """

    PORT_FLOWS_ONLY = True

    def parser(self) -> argparse.ArgumentParser:
        p = super().parser()
        p.add_argument("--knocker", type=ipaddress.IPv4Address, default="10.0.0.100",
                       help="IPv4 address the knocks come from")
        return p

    def create_streams(self, a: argparse.Namespace) -> list:
        knocks = Ether() / IP(src=str(a.knocker), dst=str(a.dst)) / UDP(
            sport=a.sport, dport=KNOCKS[0], chksum=0)
        # A second counter walks the knock ports; both advance on every packet.
        knock_vm = [STLVmFlowVar(name="knock", min_value=KNOCKS[0], max_value=KNOCKS[-1],
                                 size=2, op="inc"),
                    STLVmWrFlowVar(fv_name="knock", pkt_offset="UDP.dport"),
                    *self.flow_vm(a, "UDP.sport")]
        tcp_fix = STLVmFixChecksumHw(l3_offset="IP", l4_offset="TCP",
                                     l4_type=CTRexVmInsFixHwCs.L4_TYPE_TCP)

        def syn(dport):
            return Ether() / IP(src=str(a.src), dst=str(a.dst)) / TCP(sport=a.sport,
                                                                      dport=dport, flags="S")

        return [self.stream(a, knocks, knock_vm, "knocks"),
                self.stream(a, syn(GUARDED), self.flow_vm(a, "TCP.sport", tcp_fix), "guarded"),
                self.stream(a, syn(OPEN), self.flow_vm(a, "TCP.sport", tcp_fix), "open")]


def register():
    """TRex's entry point."""
    return KnockMix()
