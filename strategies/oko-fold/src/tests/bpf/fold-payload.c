/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Filter for tests/bpf-oko-fold.at that reads the first UDP payload byte
 * (byte 42 of an IPv4 UDP packet without options), which no flow field
 * holds: not foldable.  Matches if it is not 0xff. */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int
payload(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;

    if (data + 43 > data_end) {
        return 0;
    }
    return data[42] != 0xff;
}

char _license[] SEC("license") = "GPL";
