/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* payload_xor: masks the first XOR_BYTES (4) bytes of the UDP payload by
 * XOR with XOR_KEY (0x5a5a5a5a), a stand-in for in-network payload
 * obfuscation; applying it twice restores the packet.  It writes only after
 * the L4 header plus the UDP checksum, which OVS's flow extraction does not
 * parse.  The checksum is kept valid: if it is nonzero it is updated
 * incrementally (RFC 1624) for the changed payload words; a checksum of 0
 * ("none") stays 0.  Packets with fewer payload bytes (by the UDP length)
 * and non-UDP packets are not written.  Every packet passes. */

#define EXT_WRITES_PACKET 1
#include "xb_ext.h"

#define XOR_BYTES 4
#define XOR_KEY 0x5a5a5a5a

/* Masks the payload of a UDP packet in 'ctx'.  Returns "pass". */
SEC("xdp")
int
payload_xor(struct xdp_md *ctx)
{
    struct udphdr *udp = ext_udp(ctx);
    __u32 *payload, old, new;

    if (!udp) {
        return EXT_PASS;
    }
    payload = (__u32 *) (udp + 1);
    if ((void *) (payload + 1) > ext_data_end(ctx)
        || bpf_ntohs(udp->len) < sizeof *udp + XOR_BYTES) {
        return EXT_PASS;
    }

    old = *payload;
    new = old ^ XOR_KEY;
    *payload = new;
    if (udp->check) {
        udp->check = ext_udp_csum_store(
            ext_csum_replace32(udp->check, old, new));
    }
    return EXT_PASS;
}
