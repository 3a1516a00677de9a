/* ---
 * verdict: rejected
 * reason: "BPF program is too complex. Processed"
 * kernel: rejected
 * kernel_reason: "BPF program is too large"
 * slow: true
 * ---
 * A loop of 64 iterations that counts the bytes equal to 0x2a and compares
 * the count after the loop.  The comparison is decided on some paths (a
 * count of 0 is not > 10), so the count matters (the kernel marks it
 * precise back through every iteration) and the loop head sees a state per
 * iteration and count, about 64 * 65 / 2: Linux 6.18 gives up after 1M
 * instructions (150 s here), and OVS after its budget, whose merging pass
 * widens the counters ("merging states lost the bound of the loop"), not
 * with a false "infinite loop detected".
 */
#include "xbtest.h"
SEC("xdp")
int prog(struct xdp_md *ctx)
{
    unsigned char *p = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    __u32 cnt = 0;

    if (p + 64 > (unsigned char *) end)
        return XDP_PASS;
#pragma clang loop unroll(disable)
    for (int i = 0; i < 64; i++) {
        if (p[i] == 0x2a)
            cnt++;
    }
    if (cnt > 10)
        return XDP_DROP;
    return XDP_PASS;
}
LICENSE;
