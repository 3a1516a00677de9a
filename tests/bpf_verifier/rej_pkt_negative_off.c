/* ---
 * verdict: rejected
 * reason: "insn 5: invalid access to packet"
 * kernel: rejected
 * kernel_reason: "invalid access to packet"
 * ---
 * Reads the byte before the start of the packet.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 14\n"
    "if r4 > r3 goto 1f\n"
    "r0 = *(u8 *)(r2 - 1)\n"
    "exit\n"
"1:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
