/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Foldable filter for tests/bpf-oko-fold.at: matches IPv4 UDP packets with
 * destination port 5000.  Reads the Ethertype, the IPv4 version and header
 * length, the protocol and the UDP destination port: [12,15) [23,24)
 * [36,38), all flow key fields (or fixed by the layout guard). */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int
port(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;

    if (data + 38 > data_end
        || data[12] != 0x08 || data[13] != 0x00
        || data[14] != 0x45 || data[23] != 17) {
        return 0;
    }
    return data[36] == (5000 >> 8) && data[37] == (5000 & 0xff);
}

char _license[] SEC("license") = "GPL";
