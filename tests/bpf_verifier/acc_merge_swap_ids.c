/* ---
 * verdict: accepted
 * reads: [[0, 3], [16, 32]]
 * writes: [[0, 257]]
 * merged: true
 * kernel: accepted
 * ---
 * b and f are copies of c and a on one path, of a and c on the other.  No
 * link survives the merge: after "c <= 10" and "a <= 20", b and f are
 * still any byte, and the writes d[b] and d[f + 1] cover [0, 257).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    __u64 a, b, c, f, g;
    if (d + 300 > e) {
        return XDP_PASS;
    }
    a = d[0];
    c = d[2];
    OPAQUE(a);
    OPAQUE(c);
    if (d[1]) {
        COPY(b, c);
        COPY(f, a);
    } else {
        COPY(b, a);
        COPY(f, c);
    }
    OPAQUE(b);
    OPAQUE(f);
    MERGE_FLAGS(d, flags);
    if (c > 10 || a > 20) {
        return XDP_PASS;
    }
    if ((void *) (d + b + 1) > (void *) e) {
        return XDP_PASS;
    }
    d[b] = 1;
    g = f + 1;
    OPAQUE(g);
    if ((void *) (d + g + 1) > (void *) e) {
        return XDP_PASS;
    }
    d[g] = 2;
    MERGE_RETURN(flags);
}

LICENSE;
