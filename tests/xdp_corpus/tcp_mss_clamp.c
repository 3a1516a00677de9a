/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Option-parsing rewriter (MSS clamping, as tunnel endpoints do it): a
 * bounded loop over the TCP options of SYN segments finds the MSS option
 * and lowers it to MAX_MSS, updating the TCP checksum incrementally.
 * Malformed option lists pass untouched.  IPv4 (options allowed) and IPv6
 * without extension headers. */

#include "corpus.h"

#define MAX_MSS 1400
#define MAX_OPTIONS 10

SEC("xdp")
int xdp_mss_clamp(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    struct cursor c = { .pos = (void *) (long) ctx->data };
    struct ethhdr *eth;
    struct ipv6hdr *ip6h;
    struct iphdr *iph;
    struct tcphdr *th;
    __u16 vid;
    int tags, proto, i;

    proto = parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags);
    if (proto == bpf_htons(ETH_P_IP)) {
        proto = parse_iphdr(&c, data_end, &iph);
    } else if (proto == bpf_htons(ETH_P_IPV6)) {
        proto = parse_ip6hdr(&c, data_end, &ip6h);
    } else {
        return XDP_PASS;
    }
    if (proto != IPPROTO_TCP) {
        return XDP_PASS;
    }
    if (parse_tcphdr(&c, data_end, &th) < 0) {
        return XDP_DROP;
    }
    if (!th->syn) {
        return XDP_PASS;
    }

    __u8 *opt = (__u8 *) (th + 1);
    __u8 *end = (__u8 *) th + th->doff * 4;

#pragma clang loop unroll(disable)
    for (i = 0; i < MAX_OPTIONS; i++) {
        if (opt >= end || (void *) (opt + 1) > data_end) {
            break;
        }
        if (*opt == 0) {                /* End of options. */
            break;
        }
        if (*opt == 1) {                /* NOP. */
            opt++;
            continue;
        }
        if ((void *) (opt + 2) > data_end || opt[1] < 2) {
            break;
        }
        if (*opt == 2 && opt[1] == 4) { /* MSS. */
            __u16 *mss = (__u16 *) (opt + 2);

            if ((void *) (mss + 1) > data_end) {
                break;
            }
            if (bpf_ntohs(*mss) > MAX_MSS) {
                __u16 old = *mss;

                *mss = bpf_htons(MAX_MSS);
                th->check = csum_replace2(th->check, old, *mss);
            }
            break;
        }
        opt += opt[1];
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
