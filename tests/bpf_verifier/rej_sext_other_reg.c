/* ---
 * verdict: rejected
 * reason: "insn 18: R5 min value is negative"
 * kernel: rejected
 * kernel_reason: "min value is negative"
 * ---
 * acc_sext_offset.c with the checks on another register: w5 is computed
 * as w4 is, from the same byte, but separately, so checking w5 says
 * nothing about w4, whose sign-extended value may be anywhere in
 * [-100, 155] (a byte minus 100), negative included.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 1\n"
    "if r4 > r3 goto 9f\n"
    "w4 = *(u8 *)(r2 + 0)\n"
    "w4 -= 100\n"
    "w5 = *(u8 *)(r2 + 0)\n"
    "w5 -= 100\n"
    "if w5 s< 0 goto 9f\n"
    "if w5 s> 60 goto 9f\n"
    "r4 <<= 32\n"
    "r4 s>>= 32\n"
    "r5 = r2\n"
    "r5 += r4\n"
    "r1 = r5\n"
    "r1 += 4\n"
    "if r1 > r3 goto 9f\n"
    "w0 = *(u32 *)(r5 + 0)\n"
    "exit\n"
"9:\n"
    "w0 = 2\n"
    "exit\n"
);

LICENSE;
