/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Rewriter style (a router's forwarding step): decrements the IPv4 TTL with
 * an incremental checksum update (RFC 1624) and the IPv6 hop limit, behind
 * up to two VLAN tags; drops what would expire. */

#include "corpus.h"

SEC("xdp")
int xdp_ttl_decrement(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    struct cursor c = { .pos = (void *) (long) ctx->data };
    struct ethhdr *eth;
    struct ipv6hdr *ip6h;
    struct iphdr *iph;
    __u16 vid;
    int tags;
    int proto = parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags);

    if (proto == bpf_htons(ETH_P_IP)) {
        if (parse_iphdr(&c, data_end, &iph) < 0) {
            return XDP_DROP;
        }
        if (iph->ttl <= 1) {
            return XDP_DROP;
        }
        /* The TTL is the high byte of the 16-bit word it shares with the
         * protocol: that word goes down by 0x0100. */
        __u16 old = *(__u16 *) &iph->ttl;
        iph->ttl--;
        iph->check = csum_replace2(iph->check, old, *(__u16 *) &iph->ttl);
        return XDP_PASS;
    }
    if (proto == bpf_htons(ETH_P_IPV6)) {
        if (parse_ip6hdr(&c, data_end, &ip6h) < 0) {
            return XDP_DROP;
        }
        if (ip6h->hop_limit <= 1) {
            return XDP_DROP;
        }
        ip6h->hop_limit--;
        return XDP_PASS;
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
