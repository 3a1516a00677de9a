/* ---
 * verdict: accepted
 * reads: [[1, 3], [16, 32]]
 * writes: [[0, 256]]
 * merged: true
 * kernel: accepted
 * ---
 * b is the constant 5 on one path and a packet byte on the other: the
 * merged b is any byte, and the write d[b] covers [0, 256), although
 * "b == 5" would allow [5, 6) on the first path.
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
        b = 5;
    } else {
        b = d[2];
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
