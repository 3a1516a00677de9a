/* ---
 * verdict: rejected
 * reason: "insn 1: misaligned stack access"
 * kernel: rejected
 * kernel_reason: "misaligned stack access"
 * ---
 * A 4-byte store at r10 - 6.
 */
#include "xbtest.h"

ASM_PROG(
    "r1 = 0\n"
    "*(u32 *)(r10 - 6) = r1\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
