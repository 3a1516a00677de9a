/* ---
 * verdict: rejected
 * reason: "insn 1: invalid write to stack R10 off=-520 size=8"
 * kernel: rejected
 * kernel_reason: "invalid write to stack R10 off=-520 size=8"
 * ---
 * A store below the 512-byte stack frame.
 */
#include "xbtest.h"

ASM_PROG(
    "r1 = 0\n"
    "*(u64 *)(r10 - 520) = r1\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
