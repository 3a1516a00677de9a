/* ---
 * verdict: accepted
 * reads: [[0, 3], [16, 32]]
 * writes: [[0, 11], [150, 278]]
 * merged: true
 * kernel: accepted
 * ---
 * a, b and c are copies of each other on one path; on the other, b is a
 * copy of a and c is unrelated.  The link that both paths have survives
 * the merge, the other does not: after "a <= 10" the write d[b] covers
 * [0, 11) and the write d[(c & 127) + 150] covers [150, 278).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    __u64 a, b, c, g;
    if (d + 300 > e) {
        return XDP_PASS;
    }
    a = d[0];
    OPAQUE(a);
    if (d[1]) {
        COPY(c, a);
        COPY(b, c);
    } else {
        COPY(b, a);
        c = d[2];
    }
    OPAQUE(b);
    OPAQUE(c);
    MERGE_FLAGS(d, flags);
    if (a > 10) {
        return XDP_PASS;
    }
    if ((void *) (d + b + 1) > (void *) e) {
        return XDP_PASS;
    }
    d[b] = 1;
    g = (c & 127) + 150;
    OPAQUE(g);
    if ((void *) (d + g + 1) > (void *) e) {
        return XDP_PASS;
    }
    d[g] = 2;
    MERGE_RETURN(flags);
}

LICENSE;
