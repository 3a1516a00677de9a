/* ---
 * verdict: accepted
 * reads: [[0, 16]]
 * writes: []
 * kernel: accepted
 * ---
 * A loop (not unrolled) over the first 16 bytes of the packet: each
 * iteration reads one more byte, and the ranges hold exactly those read.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *data = (void *) (long) ctx->data;
    __u8 *data_end = (void *) (long) ctx->data_end;
    __u32 sum = 0;

    if (data + 16 > data_end) {
        return XDP_PASS;
    }
#pragma clang loop unroll(disable)
    for (int i = 0; i < 16; i++) {
        sum += data[i];
    }
    return sum & 1 ? XDP_DROP : XDP_PASS;
}

LICENSE;
