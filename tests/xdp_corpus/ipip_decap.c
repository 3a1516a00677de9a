/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Decapsulation style (the receiving end of an IP-in-IP tunnel): an outer
 * IPv4 header carrying IPv4 (protocol 4) or IPv6 (protocol 41), addressed to
 * the tunnel endpoint 172.16.10.1, is removed: the Ethernet header moves
 * forward over it and bpf_xdp_adjust_head() drops the bytes before it.  The
 * EtherType follows the inner protocol.  Decapsulated packets are counted. */

#include "corpus.h"

#define ENDPOINT 0xac100a01

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 2);
} decapsulated SEC(".maps");

SEC("xdp")
int xdp_ipip_decap(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    struct ethhdr *eth = data, copy;
    struct iphdr *outer = (void *) (eth + 1);
    __u32 k;
    int hlen;

    if ((void *) (outer + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)
        || outer->daddr != bpf_htonl(ENDPOINT)) {
        return XDP_PASS;
    }
    if (outer->protocol == IPPROTO_IPIP) {
        k = 0;
    } else if (outer->protocol == IPPROTO_IPV6) {
        k = 1;
    } else {
        return XDP_PASS;
    }
    hlen = outer->ihl * 4;
    if (hlen < 20 || hlen > 60 || (void *) outer + hlen + 1 > data_end) {
        return XDP_DROP;
    }
    __builtin_memcpy(&copy, eth, sizeof copy);
    copy.h_proto = k ? bpf_htons(ETH_P_IPV6) : bpf_htons(ETH_P_IP);
    if (bpf_xdp_adjust_head(ctx, hlen)) {
        return XDP_ABORTED;
    }
    data = (void *) (long) ctx->data;
    data_end = (void *) (long) ctx->data_end;
    eth = data;
    if ((void *) (eth + 1) > data_end) {
        return XDP_ABORTED;
    }
    __builtin_memcpy(eth, &copy, sizeof *eth);

    __u64 *n = bpf_map_lookup_elem(&decapsulated, &k);
    if (n) {
        __sync_fetch_and_add(n, 1);
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
