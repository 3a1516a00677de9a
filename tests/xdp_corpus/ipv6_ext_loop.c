/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Parser style: walks IPv6 extension headers (hop-by-hop, routing,
 * fragment, destination options) in a bounded loop that the compiler keeps
 * as a loop, and counts the upper-layer protocol it reaches in a hash map.
 * Drops type 0 routing headers (RFC 5095) and non-first fragments; IPv4
 * packets are counted under their protocol too. */

#include "corpus.h"

#define MAX_EXT_HDRS 8

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 64);
} l4_proto_count SEC(".maps");

static __always_inline void
count_proto(__u32 proto)
{
    __u64 one = 1, *val = bpf_map_lookup_elem(&l4_proto_count, &proto);

    if (val) {
        __sync_fetch_and_add(val, 1);
    } else {
        bpf_map_update_elem(&l4_proto_count, &proto, &one, BPF_NOEXIST);
    }
}

SEC("xdp")
int xdp_ipv6_ext_loop(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    struct cursor c = { .pos = (void *) (long) ctx->data };
    struct ethhdr *eth;
    struct ipv6hdr *ip6h;
    struct iphdr *iph;
    __u16 vid;
    int tags, i;
    int proto = parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags);

    if (proto == bpf_htons(ETH_P_IP)) {
        int l4 = parse_iphdr(&c, data_end, &iph);

        if (l4 < 0) {
            return XDP_DROP;
        }
        count_proto(l4);
        return XDP_PASS;
    }
    if (proto != bpf_htons(ETH_P_IPV6)) {
        return XDP_PASS;
    }
    int nexthdr = parse_ip6hdr(&c, data_end, &ip6h);
    if (nexthdr < 0) {
        return XDP_DROP;
    }

#pragma clang loop unroll(disable)
    for (i = 0; i < MAX_EXT_HDRS; i++) {
        struct ipv6_opt_hdr_any *h = c.pos;

        if (!is_ipv6_ext(nexthdr)) {
            break;
        }
        if ((void *) (h + 1) > data_end) {
            return XDP_DROP;
        }
        if (nexthdr == IPPROTO_FRAGMENT) {
            struct frag6_hdr *fh = c.pos;

            if ((void *) (fh + 1) > data_end) {
                return XDP_DROP;
            }
            if (fh->frag_off & bpf_htons(0xfff8)) {
                count_proto(IPPROTO_FRAGMENT);
                return XDP_DROP;
            }
            nexthdr = fh->nexthdr;
            c.pos = fh + 1;
            continue;
        }
        if (nexthdr == IPPROTO_ROUTING) {
            __u8 *rh = c.pos;

            if ((void *) (rh + 3) > data_end) {
                return XDP_DROP;
            }
            if (rh[2] == 0) {
                count_proto(IPPROTO_ROUTING);
                return XDP_DROP;
            }
        }
        nexthdr = h->nexthdr;
        c.pos += (h->hdrlen + 1) * 8;
    }
    if (is_ipv6_ext(nexthdr)) {
        return XDP_DROP;    /* Too many extension headers. */
    }
    count_proto(nexthdr);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
