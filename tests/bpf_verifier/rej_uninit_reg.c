/* ---
 * verdict: rejected
 * reason: "insn 0: R5 !read_ok"
 * kernel: rejected
 * kernel_reason: "R5 !read_ok"
 * ---
 * Reads a register that was never written.
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = r5\n"
    "exit\n"
);

LICENSE;
