/* ---
 * verdict: accepted
 * reads: []
 * writes: []
 * kernel: accepted
 * ---
 * Exactly 65,536 instructions, the verifier's limit.
 */
#include "xbtest.h"

ASM_PROG(
    ".rept 65535\n"
    "r0 = 0\n"
    ".endr\n"
    "exit\n"
);

LICENSE;
