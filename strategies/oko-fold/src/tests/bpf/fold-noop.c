/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Filter for tests/bpf-oko-fold.at that matches every packet and reads
 * nothing: foldable with no exact-match bits and no guard. */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int
noop(struct xdp_md *ctx)
{
    (void) ctx;
    return 1;
}

char _license[] SEC("license") = "GPL";
