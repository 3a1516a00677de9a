/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Filter for tests/bpf-oko.at: matches (returns 1) IPv4 UDP packets whose
 * destination port is 5000, and nothing else (returns 0).  Stateless and
 * read-only: it reads bytes 12..38 of the packet. */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define UDP_DPORT 5000

SEC("xdp")
int
udp_dport(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;

    /* Ethernet, IPv4 without options (IHL 5), UDP. */
    if (data + 38 > data_end
        || data[12] != 0x08 || data[13] != 0x00
        || data[14] != 0x45 || data[23] != 17) {
        return 0;
    }
    return data[36] == (UDP_DPORT >> 8) && data[37] == (UDP_DPORT & 0xff);
}

char _license[] SEC("license") = "GPL";
