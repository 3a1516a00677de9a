/* ---
 * verdict: rejected
 * reason: "invalid access to packet"
 * kernel: rejected
 * kernel_reason: "invalid access to packet"
 * ---
 * The bound that a comparison of a copy minus a constant gives (off in
 * [14, 22]) is no more than that: a read at off + 18 may pass the 2 bytes
 * checked from off (and the 40 from the start).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *data = (void *) (long) ctx->data;
    __u8 *data_end = (void *) (long) ctx->data_end;
    __u32 off;
    __u8 *p;

    if ((void *) (data + 40) > (void *) data_end) {
        return XDP_DROP;
    }
    off = *(__u32 *) (data + 14);
    /* off - 23 in a copy, compared unsigned with -9: off in [14, 22]. */
    asm volatile("w2 = %[off]\n\t"
                 "w2 += -23\n\t"
                 "if w2 >= -9 goto +1\n\t"
                 "%[off] = 0xffff"
                 : [off] "+w"(off) : : "r2");
    if (off == 0xffff) {
        return XDP_ABORTED;
    }
    p = data + off;
    if ((void *) (p + 2) > (void *) data_end) {
        return XDP_DROP;
    }
    return p[18] ? XDP_PASS : XDP_DROP;
}

LICENSE;
