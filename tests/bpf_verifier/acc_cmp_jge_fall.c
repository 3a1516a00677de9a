/* ---
 * verdict: accepted
 * reads: [[0, 14]]
 * writes: []
 * kernel: accepted
 * ---
 * Packet bound check in the form "if pkt >= end goto fail": the Ethernet header (14 bytes) is
 * proven readable in the branch where the jump is not taken (pkt < end).
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 14\n"
    "if r4 >= r3 goto 1f\n"
    "goto 2f\n"
"1:\n"
    "r0 = 1\n"
    "exit\n"
"2:\n"
    "r0 = *(u32 *)(r2 + 0)\n"
    "r1 = *(u32 *)(r2 + 4)\n"
    "r0 += r1\n"
    "r1 = *(u16 *)(r2 + 8)\n"
    "r0 += r1\n"
    "r1 = *(u32 *)(r2 + 10)\n"
    "r0 += r1\n"
    "exit\n"
);

LICENSE;
