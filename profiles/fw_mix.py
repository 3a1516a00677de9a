"""Firewall mix: flows opened from the inside, their replies, and packets nobody asked for.

A plain TRex STL profile (``start -f profiles/fw_mix.py -t --flows 1000``), for stateful
firewalls. Three continuous UDP streams at equal rates over the same 'flows' flows, between
an inside host (--dst), an outside peer (--peer) and the sender (--src, outside); the
sender speaks for all of them (as a TRex port does), so one sending port exercises both
directions of the firewall:

  leaving      dst:port_i → peer:dport   (the inside opens flow i)
  reply        peer:dport → dst:port_i   (the peer answers flow i)
  unsolicited  src:dport  → dst:port_i   (the sender, to which nobody opened a flow)

A stateful firewall for the inside host passes the leaving packets, the replies once flow i
has left, and no unsolicited packet: two thirds of the packets. The streams are listed in
that order, so the packets of flow i leave before its reply arrives.
"""

import argparse
import ipaddress

from trex.stl.api import IP, UDP, Ether

# TRex (and extbench's loader) put the profile's folder on sys.path.
from udp_flows import UdpFlows


class FirewallMix(UdpFlows):
    """Tunables: those of udp_flows (--flows, --size, --src, --dst, --sport, --dport), and
      --peer: IPv4 address of the outside peer (default 10.0.0.3)

    The address defaults are the gateway topology's: sender h2 (10.0.0.2), inside host h1
    (10.0.0.1), outside peer h3 (10.0.0.3).

    Flows differ by the inside's UDP port (sport, sport+1, …), so they must fit below 65536.
    """

    PORT_FLOWS_ONLY = True

    def parser(self) -> argparse.ArgumentParser:
        p = super().parser()
        p.add_argument("--peer", type=ipaddress.IPv4Address, default="10.0.0.3",
                       help="IPv4 address of the outside peer")
        p.set_defaults(src=ipaddress.IPv4Address("10.0.0.2"),
                       dst=ipaddress.IPv4Address("10.0.0.1"))
        return p

    def create_streams(self, a: argparse.Namespace) -> list:
        def udp(src, dst, sport, dport):
            return Ether() / IP(src=str(src), dst=str(dst)) / UDP(sport=sport, dport=dport,
                                                                  chksum=0)

        return [self.stream(a, udp(a.dst, a.peer, a.sport, a.dport),
                            self.flow_vm(a, "UDP.sport"), "leaving"),
                self.stream(a, udp(a.peer, a.dst, a.dport, a.sport),
                            self.flow_vm(a, "UDP.dport"), "reply"),
                self.stream(a, udp(a.src, a.dst, a.dport, a.sport),
                            self.flow_vm(a, "UDP.dport"), "unsolicited")]


def register():
    """TRex's entry point."""
    return FirewallMix()
