/* ---
 * verdict: rejected
 * reason: "insn 7: invalid access to packet"
 * kernel: rejected
 * kernel_reason: "invalid access to packet"
 * ---
 * "if data_end < data + 14 goto ok" proves nothing in the taken branch:
 * there the packet is shorter than 14 bytes.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 14\n"
    "if r3 < r4 goto 1f\n"
    "r0 = 2\n"
    "exit\n"
"1:\n"
    "r0 = *(u8 *)(r2 + 0)\n"
    "exit\n"
);

LICENSE;
