/* ---
 * verdict: accepted
 * reads: []
 * writes: []
 * kernel: accepted
 * ---
 * The smallest program: no packet access at all.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    return XDP_PASS;
}

LICENSE;
