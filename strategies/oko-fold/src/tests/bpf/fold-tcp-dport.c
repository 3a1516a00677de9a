/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Foldable filter for tests/bpf-oko-fold.at: matches IPv4 TCP packets
 * (without IP options) to port 5000.  Reads [12,15), [23,24) and [36,38):
 * the Ethertype, the version and header length, the protocol and the
 * destination port. */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TCP_DPORT 5000

SEC("xdp")
int
tcp_dport(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;

    if (data + 38 > data_end
        || data[12] != 0x08 || data[13] != 0x00
        || data[14] != 0x45 || data[23] != 6) {
        return 0;
    }
    return data[36] == (TCP_DPORT >> 8) && data[37] == (TCP_DPORT & 0xff);
}

char _license[] SEC("license") = "GPL";
