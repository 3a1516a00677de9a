/* ---
 * verdict: accepted
 * reads: [[0, 5]]
 * writes: []
 * kernel: accepted
 * ---
 * JSET: on the fall-through path of "if (b & 0xfc) goto", b & 0xfc == 0
 * proves b <= 3, so the byte read at data + b + 1 is in 1..4.  (The
 * pointer is checked again: the kernel does not use the earlier check for
 * a pointer with a variable offset, this verifier would.)
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 5\n"
    "if r4 > r3 goto 9f\n"
    "r5 = *(u8 *)(r2 + 0)\n"
    RAW(0x45, 0x05, 7, 0xfc)    /* if r5 & 0xfc goto 9f */
    "r6 = r2\n"
    "r6 += r5\n"
    "r7 = r6\n"
    "r7 += 2\n"
    "if r7 > r3 goto 9f\n"
    "r0 = *(u8 *)(r6 + 1)\n"
    "exit\n"
"9:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
