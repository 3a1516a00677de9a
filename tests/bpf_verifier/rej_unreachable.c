/* ---
 * verdict: rejected
 * reason: "insn 2: unreachable insn 2"
 * kernel: rejected
 * kernel_reason: "unreachable insn 2"
 * ---
 * Code after an exit that no jump reaches.
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = 0\n"
    "exit\n"
    "r0 = 1\n"
    "exit\n"
);

LICENSE;
