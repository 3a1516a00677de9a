/* ---
 * verdict: accepted
 * reads: []
 * writes: []
 * kernel: accepted
 * ---
 * A bounded loop: the verifier explores its ten iterations, as the kernel
 * does, and proves that it ends.
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
