/* ---
 * verdict: rejected
 * reason: "insn 0: R0 !read_ok"
 * kernel: rejected
 * kernel_reason: "R0 !read_ok"
 * ---
 * Exits without setting r0.
 */
#include "xbtest.h"

ASM_PROG(
    "exit\n"
);

LICENSE;
