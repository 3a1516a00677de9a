/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Foldable filter for tests/bpf-oko-fold.at: matches IPv4 packets whose
 * destination is in 10.0.0.0/24.  Reads [12,14) and [30,33): the
 * Ethertype and the first three bytes of the destination address. */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int
prefix(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;

    if (data + 34 > data_end || data[12] != 0x08 || data[13] != 0x00) {
        return 0;
    }
    return data[30] == 10 && data[31] == 0 && data[32] == 0;
}

char _license[] SEC("license") = "GPL";
