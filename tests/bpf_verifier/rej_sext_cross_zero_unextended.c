/* ---
 * verdict: rejected
 * reason: "insn 9: value 4294967299 makes pkt pointer be out of bounds"
 * kernel: rejected
 * ---
 * acc_sext_cross_zero.c without the sign extension: r5, as a 64-bit
 * value, may be 0xfffffffc.  The low 32 bits' signed bounds must not
 * leak into the 64-bit ones (the packet holds at least 16 bytes, which
 * would cover [0, 8]).
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
    "r5 += 4\n"
    "r2 += r5\n"

    "r0 = *(u8 *)(r2 + 0)\n"
    "exit\n"
"9:\n"
    "w0 = 2\n"
    "exit\n"
);
LICENSE;
