/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Firewall style with hash maps (as DDoS mitigation filters do): a packet
 * counter per IPv4 or IPv6 source; a source that sends more than
 * THRESHOLD packets goes into the blocklist, whose sources are dropped (and
 * counted) from then on.  Well-known services (TCP 22) are never blocked. */

#include "corpus.h"

#define THRESHOLD 4

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 1024);
} v4_rate SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u32);
    __type(value, __u64);           /* Dropped packets. */
    __uint(max_entries, 1024);
} v4_blocklist SEC(".maps");

struct in6_key {
    __u32 addr[4];
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, struct in6_key);
    __type(value, __u64);
    __uint(max_entries, 1024);
} v6_rate SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, struct in6_key);
    __type(value, __u64);
    __uint(max_entries, 1024);
} v6_blocklist SEC(".maps");

/* Counts a packet of 'key' in 'rate' and moves it to 'block' past the
 * threshold; returns the XDP action. */
static __always_inline int
police(void *rate, void *block, void *key)
{
    __u64 *dropped = bpf_map_lookup_elem(block, key);
    __u64 one = 1, zero = 0, *n;

    if (dropped) {
        __sync_fetch_and_add(dropped, 1);
        return XDP_DROP;
    }
    n = bpf_map_lookup_elem(rate, key);
    if (!n) {
        bpf_map_update_elem(rate, key, &one, BPF_NOEXIST);
        return XDP_PASS;
    }
    if (__sync_fetch_and_add(n, 1) + 1 > THRESHOLD) {
        bpf_map_update_elem(block, key, &zero, BPF_NOEXIST);
        bpf_map_delete_elem(rate, key);
        return XDP_DROP;
    }
    return XDP_PASS;
}

SEC("xdp")
int xdp_ddos_blocklist(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    struct cursor c = { .pos = (void *) (long) ctx->data };
    struct ethhdr *eth;
    struct ipv6hdr *ip6h;
    struct iphdr *iph;
    struct tcphdr *th;
    __u16 vid;
    int tags, l4;
    int proto = parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags);

    if (proto == bpf_htons(ETH_P_IP)) {
        l4 = parse_iphdr(&c, data_end, &iph);
        if (l4 < 0) {
            return XDP_DROP;
        }
        if (l4 == IPPROTO_TCP && parse_tcphdr(&c, data_end, &th) >= 0
            && th->dest == bpf_htons(22)) {
            return XDP_PASS;
        }
        __u32 key = iph->saddr;
        return police(&v4_rate, &v4_blocklist, &key);
    }
    if (proto == bpf_htons(ETH_P_IPV6)) {
        if (parse_ip6hdr(&c, data_end, &ip6h) < 0) {
            return XDP_DROP;
        }
        struct in6_key key;

        __builtin_memcpy(key.addr, &ip6h->saddr, sizeof key.addr);
        return police(&v6_rate, &v6_blocklist, &key);
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
