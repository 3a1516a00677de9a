/* ---
 * verdict: rejected
 * reason: "insn 5: invalid access to packet"
 * kernel: rejected
 * kernel_reason: "invalid access to packet"
 * ---
 * Checks 14 bytes, then reads 4 bytes at offset 12: bytes 14 and 15 are
 * not proven to be in the packet.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 14\n"
    "if r4 > r3 goto 1f\n"
    "r0 = *(u32 *)(r2 + 12)\n"
    "exit\n"
"1:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
