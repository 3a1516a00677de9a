/* ---
 * verdict: rejected
 * reason: "insn 5: R1 type=scalar expected=map_ptr"
 * kernel: rejected
 * kernel_reason: "R1 type=scalar expected=map_ptr"
 * ---
 * map_lookup_elem with a scalar instead of a map.
 */
#include "xbtest.h"

ASM_PROG(
    "r1 = 0\n"
    "*(u32 *)(r10 - 4) = r1\n"
    "r2 = r10\n"
    "r2 += -4\n"
    "r1 = 1\n"
    "call 1\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
