/* ---
 * verdict: accepted
 * reads: [[0, 9]]
 * writes: []
 * kernel: accepted
 * ---
 * A 32-bit signed range that crosses zero survives a sign extension: w5
 * (a u32 load, high 32 bits zero) is checked to be in [-4, 4] by 32-bit
 * signed compares, "<<= 32; s>>= 32" makes it [-4, 4] as a 64-bit value
 * and "+= 4" [0, 8], the index of a read.  As a 64-bit value r5 is
 * 0..4 or 0xfffffffc..0xffffffff before the extension, which no single
 * interval holds: the verifier keeps the low 32 bits' signed bounds.
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
