/* ---
 * verdict: accepted
 * reads: [[0, 2]]
 * writes: []
 * kernel: accepted
 * ---
 * Division and modulo by a register that may be zero are allowed (they
 * yield 0 and the dividend at run time), in 64 and 32 bits.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 2\n"
    "if r4 > r3 goto 9f\n"
    "r0 = *(u8 *)(r2 + 0)\n"
    "r5 = *(u8 *)(r2 + 1)\n"
    "r6 = r0\n"
    "r0 /= r5\n"
    "w6 /= w5\n"
    RAW(0x9f, 0x50, 0, 0)       /* r0 %= r5 */
    RAW(0x9c, 0x56, 0, 0)       /* w6 %= w5 */
    "r0 += r6\n"
    "exit\n"
"9:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
