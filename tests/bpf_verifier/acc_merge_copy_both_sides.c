/* ---
 * verdict: accepted
 * reads: [[1, 3], [16, 32]]
 * writes: [[0, 11]]
 * merged: true
 * kernel: accepted
 * ---
 * b is a copy of c on both paths (made apart, so both states give b and c
 * one id).  The merged state keeps the link, since both states have it:
 * "c <= 10" bounds b, and the write d[b] covers [0, 11).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    __u64 b, c;
    if (d + 300 > e) {
        return XDP_PASS;
    }
    c = d[2];
    OPAQUE(c);
    if (d[1]) {
        COPY(b, c);
        OPAQUE(b);
    } else {
        COPY(b, c);
        OPAQUE(b);
        flags = 1 << 20;
    }
    MERGE_FLAGS(d, flags);
    if (c > 10) {
        return XDP_PASS;
    }
    if ((void *) (d + b + 1) > (void *) e) {
        return XDP_PASS;
    }
    d[b] = 0x42;
    MERGE_RETURN(flags);
}

LICENSE;
