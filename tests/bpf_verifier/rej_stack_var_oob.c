/* ---
 * verdict: rejected
 * reason: "insn 10: invalid variable-offset read from stack R7 off=-16..15 size=1"
 * kernel: rejected
 * kernel_reason: "invalid variable-offset read from stack R7"
 * ---
 * Reads a 16-byte stack table at an index that may reach 31.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 1\n"
    "if r4 > r3 goto 9f\n"
    "r5 = *(u8 *)(r2 + 0)\n"
    "r5 &= 31\n"
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
