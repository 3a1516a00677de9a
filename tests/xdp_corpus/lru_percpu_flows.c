/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Flow statistics style: per-CPU packet and byte counters per (EtherType,
 * IP protocol, VLAN id) in an LRU per-CPU hash, as monitoring programs keep
 * them for flows that come and go; an entry is created on a flow's first
 * packet.  Frames whose headers are cut short count under protocol 0xff. */

#include "corpus.h"

struct flow_key {
    __u16 ethertype;
    __u16 vid;
    __u8 proto;
    __u8 pad[3];
};

struct flow_stats {
    __u64 packets;
    __u64 bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
    __type(key, struct flow_key);
    __type(value, struct flow_stats);
    __uint(max_entries, 4096);
} flow_stats SEC(".maps");

SEC("xdp")
int xdp_lru_percpu_flows(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    struct cursor c = { .pos = data };
    struct flow_key key = {};
    struct ethhdr *eth;
    struct ipv6hdr *ip6h;
    struct iphdr *iph;
    __u16 vid;
    int tags;
    int proto = parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags);

    if (proto < 0) {
        return XDP_DROP;
    }
    key.ethertype = proto;
    key.vid = vid;
    if (proto == bpf_htons(ETH_P_IP)) {
        key.proto = parse_iphdr(&c, data_end, &iph) < 0 ? 0xff : iph->protocol;
    } else if (proto == bpf_htons(ETH_P_IPV6)) {
        key.proto = (parse_ip6hdr(&c, data_end, &ip6h) < 0
                     ? 0xff : ip6h->nexthdr);
    }

    struct flow_stats *st = bpf_map_lookup_elem(&flow_stats, &key);
    if (!st) {
        struct flow_stats init = { .packets = 1, .bytes = data_end - data };

        bpf_map_update_elem(&flow_stats, &key, &init, BPF_NOEXIST);
        return XDP_PASS;
    }
    st->packets++;
    st->bytes += data_end - data;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
