/* ---
 * verdict: accepted
 * reads: [[1, 3], [16, 32]]
 * writes: [[0, 11]]
 * merged: true
 * kernel: accepted
 * ---
 * As merge_copy_both_sides, with b spilled: the spilled copy keeps its
 * link to c on both paths, so "c <= 10" bounds the value filled back, and
 * the write covers [0, 11).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    __u64 b, c;
    volatile __u64 slot;
    if (d + 300 > e) {
        return XDP_PASS;
    }
    c = d[2];
    OPAQUE(c);
    if (d[1]) {
        COPY(b, c);
        slot = b;
    } else {
        COPY(b, c);
        slot = b;
        flags = 1 << 20;
    }
    MERGE_FLAGS(d, flags);
    if (c > 10) {
        return XDP_PASS;
    }
    b = slot;
    if ((void *) (d + b + 1) > (void *) e) {
        return XDP_PASS;
    }
    d[b] = 0x42;
    MERGE_RETURN(flags);
}

LICENSE;
