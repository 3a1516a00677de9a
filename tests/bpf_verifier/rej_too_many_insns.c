/* ---
 * verdict: rejected
 * reason: "insn 65536: program too large: 65538 insns (limit 65536)"
 * kernel: accepted
 * ---
 * 65,538 instructions: more than the verifier's limit of 65,536 (the
 * kernel's limit for privileged programs is 1,000,000).
 */
#include "xbtest.h"

ASM_PROG(
    ".rept 65537\n"
    "r0 = 0\n"
    ".endr\n"
    "exit\n"
);

LICENSE;
