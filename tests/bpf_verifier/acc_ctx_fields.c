/* ---
 * verdict: accepted
 * reads: []
 * writes: []
 * kernel: accepted
 * ---
 * Reads the scalar fields of struct xdp_md (ingress_ifindex,
 * rx_queue_index): they are 4-byte context reads that yield scalars.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    if (ctx->ingress_ifindex == 1 && ctx->rx_queue_index == 0) {
        return XDP_DROP;
    }
    return XDP_PASS;
}

LICENSE;
