/* ---
 * verdict: rejected
 * reason: "insn 15: R5 min value is negative"
 * kernel: rejected
 * kernel_reason: "min value is negative"
 * ---
 * acc_sext_offset.c without the "s< 0" check: w4 is a byte minus 100,
 * [-100, 155] as a 32-bit signed value, and "if w4 s> 60" alone leaves it
 * in [-100, 60], so the sign-extended offset may be negative (the kernel
 * and OVS both keep the range across zero and refuse the access).
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 1\n"
    "if r4 > r3 goto 9f\n"
    "w4 = *(u8 *)(r2 + 0)\n"
    "w4 -= 100\n"
    "if w4 s> 60 goto 9f\n"
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
