/* ---
 * verdict: rejected
 * reason: "insn 12: R0 min value is negative"
 * kernel: rejected
 * kernel_reason: "R0 min value is negative"
 * ---
 * Indexes a map value with a signed byte that may be negative.
 */
#include "xbtest.h"
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 16);
} table SEC(".maps");
ASM_PROG(
    "r1 = 0\n"
    "*(u32 *)(r10 - 4) = r1\n"
    "r2 = r10\n"
    "r2 += -4\n"
    "r1 = table ll\n"
    "call 1\n"
    "if r0 == 0 goto 1f\n"
    "r1 = *(u8 *)(r0 + 0)\n"
    "r1 <<= 56\n"
    "r1 s>>= 60\n"
    "r0 += r1\n"
    "r0 = *(u8 *)(r0 + 0)\n"
    "exit\n"
"1:\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
