/* ---
 * verdict: rejected
 * reason: "insn 0: infinite loop detected at insn 0"
 * kernel: rejected
 * kernel_reason: "infinite loop detected"
 * ---
 * An infinite loop: the path comes back to the state it was in.
 */
#include "xbtest.h"

ASM_PROG(
"1:\n"
    "r0 = 0\n"
    "goto 1b\n"
);

LICENSE;
