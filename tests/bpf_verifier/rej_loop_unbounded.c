/* ---
 * verdict: rejected
 * reason: "verification budget exceeded"
 * kernel: rejected
 * kernel_reason: "BPF program is too large"
 * slow: true
 * ---
 * A loop whose bound comes from the packet (up to 2^32 iterations): the
 * verifier unrolls it until its budget runs out, as the kernel does.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u32 *data = (void *) (long) ctx->data;
    __u32 *data_end = (void *) (long) ctx->data_end;
    __u32 n, sum = 0;

    if ((void *) (data + 1) > (void *) data_end) {
        return XDP_PASS;
    }
    n = *data;
#pragma clang loop unroll(disable)
    for (__u32 i = 0; i < n; i++) {
        sum += i ^ (sum << 1);
        OPAQUE(sum);
    }
    return sum & 1 ? XDP_DROP : XDP_PASS;
}

LICENSE;
