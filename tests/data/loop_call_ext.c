/* An extension-shaped program with a bounded loop that calls a static
 * function (a bpf-to-bpf call): the compile check takes it
 * (tests/unit/test_extensions_compile.py), the OVS runtime and the kernel
 * load it and agree on its results
 * (tests/integration/test_extension_loops_calls.py).  It sums mix() of the
 * first 16 bytes and drops the packet if the sum is odd. */
#include "xb_ext.h"

static __attribute__((noinline)) __u32
mix(__u32 x)
{
    return x * 3 + 1;
}

SEC("xdp")
int
loop_call(struct xdp_md *ctx)
{
    __u8 *p = (void *) (long) ctx->data;
    __u8 *end = (void *) (long) ctx->data_end;
    __u32 s = 0;

    if (p + 16 > end) {
        return XDP_PASS;
    }
#pragma clang loop unroll(disable)
    for (int i = 0; i < 16; i++) {
        s += mix(p[i]);
    }
    return s & 1 ? XDP_DROP : XDP_PASS;
}
