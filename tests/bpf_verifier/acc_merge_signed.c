/* ---
 * verdict: accepted
 * reads: [[1, 3], [16, 32]]
 * writes: [[0, 128]]
 * merged: true
 * kernel: accepted
 * ---
 * b is a sign-extended byte on one path and 3 on the other; after the
 * signed check "b >= 0" the write d[b] covers [0, 128).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    __s64 b;
    if (d + 300 > e) {
        return XDP_PASS;
    }
    if (d[1]) {
        b = (__s8) d[2];
    } else {
        b = 3;
    }
    OPAQUE(b);
    MERGE_FLAGS(d, flags);
    if (b < 0) {
        return XDP_PASS;
    }
    if ((void *) (d + b + 1) > (void *) e) {
        return XDP_PASS;
    }
    d[b] = 0x42;
    MERGE_RETURN(flags);
}

LICENSE;
