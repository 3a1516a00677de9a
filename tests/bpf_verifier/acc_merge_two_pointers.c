/* ---
 * verdict: accepted
 * reads: [[1, 2], [16, 32]]
 * writes: [[10, 11], [20, 21]]
 * merged: true
 * kernel: accepted
 * ---
 * p points 10 bytes into the packet on one path and 20 on the other: the
 * states differ in a pointer and never merge, and the writes cover
 * [10, 11) and [20, 21).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    __u8 *p;
    if (d + 300 > e) {
        return XDP_PASS;
    }
    p = d[1] ? d + 10 : d + 20;
    OPAQUE(p);
    MERGE_FLAGS(d, flags);
    p[0] = 0x42;
    MERGE_RETURN(flags);
}

LICENSE;
