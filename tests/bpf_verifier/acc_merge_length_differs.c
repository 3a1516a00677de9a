/* ---
 * verdict: accepted
 * reads: [[1, 2], [16, 32]]
 * writes: [[299, 300], [350, 351]]
 * merged: true
 * kernel: accepted
 * ---
 * One path proves 400 bytes of packet, the other does not: the states
 * differ in the packet length they prove and never merge.  Only the first
 * path writes d[350], so the writes cover [350, 351) and [299, 300).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    __u64 big = 0;
    if (d + 300 > e) {
        return XDP_PASS;
    }
    if (d[1] && d + 400 <= e) {
        big = 1;
        d[350] = 1;
    }
    OPAQUE(big);
    MERGE_FLAGS(d, flags);
    d[299] = big;
    MERGE_RETURN(flags);
}

LICENSE;
