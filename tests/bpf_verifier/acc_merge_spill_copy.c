/* ---
 * verdict: accepted
 * reads: [[0, 3], [16, 32]]
 * writes: [[0, 256]]
 * merged: true
 * kernel: accepted
 * ---
 * As merge_copy_one_side, with b spilled to the stack and filled back
 * after the flag tests: the spilled scalar must not keep c's id either, and
 * the write d[b] covers [0, 256).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    __u64 a, b, c;
    volatile __u64 slot;
    if (d + 300 > e) {
        return XDP_PASS;
    }
    a = d[0];
    c = d[2];
    OPAQUE(a);
    OPAQUE(c);
    if (d[1]) {
        COPY(b, c);
    } else {
        COPY(b, a);
    }
    slot = b;
    MERGE_FLAGS(d, flags);
    b = slot;
    if (c > 10) {
        return XDP_PASS;
    }
    if (d + b + 1 > e) {
        return XDP_PASS;
    }
    d[b] = 0x42;
    MERGE_RETURN(flags);
}

LICENSE;
