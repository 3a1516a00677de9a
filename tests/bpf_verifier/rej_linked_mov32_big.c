/* ---
 * verdict: rejected
 * reason: "unbounded min value"
 * kernel: rejected
 * kernel_reason: "unbounded min value"
 * ---
 * A 32-bit copy of a 64-bit unknown (w5 = w1) is not linked to it: a bound
 * on r5 says nothing about the high half of r1.
 */
#include "xbtest.h"

ASM_PROG(
    "r6 = r1\n"
    "r2 = *(u32 *)(r6 + 0)\n"
    "r3 = *(u32 *)(r6 + 4)\n"
    "r4 = r2\n"
    "r4 += 64\n"
    "if r4 > r3 goto 1f\n"
    "r1 = *(u64 *)(r2 + 0)\n"
    "r7 = *(u32 *)(r2 + 8)\n"
    "w5 = w1\n"
    "if r5 > 10 goto 1f\n"
    "r2 += r1\n"
    "r0 = *(u8 *)(r2 + 0)\n"
    "exit\n"
    "1:\n"
    "r0 = 2\n"
    "exit\n");

LICENSE;
