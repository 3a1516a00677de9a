/* ---
 * verdict: accepted
 * reads: [[0, 64]]
 * writes: []
 * kernel: accepted
 * ---
 * An int offset checked with 32-bit signed compares and sign-extended
 * before it is added to a packet pointer, as clang compiles
 * "int off = ...; if (off < 0 || off > 60) return; p = data + off;":
 * w4 = byte - 100 (a 32-bit subtraction, zero-extended: any value in
 * [0, 2^32)), "if w4 s< 0" and "if w4 s> 60" leave it in [0, 60], and
 * "r4 <<= 32; r4 s>>= 32" keeps [0, 60], so the 4-byte read at data + r4
 * covers bytes 0..63.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 1\n"
    "if r4 > r3 goto 9f\n"
    "w4 = *(u8 *)(r2 + 0)\n"
    "w4 -= 100\n"
    "if w4 s< 0 goto 9f\n"
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
