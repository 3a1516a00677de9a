/* ---
 * verdict: accepted
 * reads: [[1, 4], [16, 32]]
 * writes: [[0, 128]]
 * merged: true
 * kernel: accepted
 * ---
 * b is in [0, 7] on one path and in [64, 127] on the other: the merge
 * keeps their hull, and the write d[b] covers [0, 128).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    __u64 b;
    if (d + 300 > e) {
        return XDP_PASS;
    }
    if (d[1]) {
        b = d[2] & 7;
    } else {
        b = (d[3] & 63) + 64;
    }
    OPAQUE(b);
    MERGE_FLAGS(d, flags);
    if ((void *) (d + b + 1) > (void *) e) {
        return XDP_PASS;
    }
    d[b] = 0x42;
    MERGE_RETURN(flags);
}

LICENSE;
