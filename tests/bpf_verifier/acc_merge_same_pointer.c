/* ---
 * verdict: accepted
 * reads: [[1, 3], [16, 32]]
 * writes: [[10, 11]]
 * merged: true
 * kernel: accepted
 * ---
 * p points 10 bytes into the packet on both paths: the states differ only
 * in scalars and merge; the write p[0] covers [10, 11).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    __u8 *p;
    __u64 b;
    if (d + 300 > e) {
        return XDP_PASS;
    }
    p = d + 10;
    b = d[1] ? d[2] : 0;
    OPAQUE(b);
    OPAQUE(p);
    MERGE_FLAGS(d, flags);
    p[0] = b;
    MERGE_RETURN(flags);
}

LICENSE;
