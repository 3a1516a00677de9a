/* ---
 * verdict: rejected
 * reason: "insn 7: R0 pointer arithmetic on map_value_or_null prohibited, null-check it first"
 * kernel: rejected
 * kernel_reason: "pointer arithmetic on map_value_or_null prohibited, null-check it first"
 * ---
 * Pointer arithmetic on a lookup result before its NULL check.
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
    "r0 += 4\n"
    "if r0 == 0 goto 1f\n"
    "r0 = 1\n"
"1:\n"
    "exit\n"
);

LICENSE;
