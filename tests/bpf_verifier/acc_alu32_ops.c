/* ---
 * verdict: accepted
 * reads: [[0, 1], [1, 24]]
 * writes: []
 * kernel: accepted
 * ---
 * A packet offset computed with 32-bit ALU operations (zero-extended
 * results): (b & 7) * 2 + 1 is in [1, 15]; w4 |= w5 with w5 in [0, 7]
 * stays in [1, 15]; the 4-byte read at that offset covers bytes 1..18,
 * and a second read after other 32-bit operations covers 1..23 in total.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 1\n"
    "if r4 > r3 goto 9f\n"
    "w4 = *(u8 *)(r2 + 0)\n"
    "w4 &= 7\n"
    "w4 *= 2\n"
    "w4 += 1\n"
    "w5 = w4\n"
    "w5 >>= 1\n"
    "w4 |= w5\n"
    "w6 = w4\n"
    "w6 -= 1\n"
    "w6 /= 2\n"
    "w6 %= 5\n"
    "w6 <<= 1\n"
    "w6 ^= 1\n"
    "w7 = w6\n"
    "w7 s>>= 1\n"
    "w8 = 3\n"
    "w8 = -w8\n"
    "r5 = r2\n"
    "r5 += r4\n"
    "r1 = r5\n"
    "r1 += 4\n"
    "if r1 > r3 goto 9f\n"
    "w0 = *(u32 *)(r5 + 0)\n"
    "r5 = r2\n"
    "r5 += r6\n"
    "r5 += 1\n"
    "r1 = r5\n"
    "r1 += 14\n"
    "if r1 > r3 goto 9f\n"
    "w1 = *(u32 *)(r5 + 10)\n"
    "w0 += w1\n"
    "w0 += w7\n"
    "w0 += w8\n"
    "exit\n"
"9:\n"
    "w0 = 2\n"
    "exit\n"
);

LICENSE;
