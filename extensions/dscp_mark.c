/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* dscp_mark: marks every IPv4 UDP packet (later fragments included) with
 * DSCP DSCP_MARK (46, Expedited Forwarding), keeping its ECN bits, and fixes
 * the IPv4 checksum incrementally.  Packets already marked are not written.
 * Every packet passes. */

#define EXT_WRITES_PACKET 1
#include "xb_ext.h"

#define DSCP_MARK 46

/* Marks a UDP packet in 'ctx'.  Returns "pass". */
SEC("xdp")
int
dscp_mark(struct xdp_md *ctx)
{
    struct iphdr *ip = ext_ipv4(ctx);
    __be16 *word, old_word;
    __u8 tos;

    if (!ip || ip->protocol != IPPROTO_UDP) {
        return EXT_PASS;
    }
    tos = (DSCP_MARK << 2) | (ip->tos & 0x3);
    if (tos == ip->tos) {
        return EXT_PASS;
    }

    /* The checksum covers 16-bit words: version/IHL and TOS form one. */
    word = (__be16 *) ip;
    old_word = *word;
    ip->tos = tos;
    ip->check = ext_csum_replace16(ip->check, old_word, *word);
    return EXT_PASS;
}
