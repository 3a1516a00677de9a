/* ---
 * verdict: rejected
 * reason: "BPF program is too large. Processed 1000000 insn"
 * kernel: rejected
 * kernel_reason: "BPF program is too large. Processed 1000001 insn"
 * slow: true
 * ---
 * 24 independent tests that each move a packet pointer by a different
 * power of two: 2^24 paths that end with 2^24 different pointers, which
 * neither pruning nor merging (scalars only) can reduce.  Both verifiers
 * give up at their bound on processed instructions (1,000,000).  The
 * kernel needs about 30 s for that, so its check only runs with XB_SLOW=1.
 */
#include "xbtest.h"

#define TEST(I)                                         \
    if (p[I] == (I)) {                                  \
        q += 1 << (I);                                  \
    }

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    volatile __u8 *p = data;
    __u8 *q = data;

    if (data + 64 > data_end) {
        return XDP_PASS;
    }
    TEST(0) TEST(1) TEST(2) TEST(3) TEST(4) TEST(5) TEST(6) TEST(7)
    TEST(8) TEST(9) TEST(10) TEST(11) TEST(12) TEST(13) TEST(14) TEST(15)
    TEST(16) TEST(17) TEST(18) TEST(19) TEST(20) TEST(21) TEST(22) TEST(23)
    if ((void *) (q + 1) > data_end) {
        return XDP_PASS;
    }
    return *q;
}

LICENSE;
