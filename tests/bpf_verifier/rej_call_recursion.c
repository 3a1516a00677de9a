/* ---
 * verdict: rejected
 * reason: "recursive call"
 * kernel: rejected
 * ---
 * A BPF function that calls itself: recursion is refused, as in the
 * kernel.
 */
#include "xbtest.h"

static __attribute__((noinline)) int
depth(__u8 *p, void *data_end, int n)
{
    int d;

    if (n <= 0 || (void *) (p + 1) > data_end) {
        return 0;
    }
    d = depth(p + 1, data_end, n - 1);
    OPAQUE(d);      /* Not a tail call, which clang would turn into a loop. */
    return d + 1;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    return depth((void *) (long) ctx->data, (void *) (long) ctx->data_end,
                 ctx->ingress_ifindex) ? XDP_DROP : XDP_PASS;
}

LICENSE;
