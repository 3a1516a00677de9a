/* ---
 * verdict: accepted
 * reads: [[1, 4], [16, 32], [100, 164]]
 * writes: []
 * merged: true
 * kernel: accepted
 * ---
 * Reads at a merged offset: b is d[2] & 31 or d[3] & 63; the read d[b + 100]
 * covers [100, 164).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    __u64 b, g;
    __u8 x;
    if (d + 300 > e) {
        return XDP_PASS;
    }
    b = d[1] ? (d[2] & 31) : (d[3] & 63);
    OPAQUE(b);
    MERGE_FLAGS(d, flags);
    g = b + 100;
    OPAQUE(g);
    if ((void *) (d + g + 1) > (void *) e) {
        return XDP_PASS;
    }
    x = d[g];
    OPAQUE(x);
    flags ^= x;
    MERGE_RETURN(flags);
}

LICENSE;
