/* ---
 * verdict: accepted
 * reads: [[1, 4], [16, 32]]
 * writes: [[3, 19]]
 * merged: true
 * kernel: accepted
 * ---
 * q = d + (d[2] & 15), checked against data_end on both paths with a
 * different scalar beside it: the merged state keeps q's range, and the
 * write q[3] covers [3, 19).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    __u8 *q;
    __u64 b;
    if (d + 300 > e) {
        return XDP_PASS;
    }
    q = d + (d[2] & 15);
    OPAQUE(q);
    if ((void *) (q + 4) > (void *) e) {
        return XDP_PASS;
    }
    b = d[1] ? d[3] : 7;
    OPAQUE(b);
    MERGE_FLAGS(d, flags);
    q[3] = b;
    MERGE_RETURN(flags);
}

LICENSE;
