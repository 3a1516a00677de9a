/* ---
 * verdict: accepted
 * reads: [[0, 1]]
 * writes: [[1, 20]]
 * kernel: accepted
 * ---
 * Writes 4 bytes at a variable offset 1 + (b & 15): the verdict must cover
 * every byte that may be written, 1..19.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 1\n"
    "if r4 > r3 goto 9f\n"
    "r5 = *(u8 *)(r2 + 0)\n"
    "r5 &= 15\n"
    "r6 = r2\n"
    "r6 += r5\n"
    "r6 += 1\n"
    "r7 = r6\n"
    "r7 += 4\n"
    "if r7 > r3 goto 9f\n"
    "r0 = 0\n"
    "*(u32 *)(r6 + 0) = r0\n"
    "exit\n"
"9:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
