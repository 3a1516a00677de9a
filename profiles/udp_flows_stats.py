"""UDP flows with TRex's flow statistics: the load counted as a packet group, beside a
latency stream.

A plain TRex STL profile (``start -f profiles/udp_flows_stats.py -t --flows 1000``): the
stream of udp_flows, counted per packet group as ``STLFlowStats(pg_id=1)``, and a latency
stream (``STLFlowLatencyStats(pg_id=2)``, one flow, the next UDP destination port) at a
tenth of the load's rate. A TRex server reports them through ``get_pgid_stats()``; the
dpdk engine counts and times them the same way (harness/traffic/pgstats.py) and trials
record them as ``pg_stats``. The local engine refuses flow statistics.
"""

from trex.stl.api import IP, UDP, Ether, STLFlowLatencyStats, STLFlowStats, STLStream

# TRex (and extbench's loader) put the profile's folder on sys.path.
from udp_flows import UdpFlows

LOAD_PG, LATENCY_PG = 1, 2


class UdpFlowsStats(UdpFlows):
    """Tunables: those of udp_flows (--flows, --size, --src, --dst, --sport, --dport)."""

    def create_streams(self, a) -> list[STLStream]:
        base = Ether() / IP(src=str(a.src), dst=str(a.dst))
        load = base / UDP(sport=a.sport, dport=a.dport, chksum=0)
        probe = base / UDP(sport=a.sport, dport=(a.dport + 1) & 0xFFFF, chksum=0)
        return [self.stream(a, load, self.flow_vm(a), name="load",
                            flow_stats=STLFlowStats(pg_id=LOAD_PG)),
                self.stream(a, probe, [], name="latency", pps=self.PPS / 10,
                            flow_stats=STLFlowLatencyStats(pg_id=LATENCY_PG))]


def register():
    """TRex's entry point."""
    return UdpFlowsStats()
