/* ---
 * verdict: accepted
 * reads: [[1, 3], [16, 32]]
 * writes: [[0, 16]]
 * merged: true
 * kernel: accepted
 * ---
 * One path writes a stack slot that the other leaves alone: the states
 * differ in the stack and never merge.  The slot is read back (as unknown
 * data where it was never written, as for a privileged kernel loader) and
 * masked to index the write, which covers [0, 16).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    volatile __u64 slot[1];
    __u64 b;
    if (d + 300 > e) {
        return XDP_PASS;
    }
    if (d[1]) {
        slot[0] = d[2];
    }
    MERGE_FLAGS(d, flags);
    b = slot[0] & 15;
    if ((void *) (d + b + 1) > (void *) e) {
        return XDP_PASS;
    }
    d[b] = 0x42;
    MERGE_RETURN(flags);
}

LICENSE;
