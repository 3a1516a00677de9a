/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Filter for tests/bpf-oko-fold.at that matches packets received on
 * datapath port 1 (ingress_ifindex), which every megaflow matches exactly:
 * foldable, reading no packet byte. */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int
in_port(struct xdp_md *ctx)
{
    return ctx->ingress_ifindex == 1;
}

char _license[] SEC("license") = "GPL";
