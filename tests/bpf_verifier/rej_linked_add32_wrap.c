/* ---
 * verdict: rejected
 * reason: "makes pkt pointer be out of bounds"
 * kernel: rejected
 * kernel_reason: "invalid access to packet"
 * ---
 * Linked scalars whose constant offset wraps in 32 bits: w5 = w1 + 1 in
 * [0, 10] leaves r1 (a u32) in {0xffffffff} or [0, 9], so r1 may be far
 * past the 64 bytes checked.
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
    "r1 = r7\n"
    "w5 = w1\n"
    "w5 += 1\n"
    "if w5 > 10 goto 1f\n"
    "r2 += r1\n"
    "r0 = *(u8 *)(r2 + 0)\n"
    "exit\n"
    "1:\n"
    "r0 = 2\n"
    "exit\n");

LICENSE;
