/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Statistics style: per-source-address counters (IPv4 and IPv6 in one key)
 * in a per-CPU hash map, created on a source's first packet. */

#include "corpus.h"

struct src_key {
    __u8 family;
    __u8 pad[3];
    __u32 addr[4];
};

struct src_stats {
    __u64 packets;
    __u64 bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __type(key, struct src_key);
    __type(value, struct src_stats);
    __uint(max_entries, 1024);
} src_stats SEC(".maps");

SEC("xdp")
int xdp_percpu_hash_src(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    struct cursor c = { .pos = data };
    struct src_key key = {};
    struct ethhdr *eth;
    struct ipv6hdr *ip6h;
    struct iphdr *iph;
    __u16 vid;
    int tags;
    int proto = parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags);

    if (proto == bpf_htons(ETH_P_IP)) {
        if (parse_iphdr(&c, data_end, &iph) < 0) {
            return XDP_DROP;
        }
        key.family = 4;
        key.addr[0] = iph->saddr;
    } else if (proto == bpf_htons(ETH_P_IPV6)) {
        if (parse_ip6hdr(&c, data_end, &ip6h) < 0) {
            return XDP_DROP;
        }
        key.family = 6;
        __builtin_memcpy(key.addr, &ip6h->saddr, sizeof key.addr);
    } else {
        return XDP_PASS;
    }

    struct src_stats *st = bpf_map_lookup_elem(&src_stats, &key);
    if (!st) {
        struct src_stats init = { .packets = 1, .bytes = data_end - data };

        bpf_map_update_elem(&src_stats, &key, &init, BPF_NOEXIST);
        return XDP_PASS;
    }
    st->packets++;
    st->bytes += data_end - data;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
