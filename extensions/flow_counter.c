/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* flow_counter: per-flow packet and byte counters, in a hash map keyed by
 * the 5-tuple (ports are zero for protocols other than TCP and UDP).  It
 * passes every packet; non-IPv4 packets are not counted.  When the map is
 * full, new flows are not counted (their packets still pass). */

#include "xb_ext.h"

#define FLOW_COUNTER_MAX_FLOWS 131072

struct flow_stats {
    __u64 packets;
    __u64 bytes;                /* Frame bytes, Ethernet header included. */
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, struct ext_flow_key);
    __type(value, struct flow_stats);
    __uint(max_entries, FLOW_COUNTER_MAX_FLOWS);
} flows SEC(".maps");

/* Adds the packet in 'ctx' to its flow's counters.  Returns "pass". */
SEC("xdp")
int
flow_counter(struct xdp_md *ctx)
{
    struct iphdr *ip = ext_ipv4(ctx);
    struct ext_flow_key key = {};
    struct flow_stats *stats;
    __u64 len = ext_len(ctx);

    if (!ip) {
        return EXT_PASS;
    }
    ext_fill_flow_key(ctx, ip, &key);

    stats = bpf_map_lookup_elem(&flows, &key);
    if (!stats) {
        struct flow_stats first = {};

        first.packets = 1;
        first.bytes = len;
        if (!bpf_map_update_elem(&flows, &key, &first, BPF_NOEXIST)) {
            return EXT_PASS;
        }
        /* Another CPU inserted the flow first, or the map is full. */
        stats = bpf_map_lookup_elem(&flows, &key);
        if (!stats) {
            return EXT_PASS;
        }
    }
    __sync_fetch_and_add(&stats->packets, 1);
    __sync_fetch_and_add(&stats->bytes, len);
    return EXT_PASS;
}
