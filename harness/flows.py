"""OpenFlow tables of a trial: forwarding on L3 fields, rendered per switch.

Every switch forwards IPv4 packets by destination address towards the host that owns it
(``ip,nw_dst=…``): matching on L3 (not only in_port) keeps OVS 3.x's simple-match fast
path out of the way, so packets go through the EMC, SMC and megaflow caches under study.
Anything else (ARP included: hosts have static ARP entries) is dropped by the table miss.
"""

FORWARD_PRIORITY = 100


def forwarding_flows(routes: dict[str, int], host_ips: dict[str, str],
                     table: int = 0) -> list[str]:
    """Flows of one switch: to each host's IP, output to the port towards it.

    routes: host (logical name) → OpenFlow port on this switch
    host_ips: host (logical name) → IPv4 address
    """
    return [f"table={table},priority={FORWARD_PRIORITY},ip,nw_dst={host_ips[h]},"
            f"actions=output:{port}" for h, port in sorted(routes.items())]
