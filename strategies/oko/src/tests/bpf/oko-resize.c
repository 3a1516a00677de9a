/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* A program that changes the packet's length (it drops its last 4 bytes):
 * it writes no byte through a pointer, but tests/bpf-oko.at checks that it
 * is refused as a filter, as one that writes is. */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int
resize(struct xdp_md *ctx)
{
    return bpf_xdp_adjust_tail(ctx, -4) ? 0 : 1;
}

char _license[] SEC("license") = "GPL";
