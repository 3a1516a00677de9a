/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Load-balancer style (as L4 balancers that forward by encapsulation):
 * TCP and UDP packets to the virtual IP and port are hashed on their
 * 5-tuple onto one of four backends, then encapsulated IPv4-in-IPv4:
 * bpf_xdp_adjust_head() makes room for an outer IPv4 header, the Ethernet
 * header moves to the new start, and the outer header's checksum is computed
 * over its ten 16-bit words.  The VIP, its port and the backends are
 * configuration in .rodata (const volatile, as a loader sets them before
 * loading), per-backend counters in an array map.  The frame goes back out
 * (XDP_TX).  Only untagged IPv4 without options is balanced. */

#include "corpus.h"

#define N_BACKENDS 4

const volatile __u32 vip_addr = 0x0a000002;      /* 10.0.0.2, host order */
const volatile __u16 vip_port = 5001;
const volatile __u32 lb_src_addr = 0xac100001;   /* 172.16.0.1 */
const volatile __u32 backends[N_BACKENDS] = {
    0xac100a01, 0xac100a02, 0xac100a03, 0xac100a04,
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, N_BACKENDS);
} backend_packets SEC(".maps");

static __always_inline __u32
mix(__u32 h, __u32 v)
{
    h ^= v;
    h *= 0x9e3779b1;
    return h ^ (h >> 15);
}

SEC("xdp")
int xdp_lb_ipip(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    struct ethhdr *eth = data;
    struct iphdr *iph = data + sizeof *eth;
    __u16 *ports = (void *) (iph + 1);

    if ((void *) (ports + 2) > data_end) {
        return XDP_PASS;
    }
    if (eth->h_proto != bpf_htons(ETH_P_IP) || iph->ihl != 5
        || iph->daddr != bpf_htonl(vip_addr)) {
        return XDP_PASS;
    }
    if (iph->protocol != IPPROTO_TCP && iph->protocol != IPPROTO_UDP) {
        return XDP_PASS;
    }
    if (ports[1] != bpf_htons(vip_port) || iph->frag_off & bpf_htons(0x3fff)) {
        return XDP_PASS;
    }

    __u32 h = mix(mix(mix(0, iph->saddr), iph->daddr),
                  ((__u32) ports[0] << 16 | ports[1]) ^ iph->protocol);
    __u32 idx = h % N_BACKENDS;
    __u32 backend = backends[idx];
    __u16 inner_len = bpf_ntohs(iph->tot_len);
    struct ethhdr eth_copy;
    __u64 *cnt;

    __builtin_memcpy(&eth_copy, eth, sizeof eth_copy);
    if (bpf_xdp_adjust_head(ctx, -(int) sizeof(struct iphdr))) {
        return XDP_ABORTED;
    }
    data = (void *) (long) ctx->data;
    data_end = (void *) (long) ctx->data_end;
    eth = data;
    iph = data + sizeof *eth;
    if ((void *) (iph + 1) > data_end) {
        return XDP_ABORTED;
    }
    __builtin_memcpy(eth, &eth_copy, sizeof *eth);

    iph->version = 4;
    iph->ihl = 5;
    iph->tos = 0;
    iph->tot_len = bpf_htons(inner_len + sizeof(struct iphdr));
    iph->id = 0;
    iph->frag_off = bpf_htons(0x4000);     /* DF */
    iph->ttl = 64;
    iph->protocol = IPPROTO_IPIP;
    iph->check = 0;
    iph->saddr = bpf_htonl(lb_src_addr);
    iph->daddr = bpf_htonl(backend);

    __u16 *w = (__u16 *) iph;
    __u32 sum = 0;
#pragma unroll
    for (int i = 0; i < (int) sizeof(struct iphdr) / 2; i++) {
        sum += w[i];
    }
    iph->check = csum_fold32(sum);

    cnt = bpf_map_lookup_elem(&backend_packets, &idx);
    if (cnt) {
        __sync_fetch_and_add(cnt, 1);
    }
    return XDP_TX;
}

char _license[] SEC("license") = "GPL";
