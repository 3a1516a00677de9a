/* ---
 * verdict: rejected
 * reason: "insn 7: R0 invalid mem access 'map_value_or_null'"
 * kernel: rejected
 * kernel_reason: "invalid mem access 'map_value_or_null'"
 * ---
 * Dereferences the result of a hash map lookup without a NULL check.
 * (The kernel, since 6.14, lets constant in-bounds lookups in arrays go
 * unchecked; this verifier always requires the check.)
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
    "r0 = *(u64 *)(r0 + 0)\n"
    "exit\n"
);

LICENSE;
