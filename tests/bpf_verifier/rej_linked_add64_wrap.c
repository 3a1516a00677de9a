/* ---
 * verdict: rejected
 * reason: "min value is negative"
 * kernel: rejected
 * kernel_reason: "min value is negative"
 * ---
 * Linked scalars whose constant offset wraps (64-bit): r5 = r1 + 1 in
 * [0, 10] leaves r1 in [-1, 9], not [0, 9]; r1 = -1 (r5 = 0) would read
 * the byte before the packet.
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
    "r5 = r1\n"
    "r5 += 1\n"
    "if r5 > 10 goto 1f\n"
    "r2 += r1\n"
    "r0 = *(u8 *)(r2 + 0)\n"
    "exit\n"
    "1:\n"
    "r0 = 2\n"
    "exit\n");

LICENSE;
