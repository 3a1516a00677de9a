/* ---
 * verdict: rejected
 * reason: "insn 8: invalid access to map value, value_size=8 off=4 size=8"
 * kernel: rejected
 * kernel_reason: "invalid access to map value"
 * ---
 * Reads 8 bytes at offset 4 of an 8-byte map value.
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
    "if r0 == 0 goto 1f\n"
    "r0 = *(u64 *)(r0 + 4)\n"
    "exit\n"
"1:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
