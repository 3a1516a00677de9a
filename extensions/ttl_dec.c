/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* ttl_dec: decrements the IPv4 TTL as a router does, and fixes the checksum
 * the way Linux's ip_decrease_ttl() does (adding 0x0100 with end-around
 * carry, which reads only the TTL and the checksum).  A packet whose TTL is
 * 0 or 1 fails (a router would drop it and send ICMP time exceeded) and is
 * not written.  Non-IPv4 packets pass. */

#define EXT_WRITES_PACKET 1
#include "xb_ext.h"

/* Decrements the TTL of the packet in 'ctx'.  Returns "fail" if the TTL
 * expires, else "pass". */
SEC("xdp")
int
ttl_dec(struct xdp_md *ctx)
{
    struct iphdr *ip = ext_ipv4(ctx);
    __u32 check;

    if (!ip) {
        return EXT_PASS;
    }
    if (ip->ttl <= 1) {
        return EXT_FAIL;
    }
    check = ip->check;
    check += bpf_htons(0x0100);
    ip->check = check + (check >= 0xffff);
    ip->ttl--;
    return EXT_PASS;
}
