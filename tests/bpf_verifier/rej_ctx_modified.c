/* ---
 * verdict: rejected
 * reason: "insn 1: dereference of modified ctx ptr R1 off=4 disallowed"
 * kernel: rejected
 * kernel_reason: "dereference of modified ctx ptr R1 off=4 disallowed"
 * ---
 * Reads the context through a pointer moved by 4 bytes.
 */
#include "xbtest.h"

ASM_PROG(
    "r1 += 4\n"
    "r0 = *(u32 *)(r1 + 0)\n"
    "exit\n"
);

LICENSE;
