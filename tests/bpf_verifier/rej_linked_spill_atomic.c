/* ---
 * verdict: rejected
 * reason: "invalid access to packet"
 * kernel: rejected
 * kernel_reason: "invalid access to packet"
 * ---
 * An atomic add into a stack slot that holds a spilled copy of r1 breaks
 * the link: the value filled back (r1 + 1000) bounds nothing in r1, which
 * stays in [0, 255], past the 64 bytes checked.
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
    "r1 &= 0xff\n"
    "*(u64 *)(r10 - 8) = r1\n"
    "r5 = 1000\n"
    "lock *(u64 *)(r10 - 8) += r5\n"
    "r5 = *(u64 *)(r10 - 8)\n"
    "if r5 > 10 goto 1f\n"
    "r2 += r1\n"
    "r0 = *(u8 *)(r2 + 0)\n"
    "exit\n"
    "1:\n"
    "r0 = 2\n"
    "exit\n");

LICENSE;
