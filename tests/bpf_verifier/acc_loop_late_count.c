/* ---
 * verdict: accepted
 * reads: [[0, 1], [8, 20]]
 * writes: []
 * kernel: accepted
 * ---
 * rej_loop_late_count_oob.c with 11 iterations: r7 is at most 11, so
 * every read stays within the 20 bytes checked (bytes 8..19).
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
    "if r6 < 11 goto 1b\n"
    "exit\n"
"9:\n"
    "w0 = 2\n"
    "exit\n"
);

LICENSE;
