/* ---
 * verdict: rejected
 * reason: "insn 9: value 4294967295 makes pkt pointer be out of bounds"
 * kernel: rejected
 * ---
 * acc_alu32_cross_zero.c with "w5 += 3": -4 + 3 wraps to 0xffffffff in
 * the zero-extended result.
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
    "w5 += 3\n"
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
