/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* dnat: destination NAT in the style of a transparent proxy or an L4 load
 * balancer with one backend.  Every TCP or UDP packet to the service
 * address DNAT_VIP (10.0.0.2, host h2) is sent to DNAT_BACKEND port
 * DNAT_BACKEND_PORT (10.0.0.3:8080, host h3) instead: it rewrites the IPv4
 * destination and the L4 destination port and fixes the IPv4 and L4
 * checksums incrementally (RFC 1624; a UDP checksum of 0, "none", stays 0).
 * The Ethernet destination is left alone.  Every packet passes. */

#define EXT_WRITES_PACKET 1
#include "xb_ext.h"

#define DNAT_VIP 0x0a000002             /* 10.0.0.2 */
#define DNAT_BACKEND 0x0a000003         /* 10.0.0.3 */
#define DNAT_BACKEND_PORT 8080

/* Rewrites the destination of a packet to the service.  Returns "pass". */
SEC("xdp")
int
dnat(struct xdp_md *ctx)
{
    struct iphdr *ip = ext_ipv4(ctx);
    __be32 old_daddr, new_daddr = bpf_htonl(DNAT_BACKEND);
    __be16 old_dport, new_dport = bpf_htons(DNAT_BACKEND_PORT);

    if (!ip || ip->daddr != bpf_htonl(DNAT_VIP)) {
        return EXT_PASS;
    }
    old_daddr = ip->daddr;

    if (ip->protocol == IPPROTO_UDP) {
        struct udphdr *udp = ext_l4(ctx, ip, sizeof *udp);

        if (!udp) {
            return EXT_PASS;
        }
        old_dport = udp->dest;
        if (udp->check) {
            __u16 check = ext_csum_replace32(udp->check, old_daddr,
                                             new_daddr);

            check = ext_csum_replace16(check, old_dport, new_dport);
            udp->check = ext_udp_csum_store(check);
        }
        udp->dest = new_dport;
    } else if (ip->protocol == IPPROTO_TCP) {
        struct tcphdr *tcp = ext_l4(ctx, ip, sizeof *tcp);

        if (!tcp) {
            return EXT_PASS;
        }
        old_dport = tcp->dest;
        tcp->check = ext_csum_replace16(
            ext_csum_replace32(tcp->check, old_daddr, new_daddr),
            old_dport, new_dport);
        tcp->dest = new_dport;
    } else {
        return EXT_PASS;
    }

    ip->check = ext_csum_replace32(ip->check, old_daddr, new_daddr);
    ip->daddr = new_daddr;
    return EXT_PASS;
}
