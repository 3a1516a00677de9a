/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Filter style (as packet filters that police IPv6 extension headers do):
 * an unrolled walk over at most four extension headers, a counter per
 * header type in an array indexed by the protocol number, and a policy:
 * drop hop-by-hop options not directly after the fixed header, drop
 * destination options holding anything but padding. */

#include "corpus.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 256);
} hdr_seen SEC(".maps");

static __always_inline void
seen(__u32 type)
{
    __u64 *v = bpf_map_lookup_elem(&hdr_seen, &type);

    if (v) {
        __sync_fetch_and_add(v, 1);
    }
}

SEC("xdp")
int xdp_ipv6_ext_filter(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    struct cursor c = { .pos = (void *) (long) ctx->data };
    struct ethhdr *eth;
    struct ipv6hdr *ip6h;
    __u16 vid;
    int tags, i;

    if (parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags)
        != bpf_htons(ETH_P_IPV6)) {
        return XDP_PASS;
    }
    int nexthdr = parse_ip6hdr(&c, data_end, &ip6h);
    if (nexthdr < 0) {
        return XDP_ABORTED;
    }

#pragma unroll
    for (i = 0; i < 4; i++) {
        struct ipv6_opt_hdr_any *h = c.pos;
        __u8 *opt;

        if (!is_ipv6_ext(nexthdr)) {
            break;
        }
        if ((void *) (h + 1) > data_end) {
            return XDP_ABORTED;
        }
        seen(nexthdr);
        if (nexthdr == IPPROTO_HOPOPTS && i > 0) {
            return XDP_DROP;
        }
        if (nexthdr == IPPROTO_DSTOPTS) {
            /* The first option after the two-byte header: Pad1 (0) or
             * PadN (1) only. */
            opt = (__u8 *) (h + 1);
            if ((void *) (opt + 1) > data_end) {
                return XDP_ABORTED;
            }
            if (*opt > 1) {
                return XDP_DROP;
            }
        }
        if (nexthdr == IPPROTO_FRAGMENT) {
            c.pos += 8;
        } else {
            c.pos += (h->hdrlen + 1) * 8;
        }
        nexthdr = h->nexthdr;
    }
    seen(nexthdr);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
