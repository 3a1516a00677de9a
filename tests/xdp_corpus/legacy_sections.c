/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Legacy section names, as older tutorials and samples wrote them
 * (SEC("xdp_<name>"), from before libbpf settled on "xdp" and "xdp/"):
 * a program that rewrites the outer VLAN id 5 into 6 (no checksum covers
 * it), and one that passes everything. */

#include "corpus.h"

SEC("xdp_vlan_swap")
int xdp_vlan_swap_func(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = (void *) (long) ctx->data;
    struct vlan_hdr *vlh = (void *) (eth + 1);

    if ((void *) (vlh + 1) > data_end) {
        return XDP_PASS;
    }
    if (!proto_is_vlan(eth->h_proto)) {
        return XDP_PASS;
    }
    if ((bpf_ntohs(vlh->tci) & 0x0fff) == 5) {
        vlh->tci = bpf_htons((bpf_ntohs(vlh->tci) & 0xf000) | 6);
    }
    return XDP_PASS;
}

SEC("xdp_pass")
int xdp_pass_func(struct xdp_md *ctx)
{
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
