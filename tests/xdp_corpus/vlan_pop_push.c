/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* VLAN tag removal and insertion with bpf_xdp_adjust_head(), as in the
 * header-rewriting exercises of XDP tutorials: two programs in one object.
 * xdp_vlan_pop strips the outer tag (the MAC addresses move forward 4 bytes)
 * and counts popped tags per VLAN id; xdp_vlan_push adds a tag with VLAN
 * id 100, priority 3, in front of untagged frames. */

#include "corpus.h"

#define PUSH_VID 100
#define PUSH_PCP 3

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u16);
    __type(value, __u64);
    __uint(max_entries, 4096);
} popped SEC(".maps");

SEC("xdp")
int xdp_vlan_pop(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    struct ethhdr *eth = data, copy;
    struct vlan_hdr *vlh = (void *) (eth + 1);
    __u64 one = 1, *n;
    __u16 vid;

    if ((void *) (vlh + 1) > data_end || !proto_is_vlan(eth->h_proto)) {
        return XDP_PASS;
    }
    vid = bpf_ntohs(vlh->tci) & 0x0fff;
    __builtin_memcpy(&copy, eth, sizeof copy);
    copy.h_proto = vlh->encap_proto;
    if (bpf_xdp_adjust_head(ctx, (int) sizeof *vlh)) {
        return XDP_ABORTED;
    }
    data = (void *) (long) ctx->data;
    data_end = (void *) (long) ctx->data_end;
    eth = data;
    if ((void *) (eth + 1) > data_end) {
        return XDP_ABORTED;
    }
    __builtin_memcpy(eth, &copy, sizeof *eth);

    n = bpf_map_lookup_elem(&popped, &vid);
    if (n) {
        __sync_fetch_and_add(n, 1);
    } else {
        bpf_map_update_elem(&popped, &vid, &one, BPF_NOEXIST);
    }
    return XDP_PASS;
}

SEC("xdp")
int xdp_vlan_push(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    struct ethhdr *eth = data, copy;
    struct vlan_hdr *vlh;

    if ((void *) (eth + 1) > data_end || proto_is_vlan(eth->h_proto)) {
        return XDP_PASS;
    }
    __builtin_memcpy(&copy, eth, sizeof copy);
    if (bpf_xdp_adjust_head(ctx, -(int) sizeof(struct vlan_hdr))) {
        return XDP_ABORTED;
    }
    data = (void *) (long) ctx->data;
    data_end = (void *) (long) ctx->data_end;
    eth = data;
    vlh = (void *) (eth + 1);
    if ((void *) (vlh + 1) > data_end) {
        return XDP_ABORTED;
    }
    __builtin_memcpy(eth, &copy, sizeof *eth);
    vlh->encap_proto = copy.h_proto;
    vlh->tci = bpf_htons((PUSH_PCP << 13) | PUSH_VID);
    eth->h_proto = bpf_htons(ETH_P_8021Q);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
