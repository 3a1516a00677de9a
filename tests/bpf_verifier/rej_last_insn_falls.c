/* ---
 * verdict: rejected
 * reason: "insn 1: last insn is not an exit or jmp"
 * kernel: rejected
 * kernel_reason: "last insn is not an exit or jmp"
 * ---
 * Execution falls off the end of the program.
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = 0\n"
    "r0 += 1\n"
);

LICENSE;
