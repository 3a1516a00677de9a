/* ---
 * verdict: rejected
 * reason: "invalid access to packet"
 * kernel: rejected
 * kernel_reason: "invalid access to packet"
 * ---
 * A loop of 12 iterations that counts, in r7, the iterations in which the
 * first packet byte is 0x2a (the jump taken: explored after the other
 * branch) and reads the byte at data + 8 + r7.  The packet is checked to
 * hold 20 bytes, so only the path where every iteration counted reads out
 * of bounds (byte 20), in the last iteration.  At the loop head, r7 takes
 * up to 12 values per iteration (78 states in all, more than are kept per
 * instruction): a pruning that ignored r7, or that let a state of the
 * wrong iteration or count prune, would accept.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 20\n"
    "if r4 > r3 goto 9f\n"
    "r6 = 0\n"
    "r7 = 0\n"
"1:\n"
    "r5 = *(u8 *)(r2 + 0)\n"
    "if r5 == 0x2a goto 2f\n"
    "goto 3f\n"
"2:\n"
    "r7 += 1\n"
"3:\n"
    "r9 = r2\n"
    "r9 += r7\n"
    "r0 = *(u8 *)(r9 + 8)\n"
    "r6 += 1\n"
    "if r6 < 12 goto 1b\n"
    "exit\n"
"9:\n"
    "w0 = 2\n"
    "exit\n"
);

LICENSE;
