/* ---
 * verdict: rejected
 * reason: "insn 3: write into map forbidden, value_size=4 off=0 size=4"
 * kernel: rejected
 * kernel_reason: "write into map forbidden"
 * ---
 * Stores into a constant of .rodata through a cast: the map is read-only
 * to the program (BPF_F_RDONLY_PROG), as in the kernel.
 */
#include "xbtest.h"

const volatile __u32 limit = 10;

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    *(volatile __u32 *) &limit = ctx->ingress_ifindex;
    return XDP_PASS;
}

LICENSE;
