/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Rewriter style (static destination NAT): packets to 10.0.0.2, TCP or UDP
 * port 5001, go to 192.168.1.20 port 8080.  The IPv4 and the L4 checksums
 * are updated with bpf_csum_diff() over the old and new address and port
 * (the pseudo-header includes the address); a UDP checksum of 0 stays 0. */

#include "corpus.h"

#define VIP_ADDR 0x0a000002      /* 10.0.0.2 */
#define VIP_PORT 5001
#define REAL_ADDR 0xc0a80114     /* 192.168.1.20 */
#define REAL_PORT 8080

static __always_inline __u16
fold(__s64 csum)
{
    __u32 sum = csum;

    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return ~sum;
}

SEC("xdp")
int xdp_nat44(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    struct cursor c = { .pos = (void *) (long) ctx->data };
    struct ethhdr *eth;
    struct iphdr *iph;
    __u16 vid, *l4check;
    __be16 *dport;
    int tags;

    if (parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags)
        != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    int proto = parse_iphdr(&c, data_end, &iph);
    if (proto < 0) {
        return XDP_DROP;
    }
    if (iph->daddr != bpf_htonl(VIP_ADDR)
        || iph->frag_off & bpf_htons(0x3fff)) {
        return XDP_PASS;
    }
    if (proto == IPPROTO_TCP) {
        struct tcphdr *th = c.pos;

        if ((void *) (th + 1) > data_end) {
            return XDP_DROP;
        }
        dport = &th->dest;
        l4check = &th->check;
    } else if (proto == IPPROTO_UDP) {
        struct udphdr *uh = c.pos;

        if ((void *) (uh + 1) > data_end) {
            return XDP_DROP;
        }
        dport = &uh->dest;
        l4check = &uh->check;
    } else {
        return XDP_PASS;
    }
    if (*dport != bpf_htons(VIP_PORT)) {
        return XDP_PASS;
    }

    __be32 old_addr = iph->daddr, new_addr = bpf_htonl(REAL_ADDR);
    __be32 old_port = *dport, new_port = bpf_htons(REAL_PORT);
    __s64 diff;

    diff = bpf_csum_diff(&old_addr, 4, &new_addr, 4, ~iph->check & 0xffff);
    if (diff < 0) {
        return XDP_ABORTED;
    }
    iph->check = fold(diff);
    iph->daddr = new_addr;

    if (proto == IPPROTO_UDP && *l4check == 0) {
        *dport = new_port;
        return XDP_TX;
    }
    diff = bpf_csum_diff(&old_addr, 4, &new_addr, 4, ~*l4check & 0xffff);
    diff = bpf_csum_diff(&old_port, 4, &new_port, 4, diff);
    if (diff < 0) {
        return XDP_ABORTED;
    }
    *l4check = fold(diff);
    *dport = new_port;
    return XDP_TX;
}

char _license[] SEC("license") = "GPL";
