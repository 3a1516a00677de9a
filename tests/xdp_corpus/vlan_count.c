/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Parser style: Ethernet with up to two VLAN tags (802.1Q and QinQ), packet
 * and byte counters per class in an array map; frames tagged with the
 * reserved VLAN id 4095 are dropped. */

#include "corpus.h"

enum { C_IPV4, C_IPV6, C_ARP, C_OTHER, C_SHORT, C_TAGGED, C_QINQ, C_MAX };

struct datarec {
    __u64 packets;
    __u64 bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, struct datarec);
    __uint(max_entries, C_MAX);
} class_stats SEC(".maps");

static __always_inline void
count(__u32 class, __u64 bytes)
{
    struct datarec *rec = bpf_map_lookup_elem(&class_stats, &class);

    if (rec) {
        __sync_fetch_and_add(&rec->packets, 1);
        __sync_fetch_and_add(&rec->bytes, bytes);
    }
}

SEC("xdp")
int xdp_vlan_count(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    struct cursor c = { .pos = data };
    struct ethhdr *eth;
    __u64 bytes = data_end - data;
    __u16 vid;
    int tags;
    int proto = parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags);

    if (proto < 0) {
        count(C_SHORT, bytes);
        return XDP_PASS;
    }
    if (tags) {
        count(tags > 1 ? C_QINQ : C_TAGGED, bytes);
        if (vid == 0xfff) {
            return XDP_DROP;
        }
    }
    if (proto == bpf_htons(ETH_P_IP)) {
        count(C_IPV4, bytes);
    } else if (proto == bpf_htons(ETH_P_IPV6)) {
        count(C_IPV6, bytes);
    } else if (proto == bpf_htons(ETH_P_ARP)) {
        count(C_ARP, bytes);
    } else {
        count(C_OTHER, bytes);
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
