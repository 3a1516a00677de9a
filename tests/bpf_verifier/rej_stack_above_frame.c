/* ---
 * verdict: rejected
 * reason: "insn 1: invalid write to stack R10 off=0 size=4"
 * kernel: rejected
 * kernel_reason: "invalid write to stack R10 off=0 size=4"
 * ---
 * A store above the frame pointer.
 */
#include "xbtest.h"

ASM_PROG(
    "r1 = 0\n"
    "*(u32 *)(r10 + 0) = r1\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
