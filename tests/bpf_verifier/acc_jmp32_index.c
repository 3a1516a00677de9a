/* ---
 * verdict: accepted
 * reads: [[0, 2], [4, 43]]
 * writes: []
 * kernel: accepted
 * ---
 * A 16-bit length from the packet bounded with 32-bit comparisons (JMP32:
 * "if w5 > 40", "if w5 < 2"), then used as an offset: the byte at data + w5 + 2, in 4..42, may be
 * read.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 2\n"
    "if r4 > r3 goto 9f\n"
    "w5 = *(u16 *)(r2 + 0)\n"
    "if w5 > 40 goto 9f\n"
    "if w5 < 2 goto 9f\n"
    "r6 = r2\n"
    "r6 += r5\n"
    "r7 = r6\n"
    "r7 += 3\n"
    "if r7 > r3 goto 9f\n"
    "w0 = *(u8 *)(r6 + 2)\n"
    "exit\n"
"9:\n"
    "w0 = 2\n"
    "exit\n"
);

LICENSE;
