/* ---
 * verdict: rejected
 * reason: "invalid bpf_context access off=16 size=4"
 * kernel: rejected
 * kernel_reason: "invalid bpf_context access off=16 size=4"
 * ---
 * Writes a field of struct xdp_md from C.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    ctx->rx_queue_index = ctx->ingress_ifindex;
    return XDP_PASS;
}

LICENSE;
