/* ---
 * verdict: accepted
 * reads: [[0, 1], [4, 5]]
 * writes: []
 * kernel: accepted
 * ---
 * JSET in both directions: "if (b & 0xf0) goto" refines nothing that
 * matters, but "b & 0xfc == 0" proves b <= 3 on the fall-through path, so
 * that data + b + 1 <= data + 4 is inside the 5 checked bytes.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 5\n"
    "if r4 > r3 goto 9f\n"
    "r5 = *(u8 *)(r2 + 0)\n"
    RAW(0x45, 0x05, 4, 0xfc)    /* if r5 & 0xfc goto 9f */
    "r6 = r2\n"
    "r6 += r5\n"
    "r0 = *(u8 *)(r6 + 1)\n"
    "exit\n"
"9:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
