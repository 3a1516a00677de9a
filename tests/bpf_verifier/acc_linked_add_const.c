/* ---
 * verdict: accepted
 * reads: [[14, 24]]
 * writes: []
 * kernel: accepted
 * ---
 * A range check "off < 14 || off > 22" compiles to one unsigned comparison
 * of a copy of off minus 23 (w2 = w1; w2 += -23; if w2 < -9): what it
 * teaches about the copy bounds off too, through the constant between them
 * (the kernel's linked registers with BPF_ADD_CONST), as in
 * tests/xdp_corpus/tailcall_pipeline.c's stages.
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
    return p[1] ? XDP_PASS : XDP_DROP;
}

LICENSE;
