/* ---
 * verdict: accepted
 * reads: [[0, null]]
 * writes: [[0, null]]
 * kernel: accepted
 * ---
 * Cuts every packet longer than 64 bytes down to 64 with
 * bpf_xdp_adjust_tail(): the length changes, so the verdict is every byte,
 * although no byte is written through a pointer.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __s32 len = ctx->data_end - ctx->data;

    if (len > 64 && bpf_xdp_adjust_tail(ctx, 64 - len)) {
        return XDP_ABORTED;
    }
    return XDP_PASS;
}

LICENSE;
