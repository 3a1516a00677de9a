/* ---
 * verdict: rejected
 * reason: "insn 1: div by zero"
 * kernel: rejected
 * kernel_reason: "div by zero"
 * ---
 * Division by the constant 0.
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = 1\n"
    RAW(0x37, 0x00, 0, 0)       /* r0 /= 0 */
    "exit\n"
);

LICENSE;
