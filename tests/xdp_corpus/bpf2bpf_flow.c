/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Parser split into real functions (bpf-to-bpf calls: static __noinline, as
 * larger programs do to stay under the verifier's limits): one per layer,
 * each taking packet pointers and filling a flow key on the caller's stack.
 * Flows are counted in a hash map; the return value says how deep parsing
 * got (PASS: L4 parsed, DROP: truncated, TX: no L4 ports). */

#include "corpus.h"

/* flow_inline.c builds the same parser with every function inlined. */
#ifndef FLOW_FN
#define FLOW_FN static __noinline
#endif

struct flow_key {
    __u32 src[4];
    __u32 dst[4];
    __u16 sport;
    __u16 dport;
    __u8 proto;
    __u8 family;
    __u16 vid;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, struct flow_key);
    __type(value, __u64);
    __uint(max_entries, 1024);
} flows SEC(".maps");

FLOW_FN int
parse_l2(void *data, void *data_end, struct flow_key *k)
{
    struct cursor c = { .pos = data };
    struct ethhdr *eth;
    __u16 vid;
    int tags;
    int proto = parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags);

    if (proto < 0) {
        return -1;
    }
    k->vid = vid;
    /* The L3 offset in the low 8 bits, the EtherType above. */
    return (bpf_ntohs(proto) << 8) | (int) (c.pos - data);
}

FLOW_FN int
parse_l3(void *l3, void *data_end, int ethertype, struct flow_key *k)
{
    struct cursor c = { .pos = l3 };
    struct ipv6hdr *ip6h;
    struct iphdr *iph;
    int proto;

    if (ethertype == ETH_P_IP) {
        proto = parse_iphdr(&c, data_end, &iph);
        if (proto < 0) {
            return -1;
        }
        k->family = 4;
        k->src[0] = iph->saddr;
        k->dst[0] = iph->daddr;
    } else if (ethertype == ETH_P_IPV6) {
        proto = parse_ip6hdr(&c, data_end, &ip6h);
        if (proto < 0) {
            return -1;
        }
        k->family = 6;
        __builtin_memcpy(k->src, &ip6h->saddr, 16);
        __builtin_memcpy(k->dst, &ip6h->daddr, 16);
    } else {
        return -2;
    }
    k->proto = proto;
    return (int) (c.pos - l3);
}

FLOW_FN int
parse_ports(void *l4, void *data_end, struct flow_key *k)
{
    __u16 *ports = l4;

    if (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP) {
        return 1;
    }
    if ((void *) (ports + 2) > data_end) {
        return -1;
    }
    k->sport = ports[0];
    k->dport = ports[1];
    return 0;
}

FLOW_FN void
count_flow(struct flow_key *k)
{
    __u64 one = 1, *n = bpf_map_lookup_elem(&flows, k);

    if (n) {
        __sync_fetch_and_add(n, 1);
    } else {
        bpf_map_update_elem(&flows, k, &one, BPF_NOEXIST);
    }
}

SEC("xdp")
int xdp_bpf2bpf_flow(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    struct flow_key k = {};
    int l2, l3, r;

    l2 = parse_l2(data, data_end, &k);
    if (l2 < 0) {
        return XDP_DROP;
    }
    l3 = parse_l3(data + (l2 & 0xff), data_end, l2 >> 8, &k);
    if (l3 == -2) {
        return XDP_PASS;
    }
    if (l3 < 0 || l3 > 60) {
        return XDP_DROP;
    }
    r = parse_ports(data + (l2 & 0xff) + l3, data_end, &k);
    if (r < 0) {
        return XDP_DROP;
    }
    count_flow(&k);
    return r ? XDP_TX : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
