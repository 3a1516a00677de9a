/* ---
 * verdict: rejected
 * reason: "insn 1: div by zero"
 * kernel: rejected
 * kernel_reason: "div by zero"
 * ---
 * Modulo by the constant 0 (32-bit).
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = 1\n"
    RAW(0x94, 0x00, 0, 0)       /* w0 %= 0 */
    "exit\n"
);

LICENSE;
