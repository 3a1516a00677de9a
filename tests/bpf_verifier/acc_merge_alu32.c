/* ---
 * verdict: accepted
 * reads: [[0, 3], [16, 32]]
 * writes: [[0, 256]]
 * merged: true
 * kernel: accepted
 * ---
 * 32-bit copies: w6 = w7 links two registers only if the value fits in
 * 32 bits.  b is a 32-bit copy of c on one path and a byte on the other;
 * after "c <= 10" the write d[b] still covers [0, 256).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    __u32 a, b, c;
    if (d + 300 > e) {
        return XDP_PASS;
    }
    a = d[0];
    c = d[2];
    OPAQUE(a);
    OPAQUE(c);
    if (d[1]) {
        asm volatile("%0 = %1" : "=r"(b) : "r"(c));
    } else {
        asm volatile("%0 = %1" : "=r"(b) : "r"(a));
    }
    OPAQUE(b);
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
