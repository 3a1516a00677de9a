/* ---
 * verdict: accepted
 * reads: [[0, 3], [16, 32]]
 * writes: [[0, 256]]
 * kernel: accepted
 * ---
 * Issue 14's reproducer.  b is a copy of c on one path and a copy of a on
 * the other; 16 flag tests make the precise pass run out of budget, so the
 * merging pass joins both paths.  The merged state must not keep c's id for
 * b: "c <= 10" says nothing about b, which may be any byte, so the write
 * d[b] covers [0, 256).
 */
#include "xbtest.h"
#define T(I)                            \
    if (d[16 + (I)] == (I)) {           \
        flags |= 1u << (I);             \
    }
SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    __u64 a, b, c;

    if (d + 300 > e) {
        return XDP_PASS;
    }
    a = d[0];
    c = d[2];
    b = d[1] ? c : a;
    asm volatile("" :: "r"(a), "r"(b), "r"(c));
    T(0) T(1) T(2) T(3) T(4) T(5) T(6) T(7)
    T(8) T(9) T(10) T(11) T(12) T(13) T(14) T(15)
    if (c > 10) {
        return flags;
    }
    if (d + b + 1 > e) {
        return XDP_PASS;
    }
    d[b] = 0x42;
    return flags;
}
LICENSE;
