/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* A program declared multi-buffer aware (SEC("xdp.frags")), as newer
 * programs are so that they can run on jumbo frames: it reads only the
 * linear part, directly.  It counts frames per size class (<= 64, <= 128,
 * <= 512, <= 1514, larger) and drops IPv4 frames whose total length
 * disagrees with the frame. */

#include "corpus.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 5);
} size_class SEC(".maps");

SEC("xdp.frags")
int xdp_frags_sizes(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    __u64 len = data_end - data;
    __u32 k = len <= 64 ? 0 : len <= 128 ? 1 : len <= 512 ? 2
              : len <= 1514 ? 3 : 4;
    __u64 *n = bpf_map_lookup_elem(&size_class, &k);
    struct ethhdr *eth = data;
    struct iphdr *iph = (void *) (eth + 1);

    if (n) {
        __sync_fetch_and_add(n, 1);
    }
    if ((void *) (iph + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    if (bpf_ntohs(iph->tot_len) > len - sizeof *eth) {
        return XDP_DROP;
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
