/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Responder style (the ping reflector of XDP tutorials): ICMP echo requests
 * and ICMPv6 echo requests become replies in place (MAC and IP addresses
 * swapped, type changed, checksum updated incrementally) and go back out
 * with XDP_TX.  Everything else passes. */

#include "corpus.h"

static __always_inline void
swap_macs(struct ethhdr *eth)
{
    __u8 tmp[ETH_ALEN];

    __builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
    __builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
    __builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
}

SEC("xdp")
int xdp_icmp_echo(struct xdp_md *ctx)
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
        struct icmp_echo_hdr *icmp;

        if (parse_iphdr(&c, data_end, &iph) != IPPROTO_ICMP) {
            return XDP_PASS;
        }
        icmp = c.pos;
        if ((void *) (icmp + 1) > data_end || icmp->type != ICMP_ECHO_REQUEST
            || icmp->code != 0) {
            return XDP_PASS;
        }
        __be32 tmp = iph->saddr;
        iph->saddr = iph->daddr;
        iph->daddr = tmp;
        /* The IPv4 checksum does not change: the same words, swapped. */
        __u16 old = *(__u16 *) icmp;
        icmp->type = ICMP_ECHO_REPLY;
        icmp->checksum = csum_replace2(icmp->checksum, old, *(__u16 *) icmp);
    } else if (proto == bpf_htons(ETH_P_IPV6)) {
        struct icmp6hdr *icmp6;

        if (parse_ip6hdr(&c, data_end, &ip6h) != IPPROTO_ICMPV6) {
            return XDP_PASS;
        }
        icmp6 = c.pos;
        if ((void *) (icmp6 + 1) > data_end
            || icmp6->icmp6_type != ICMPV6_ECHO_REQUEST) {
            return XDP_PASS;
        }
        struct in6_addr tmp = ip6h->saddr;
        ip6h->saddr = ip6h->daddr;
        ip6h->daddr = tmp;
        __u16 old = *(__u16 *) icmp6;
        icmp6->icmp6_type = ICMPV6_ECHO_REPLY;
        icmp6->icmp6_cksum = csum_replace2(icmp6->icmp6_cksum, old,
                                           *(__u16 *) icmp6);
    } else {
        return XDP_PASS;
    }
    swap_macs(eth);
    return XDP_TX;
}

char _license[] SEC("license") = "GPL";
