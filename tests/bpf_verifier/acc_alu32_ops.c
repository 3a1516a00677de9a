/* ---
 * verdict: accepted
 * reads: [[0, 31]]
 * writes: []
 * kernel: accepted
 * ---
 * Packet offsets computed with 32-bit ALU operations (zero-extended
 * results): w4 = ((b & 7) * 2 + 1) | (w4 >> 1) is in [1, 15], so the 4-byte
 * read at data + w4 covers bytes 1..18; w6 = ((w4 - 1) << 1) ^ 1 is in
 * [1, 29], so the 2-byte read at data + w6 covers bytes 1..30.  The value
 * read then goes through arsh, neg, div and mod (not used as offsets: the
 * kernel does not track divisions).
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 1\n"
    "if r4 > r3 goto 9f\n"
    "w4 = *(u8 *)(r2 + 0)\n"
    "w4 &= 7\n"
    "w4 *= 2\n"
    "w4 += 1\n"
    "w5 = w4\n"
    "w5 >>= 1\n"
    "w4 |= w5\n"
    "w6 = w4\n"
    "w6 -= 1\n"
    "w6 <<= 1\n"
    "w6 ^= 1\n"
    "r5 = r2\n"
    "r5 += r4\n"
    "r1 = r5\n"
    "r1 += 4\n"
    "if r1 > r3 goto 9f\n"
    "w0 = *(u32 *)(r5 + 0)\n"
    "r5 = r2\n"
    "r5 += r6\n"
    "r1 = r5\n"
    "r1 += 2\n"
    "if r1 > r3 goto 9f\n"
    "w1 = *(u16 *)(r5 + 0)\n"
    "w0 += w1\n"
    "w7 = w0\n"
    "w7 s>>= 3\n"
    "w8 = 3\n"
    "w8 = -w8\n"
    "w0 /= 3\n"
    RAW(0x94, 0x00, 0, 5)       /* w0 %= 5 (clang 14 has no syntax) */
    "w0 += w7\n"
    "w0 += w8\n"
    "exit\n"
"9:\n"
    "w0 = 2\n"
    "exit\n"
);

LICENSE;
