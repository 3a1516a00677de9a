/* ---
 * verdict: rejected
 * reason: "insn 1: R0 invalid mem access 'scalar'"
 * kernel: rejected
 * kernel_reason: "R0 invalid mem access 'scalar'"
 * ---
 * Dereferences a number.
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = 4096\n"
    "r0 = *(u8 *)(r0 + 0)\n"
    "exit\n"
);

LICENSE;
