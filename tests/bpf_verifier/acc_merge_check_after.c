/* ---
 * verdict: accepted
 * reads: [[1, 4], [16, 32]]
 * writes: [[0, 11]]
 * merged: true
 * kernel: accepted
 * ---
 * b is any byte on either path; the check "b <= 10" comes after the
 * merge and bounds the write d[b] to [0, 11).
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
    b = d[1] ? d[2] : d[3];
    OPAQUE(b);
    MERGE_FLAGS(d, flags);
    if (b > 10) {
        return XDP_PASS;
    }
    if ((void *) (d + b + 1) > (void *) e) {
        return XDP_PASS;
    }
    d[b] = 0x42;
    MERGE_RETURN(flags);
}

LICENSE;
