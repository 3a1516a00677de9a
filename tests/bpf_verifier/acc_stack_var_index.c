/* ---
 * verdict: accepted
 * reads: [[0, 1]]
 * writes: []
 * kernel: accepted
 * ---
 * A 16-byte table on the stack, written at a variable offset and then read
 * at another one (indexes from the packet, masked to 0..15 and 0..7).
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 1\n"
    "if r4 > r3 goto 9f\n"
    "r5 = *(u8 *)(r2 + 0)\n"
    "r1 = 0x0706050403020100 ll\n"
    "*(u64 *)(r10 - 16) = r1\n"
    "*(u64 *)(r10 - 8) = r1\n"
    "r6 = r5\n"
    "r6 &= 7\n"
    "r6 <<= 1\n"
    "r7 = r10\n"
    "r7 += -16\n"
    "r7 += r6\n"
    "*(u16 *)(r7 + 0) = r5\n"
    "r5 &= 15\n"
    "r7 = r10\n"
    "r7 += -16\n"
    "r7 += r5\n"
    "r0 = *(u8 *)(r7 + 0)\n"
    "exit\n"
"9:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
