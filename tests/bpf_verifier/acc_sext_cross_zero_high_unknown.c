/* ---
 * verdict: accepted
 * reads: [[0, 9]]
 * writes: []
 * kernel: accepted
 * ---
 * acc_sext_cross_zero.c with a u64 load: the high 32 bits are unknown,
 * but "<<= 32" drops them, so the sign extension is [-4, 4] all the same.
 */
#include "xbtest.h"
ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 16\n"
    "if r4 > r3 goto 9f\n"
    "r5 = *(u64 *)(r2 + 0)\n"
    "if w5 s< -4 goto 9f\n"
    "if w5 s> 4 goto 9f\n"
    "r5 <<= 32\n"
    "r5 s>>= 32\n"
    "r5 += 4\n"
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
