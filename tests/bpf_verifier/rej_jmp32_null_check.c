/* ---
 * verdict: rejected
 * reason: "insn 8: R0 invalid mem access 'map_value_or_null'"
 * kernel: rejected
 * kernel_reason: "invalid mem access 'map_value_or_null'"
 * ---
 * A NULL check on the low 32 bits of the lookup result proves nothing.
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
    "if w0 == 0 goto 1f\n"
    "r0 = *(u64 *)(r0 + 0)\n"
    "exit\n"
"1:\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
