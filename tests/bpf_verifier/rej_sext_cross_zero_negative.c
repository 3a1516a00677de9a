/* ---
 * verdict: rejected
 * reason: "insn 15: R2 min value is negative"
 * kernel: rejected
 * kernel_reason: "R2 min value is negative"
 * ---
 * acc_sext_cross_zero.c with "+= 3": the sign-extended index may be -1.
 * Keeping the range across zero must keep its negative end.
 */
#include "xbtest.h"
ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 16\n"
    "if r4 > r3 goto 9f\n"
    "r5 = *(u32 *)(r2 + 0)\n"
    "if w5 s< -4 goto 9f\n"
    "if w5 s> 4 goto 9f\n"
    "r5 <<= 32\n"
    "r5 s>>= 32\n"
    "r5 += 3\n"
    "r2 += r5\n"
    "r4 = r2\n"
    "r4 += 1\n"
    "if r4 > r3 goto 9f\n"
    "r0 = *(u8 *)(r2 + 0)\n"
    "exit\n"
"9:\n"
    "w0 = 2\n"
    "exit\n"
);
LICENSE;
