/* ---
 * verdict: accepted
 * reads: [[0, 12]]
 * writes: [[0, 12]]
 * kernel: accepted
 * ---
 * Three levels of BPF functions: the innermost swaps the MAC addresses,
 * through a packet pointer passed down twice.  The writes are the
 * program's.
 */
#include "xbtest.h"

static __attribute__((noinline)) int
swap(__u8 *p)
{
    for (int i = 0; i < 6; i++) {
        __u8 t = p[i];

        p[i] = p[i + 6];
        p[i + 6] = t;
    }
    return 0;
}

static __attribute__((noinline)) int
check_and_swap(__u8 *p, void *data_end)
{
    if ((void *) (p + 12) > data_end) {
        return -1;
    }
    return swap(p);
}

static __attribute__((noinline)) int
reflect(__u8 *p, void *data_end)
{
    return check_and_swap(p, data_end) ? XDP_PASS : XDP_TX;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    return reflect((void *) (long) ctx->data, (void *) (long) ctx->data_end);
}

LICENSE;
