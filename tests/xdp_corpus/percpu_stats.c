/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Statistics style (as the XDP tutorials' stats map): per-CPU packet and
 * byte counters indexed by the XDP action the program returns, so that no
 * counter needs an atomic.  The action: IPv4 fragments are dropped, frames
 * too short for an IPv4 header abort, the rest pass. */

#include "corpus.h"

struct datarec {
    __u64 rx_packets;
    __u64 rx_bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, __u32);
    __type(value, struct datarec);
    __uint(max_entries, XDP_REDIRECT + 1);
} xdp_stats_map SEC(".maps");

static __always_inline __u32
record(struct xdp_md *ctx, __u32 action)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    struct datarec *rec = bpf_map_lookup_elem(&xdp_stats_map, &action);

    if (!rec) {
        return XDP_ABORTED;
    }
    rec->rx_packets++;
    rec->rx_bytes += data_end - data;
    return action;
}

SEC("xdp")
int xdp_percpu_stats(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    struct cursor c = { .pos = (void *) (long) ctx->data };
    struct ethhdr *eth;
    struct iphdr *iph;
    __u16 vid;
    int tags;
    int proto = parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags);

    if (proto < 0) {
        return record(ctx, XDP_ABORTED);
    }
    if (proto != bpf_htons(ETH_P_IP)) {
        return record(ctx, XDP_PASS);
    }
    if (parse_iphdr(&c, data_end, &iph) < 0) {
        return record(ctx, XDP_ABORTED);
    }
    if (iph->frag_off & bpf_htons(0x3fff)) {
        return record(ctx, XDP_DROP);
    }
    return record(ctx, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
