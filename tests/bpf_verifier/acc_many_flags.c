/* ---
 * verdict: accepted
 * reads: [[0, 64]]
 * writes: []
 * kernel: accepted
 * ---
 * 32 independent tests that each set a different bit of a returned value:
 * 2^32 paths with 2^32 different values.  The kernel prunes them because
 * the value never matters for safety (precision tracking); this verifier
 * gets there by merging states that differ only in scalars, once its
 * precise pass runs out of budget.
 */
#include "xbtest.h"

#define TEST(I)                                         \
    if (p[2 * (I)] == (I) && p[2 * (I) + 1] != 0) {     \
        flags |= 1u << (I);                             \
    }

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    volatile __u8 *p = data;
    __u32 flags = 0;

    if (data + 64 > data_end) {
        return XDP_PASS;
    }
    TEST(0) TEST(1) TEST(2) TEST(3) TEST(4) TEST(5) TEST(6) TEST(7)
    TEST(8) TEST(9) TEST(10) TEST(11) TEST(12) TEST(13) TEST(14) TEST(15)
    TEST(16) TEST(17) TEST(18) TEST(19) TEST(20) TEST(21) TEST(22) TEST(23)
    TEST(24) TEST(25) TEST(26) TEST(27) TEST(28) TEST(29) TEST(30) TEST(31)
    return flags;
}

LICENSE;
