/* ---
 * verdict: accepted
 * reads: []
 * writes: []
 * kernel: accepted
 * ---
 * The lookup result is copied to r6 and the copy is NULL-checked: the check
 * must apply to r0 too (both carry the same id).
 */
#include "xbtest.h"

COUNTS_MAP;

ASM_PROG(
    "r1 = 0\n"
    "*(u32 *)(r10 - 4) = r1\n"
    "r2 = r10\n"
    "r2 += -4\n"
    "r1 = counts ll\n"
    "call 1\n"
    "r6 = r0\n"
    "if r6 == 0 goto 1f\n"
    "r1 = 1\n"
    "lock *(u64 *)(r0 + 0) += r1\n"
    "r0 = *(u64 *)(r0 + 0)\n"
    "r0 &= 3\n"
    "exit\n"
"1:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
