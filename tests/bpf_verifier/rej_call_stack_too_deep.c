/* ---
 * verdict: rejected
 * reason: "the call stack of 9 frames is too deep"
 * kernel: rejected
 * kernel_reason: "the call stack of 9 frames is too deep"
 * ---
 * Nine frames: the program and eight nested BPF functions, one more than
 * the kernel's MAX_CALL_FRAMES.
 */
#include "xbtest.h"

#define LEVEL(N, NEXT)                                  \
    static __attribute__((noinline)) int                \
    f##N(int x)                                         \
    {                                                   \
        OPAQUE(x);                                      \
        return NEXT(x + N) + 1;                         \
    }

static __attribute__((noinline)) int
f8(int x)
{
    OPAQUE(x);
    return x;
}
LEVEL(7, f8)
LEVEL(6, f7)
LEVEL(5, f6)
LEVEL(4, f5)
LEVEL(3, f4)
LEVEL(2, f3)
LEVEL(1, f2)

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    return f1(ctx->ingress_ifindex) & 1 ? XDP_DROP : XDP_PASS;
}

LICENSE;
