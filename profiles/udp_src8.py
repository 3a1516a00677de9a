"""UDP from a /8: one continuous stream whose IPv4 source is any of 16,777,215 addresses.

A plain TRex STL profile (``start -f profiles/udp_src8.py -t --src 16.0.0.1``), as
performance-test suites write them: the source address is drawn at random (``--op
random``, TRex's generator seeded by ``--seed``) or swept in order (``--op inc``) over the
/8 that holds --src, NET.0.0.1 … NET.255.255.255 (16,777,215 addresses), written into
each packet, the IPv4 checksum fixed. An inc sweep repeats only after 16,777,215 packets
and a random one never: more than the local engine loops over (1,048,576 distinct
packets), so it sends this profile only with --op random, replaying a window of draws;
the dpdk engine runs the field engine as it sends, as a TRex core does.

Tunables: those of udp_flows (--size, --src, --dst, --sport, --dport; --flows is accepted,
as trials pass it, and ignored: the /8 sets the flows), and
  --op: random (default) or inc
  --seed: the stream's random_seed (default 1; 0: TRex seeds from its clock)
"""

import argparse
import ipaddress

from trex.stl.api import IP, UDP, Ether, STLVmFixIpv4, STLVmFlowVar, STLVmWrFlowVar

# TRex (and extbench's loader) put the profile's folder on sys.path.
from udp_flows import UdpFlows

#: Addresses of a /8 without its network address.
SOURCES = (1 << 24) - 1


class UdpSrc8(UdpFlows):
    """A continuous UDP stream from every address of the /8 of --src but the network's."""

    def parser(self) -> argparse.ArgumentParser:
        p = super().parser()
        p.prog, p.description = "udp_src8", __doc__.splitlines()[0]
        p.add_argument("--op", choices=["random", "inc"], default="random",
                       help="draw the source at random or sweep it in order")
        p.add_argument("--seed", type=int, default=1,
                       help="the stream's random_seed (0: TRex's clock)")
        return p

    def create_streams(self, a: argparse.Namespace):
        net = int(ipaddress.IPv4Network(f"{a.src}/8", strict=False).network_address)
        vm = [STLVmFlowVar(name="src", min_value=net + 1, max_value=net + SOURCES, size=4,
                           op=a.op),
              STLVmWrFlowVar(fv_name="src", pkt_offset="IP.src"),
              STLVmFixIpv4(offset="IP")]
        base = Ether() / IP(src=str(a.src), dst=str(a.dst)) / UDP(sport=a.sport, dport=a.dport,
                                                                 chksum=0)
        return [self.stream(a, base, vm, random_seed=a.seed)]


def register():
    """TRex's entry point."""
    return UdpSrc8()
