/* ---
 * verdict: rejected
 * reason: "insn 1: back-edge from insn 1 to 0"
 * kernel: rejected
 * kernel_reason: "infinite loop detected"
 * ---
 * An infinite loop: a back-edge.
 */
#include "xbtest.h"

ASM_PROG(
"1:\n"
    "r0 = 0\n"
    "goto 1b\n"
);

LICENSE;
