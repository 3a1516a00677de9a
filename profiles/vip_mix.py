"""VIP mix: a given share of the UDP packets goes to a virtual IP, the rest to its backend.

A plain TRex STL profile (``start -f profiles/vip_mix.py -t --flows 1000 --share 0.25``)
for destination NAT: two continuous UDP streams over the same 'flows' flows, one to the
virtual IP (--vip) at 'share' of the rate, one straight to the backend (--backend, port
--backend-port) at the rest. A DNAT of the virtual IP to the backend (``extensions/dnat``)
rewrites exactly the first stream's packets; every packet then reaches the backend at its
port. ``vip_mix_10``, ``vip_mix_50`` and ``vip_mix_90`` are this profile with a share of
0.1, 0.5 and 0.9 (the config can name a profile, not pass it a tunable).
"""

import argparse
import ipaddress

from trex.stl.api import IP, UDP, Ether

# TRex (and extbench's loader) put the profile's folder on sys.path.
from udp_flows import UdpFlows


class VipMix(UdpFlows):
    """Tunables: those of udp_flows (--flows, --size, --src, --sport, --dport; --dst is
    not used), and
      --share: share of the packets sent to the virtual IP, 0..1 (default SHARE)
      --vip: the virtual IP (default 10.0.0.2, h2 of the fanout topology)
      --backend: the backend's address (default 10.0.0.3, h3)
      --backend-port: the backend's UDP port (default 8080)
    """

    SHARE = 0.5

    def parser(self) -> argparse.ArgumentParser:
        p = super().parser()
        p.add_argument("--share", type=float, default=self.SHARE,
                       help="share of the packets sent to the virtual IP")
        p.add_argument("--vip", type=ipaddress.IPv4Address, default="10.0.0.2",
                       help="the virtual IP")
        p.add_argument("--backend", type=ipaddress.IPv4Address, default="10.0.0.3",
                       help="the backend's address")
        p.add_argument("--backend-port", type=int, default=8080, help="the backend's port")
        return p

    def create_streams(self, a: argparse.Namespace) -> list:
        if not 0 <= a.share <= 1:
            self.parser().error(f"argument --share: {a.share} not in 0..1")

        def udp(dst, dport):
            return Ether() / IP(src=str(a.src), dst=str(dst)) / UDP(sport=a.sport,
                                                                     dport=dport, chksum=0)

        streams = []
        for name, dst, dport, share in (("vip", a.vip, a.dport, a.share),
                                         ("backend", a.backend, a.backend_port,
                                          1 - a.share)):
            if share > 0:
                streams.append(self.stream(a, udp(dst, dport), self.flow_vm(a), name,
                                           self.PPS * share))
        return streams


def register():
    """TRex's entry point."""
    return VipMix()
