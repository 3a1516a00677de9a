/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Debugging style: bpf_printk() of what the parser found (the format strings
 * land in .rodata), with the verdict in a counter map.  The trace output is
 * not compared; the verdicts and counters are. */

#include "corpus.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 4);
} verdicts SEC(".maps");

SEC("xdp")
int xdp_printk_trace(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    struct cursor c = { .pos = data };
    struct ethhdr *eth;
    struct iphdr *iph;
    __u16 vid;
    int tags;
    __u32 verdict = XDP_PASS;
    int proto = parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags);

    if (proto < 0) {
        bpf_printk("xb: runt frame of %d bytes", (int) (data_end - data));
        verdict = XDP_DROP;
    } else if (proto == bpf_htons(ETH_P_IP)) {
        if (parse_iphdr(&c, data_end, &iph) < 0) {
            bpf_printk("xb: truncated IPv4 header");
            verdict = XDP_DROP;
        } else {
            bpf_printk("xb: ipv4 proto %d ttl %d vlan %d", iph->protocol,
                       iph->ttl, vid);
        }
    } else {
        bpf_printk("xb: ethertype 0x%x", bpf_ntohs(proto));
    }

    __u64 *n = bpf_map_lookup_elem(&verdicts, &verdict);
    if (n) {
        __sync_fetch_and_add(n, 1);
    }
    return verdict;
}

char _license[] SEC("license") = "GPL";
