/* ---
 * verdict: rejected
 * reason: "insn 19: R2 min value is negative"
 * kernel: rejected
 * kernel_reason: "min value is negative"
 * ---
 * Pruning must compare the low 32 bits' signed bounds.  w5 is checked to
 * be in [-8, 8]; the path explored first (r6 != 0) narrows it to [-4, 4],
 * the other (r6 == 0) does not.  Both reach label 1 with the same 64-bit
 * bounds (0..0xffffffff: the high 32 bits are zero), and the first path's
 * state is safe there (index -4 + 4 >= 0).  If it pruned the second, the
 * read at data + r5 + 4 with r5 = -8 would be accepted (a verifier that
 * ignored s32min/s32max when comparing states accepts it, reads
 * [0, 9)).
 */
#include "xbtest.h"
ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 16\n"
    "if r4 > r3 goto 9f\n"
    "r5 = *(u32 *)(r2 + 0)\n"
    "r6 = *(u8 *)(r2 + 4)\n"
    "if w5 s< -8 goto 9f\n"
    "if w5 s> 8 goto 9f\n"
    "if r6 == 0 goto 1f\n"
    "if w5 s< -4 goto 9f\n"
    "if w5 s> 4 goto 9f\n"
"1:\n"
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
