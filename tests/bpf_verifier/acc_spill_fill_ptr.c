/* ---
 * verdict: accepted
 * reads: [[0, 8]]
 * writes: [[4, 6]]
 * kernel: accepted
 * ---
 * Packet pointers spilled to the stack and filled back keep their type and
 * the range proven for them; the check happens after the spill, on the
 * registers, and must reach the spilled copies.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "*(u64 *)(r10 - 8) = r2\n"
    "*(u64 *)(r10 - 16) = r3\n"
    "r4 = r2\n"
    "r4 += 8\n"
    "if r4 > r3 goto 1f\n"
    "r2 = 0\n"
    "r3 = 0\n"
    "r5 = *(u64 *)(r10 - 8)\n"
    "r0 = *(u64 *)(r5 + 0)\n"
    "*(u16 *)(r5 + 4) = r0\n"
    "r0 &= 1\n"
    "exit\n"
"1:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
