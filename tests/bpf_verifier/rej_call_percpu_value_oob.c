/* ---
 * verdict: rejected
 * reason: "insn 15: invalid access to map value, value_size=8 off=8 size=8"
 * kernel: rejected
 * kernel_reason: "invalid access to map value"
 * ---
 * A per-CPU array value (8 bytes) looked up in a loop and passed to a BPF
 * function keeps its size there: the callee's write at offset 8 is
 * refused.
 */
#include "xbtest.h"

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 4);
} per_slot SEC(".maps");

ASM_FUNC(bump,
    "r2 = 1\n"
    "*(u64 *)(r1 + 8) = r2\n"
    "r0 = 0\n"
    "exit\n"
);

ASM_PROG(
    "r6 = 0\n"
"1:\n"
    "*(u32 *)(r10 - 4) = r6\n"
    "r2 = r10\n"
    "r2 += -4\n"
    "r1 = per_slot ll\n"
    "call 1\n"
    "if r0 == 0 goto 2f\n"
    "r1 = r0\n"
    "call bump\n"
"2:\n"
    "r6 += 1\n"
    "if r6 < 4 goto 1b\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
