/* ---
 * verdict: accepted
 * reads: [[0, 256]]
 * writes: []
 * kernel: accepted
 * ---
 * A 64-bit value in [-100, 155] (byte - 100) that "r4 <<= 32; r4 s>>= 32"
 * leaves in [-100, 155]: the left shift keeps the signed bounds of a value
 * that fits in 32 signed bits (its unsigned bounds are lost: the value may
 * be negative).  r4 + 100 is then in [0, 255], and the 1-byte read at
 * data + r4 + 100 covers bytes 0..255.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 1\n"
    "if r4 > r3 goto 9f\n"
    "r4 = *(u8 *)(r2 + 0)\n"
    "r4 -= 100\n"
    "r4 <<= 32\n"
    "r4 s>>= 32\n"
    "r4 += 100\n"
    "r5 = r2\n"
    "r5 += r4\n"
    "r1 = r5\n"
    "r1 += 1\n"
    "if r1 > r3 goto 9f\n"
    "w0 = *(u8 *)(r5 + 0)\n"
    "exit\n"
"9:\n"
    "w0 = 2\n"
    "exit\n"
);

LICENSE;
