/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* A program that writes the packet (it sets the first byte of the Ethernet
 * destination), so tests/bpf-oko.at can check that it is refused as a
 * filter. */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int
write_dst(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;

    if (data + 14 > data_end) {
        return 0;
    }
    data[0] = 0xff;
    return 1;
}

char _license[] SEC("license") = "GPL";
