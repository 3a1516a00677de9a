/* ---
 * verdict: rejected
 * reason: "write into map forbidden"
 * kernel: rejected
 * kernel_reason: "write into map forbidden"
 * ---
 * An atomic add to a constant of .rodata: a write too.
 */
#include "xbtest.h"

const volatile __u64 total = 0;

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __sync_fetch_and_add((__u64 *) &total, 1);
    return XDP_PASS;
}

LICENSE;
