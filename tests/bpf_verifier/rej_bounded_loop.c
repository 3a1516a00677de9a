/* ---
 * verdict: rejected
 * reason: "insn 2: back-edge from insn 2 to 1"
 * kernel: accepted

 * ---
 * A loop that the kernel accepts (bounded loops, privileged) but this
 * verifier does not: programs must be DAGs.
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = 0\n"
"1:\n"
    "r0 += 1\n"
    "if r0 < 10 goto 1b\n"
    "exit\n"
);

LICENSE;
