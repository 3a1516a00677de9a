/* ---
 * verdict: rejected
 * reason: "invalid access to packet"
 * kernel: rejected
 * kernel_reason: "invalid access to packet"
 * ---
 * A loop that moves a packet pointer on by 4 bytes per iteration but
 * checks it against data_end only before the first: the read of the
 * second iteration lies past what was checked.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 4\n"
    "if r4 > r3 goto 2f\n"
    "r0 = 0\n"
    "r5 = 0\n"
"1:\n"
    "r1 = *(u32 *)(r2 + 0)\n"
    "r0 += r1\n"
    "r2 += 4\n"
    "r5 += 1\n"
    "if r5 < 4 goto 1b\n"
    "exit\n"
"2:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
