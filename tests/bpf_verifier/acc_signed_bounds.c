/* ---
 * verdict: accepted
 * reads: [[0, 23]]
 * writes: []
 * kernel: accepted
 * ---
 * A signed 16-bit value (sign-extended with lsh/arsh) is bounded by two
 * signed comparisons, "s< 0" and "s> 20", and then used as an offset.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 2\n"
    "if r4 > r3 goto 9f\n"
    "r5 = *(u16 *)(r2 + 0)\n"
    "r5 <<= 48\n"
    "r5 s>>= 48\n"
    "if r5 s< 0 goto 9f\n"
    "if r5 s> 20 goto 9f\n"
    "r6 = r2\n"
    "r6 += r5\n"
    "r7 = r6\n"
    "r7 += 3\n"
    "if r7 > r3 goto 9f\n"
    "r0 = *(u8 *)(r6 + 2)\n"
    "exit\n"
"9:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
