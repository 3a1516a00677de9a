/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Statistics style from before per-CPU maps: an ordinary array with one slot
 * per CPU, indexed by bpf_get_smp_processor_id(), counting packets by
 * protocol (IPv4, IPv6, other).  Which slot a packet lands in depends on the
 * CPU; the totals over all slots do not. */

#include "corpus.h"

#define MAX_CPUS 256

struct slot {
    __u64 ipv4;
    __u64 ipv6;
    __u64 other;
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, struct slot);
    __uint(max_entries, MAX_CPUS);
} cpu_slots SEC(".maps");

SEC("xdp")
int xdp_cpu_slot_stats(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = (void *) (long) ctx->data;
    __u32 cpu = bpf_get_smp_processor_id();
    struct slot *s;

    if (cpu >= MAX_CPUS) {
        return XDP_ABORTED;
    }
    s = bpf_map_lookup_elem(&cpu_slots, &cpu);
    if (!s) {
        return XDP_ABORTED;
    }
    if ((void *) (eth + 1) > data_end) {
        s->other++;
        return XDP_DROP;
    }
    if (eth->h_proto == bpf_htons(ETH_P_IP)) {
        s->ipv4++;
    } else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
        s->ipv6++;
    } else {
        s->other++;
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
