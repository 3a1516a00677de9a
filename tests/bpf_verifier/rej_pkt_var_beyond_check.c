/* ---
 * verdict: rejected
 * reason: "insn 11: invalid access to packet"
 * kernel: rejected
 * kernel_reason: "invalid access to packet"
 * ---
 * A pointer with a variable offset is checked for 1 byte and then read
 * for 2.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 1\n"
    "if r4 > r3 goto 9f\n"
    "r5 = *(u8 *)(r2 + 0)\n"
    "r5 &= 31\n"
    "r2 += r5\n"
    "r4 = r2\n"
    "r4 += 1\n"
    "if r4 > r3 goto 9f\n"
    "r0 = *(u16 *)(r2 + 0)\n"
    "exit\n"
"9:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
