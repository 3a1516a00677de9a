/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* mirror_pattern: a debugging aid that selects packets to mirror by a
 * payload pattern.  It passes ("mirror this packet") an IPv4 UDP packet
 * whose payload holds the 4 bytes "XBMR" starting at one of its first
 * MIRROR_WINDOW - 3 bytes (so within the first MIRROR_WINDOW (32) payload
 * bytes, bounded by the UDP length), and fails every other packet, which
 * the flow still forwards but does not mirror.  Read-only. */

#include "xb_ext.h"

#define MIRROR_WINDOW 32
#define MIRROR_PATTERN_LEN 4

/* Returns true if the 'MIRROR_PATTERN_LEN' bytes at 'p' are "XBMR". */
static __always_inline bool
mirror_match(const __u8 *p)
{
    return p[0] == 'X' && p[1] == 'B' && p[2] == 'M' && p[3] == 'R';
}

/* Looks for the pattern in the payload of a UDP packet in 'ctx'.  Returns
 * "pass" if found, else "fail". */
SEC("xdp")
int
mirror_pattern(struct xdp_md *ctx)
{
    struct udphdr *udp = ext_udp(ctx);
    void *end = ext_data_end(ctx);
    __u8 *payload;
    __u32 len;

    if (!udp) {
        return EXT_FAIL;
    }
    payload = (__u8 *) (udp + 1);
    len = bpf_ntohs(udp->len);
    len = len > sizeof *udp ? len - sizeof *udp : 0;

#pragma unroll
    for (int i = 0; i < MIRROR_WINDOW - MIRROR_PATTERN_LEN + 1; i++) {
        if (i + MIRROR_PATTERN_LEN <= len
            && (void *) (payload + i + MIRROR_PATTERN_LEN) <= end
            && mirror_match(payload + i)) {
            return EXT_PASS;
        }
    }
    return EXT_FAIL;
}
