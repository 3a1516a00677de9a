/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Several programs in one object, as tutorials and tools ship them (the
 * loader picks one by name), in sections "xdp" and "xdp/<name>", sharing a
 * map: pass everything, drop TCP, and count UDP destination ports. */

#include "corpus.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u16);
    __type(value, __u64);
    __uint(max_entries, 256);
} udp_ports SEC(".maps");

static __always_inline int
l4_of(struct xdp_md *ctx, void **l4)
{
    void *data_end = (void *) (long) ctx->data_end;
    struct cursor c = { .pos = (void *) (long) ctx->data };
    struct ethhdr *eth;
    struct iphdr *iph;
    __u16 vid;
    int tags, proto;

    if (parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags)
        != bpf_htons(ETH_P_IP)) {
        return -1;
    }
    proto = parse_iphdr(&c, data_end, &iph);
    *l4 = c.pos;
    return proto;
}

SEC("xdp")
int xdp_pass_all(struct xdp_md *ctx)
{
    return XDP_PASS;
}

SEC("xdp/drop_tcp")
int xdp_drop_tcp(struct xdp_md *ctx)
{
    void *l4;

    return l4_of(ctx, &l4) == IPPROTO_TCP ? XDP_DROP : XDP_PASS;
}

SEC("xdp/count_udp")
int xdp_count_udp(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    struct udphdr *uh;
    __u64 one = 1, *n;
    __u16 port;

    if (l4_of(ctx, (void **) &uh) != IPPROTO_UDP) {
        return XDP_PASS;
    }
    if ((void *) (uh + 1) > data_end) {
        return XDP_DROP;
    }
    port = bpf_ntohs(uh->dest);
    n = bpf_map_lookup_elem(&udp_ports, &port);
    if (n) {
        __sync_fetch_and_add(n, 1);
    } else {
        bpf_map_update_elem(&udp_ports, &port, &one, BPF_NOEXIST);
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
