/* ---
 * verdict: rejected
 * reason: "invalid access to map value, value_size=8 off=8 size=8"
 * kernel: rejected
 * kernel_reason: "invalid access to map value"
 * ---
 * A per-CPU value is one value (the calling CPU's), not one per CPU:
 * reading the "next CPU's" value is past its end.
 */
#include "xbtest.h"

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 1);
} count SEC(".maps");

ASM_PROG(
    "r1 = 0\n"
    "*(u32 *)(r10 - 4) = r1\n"
    "r2 = r10\n"
    "r2 += -4\n"
    "r1 = count ll\n"
    "call 1\n"
    "if r0 == 0 goto 1f\n"
    "r0 = *(u64 *)(r0 + 8)\n"
    "exit\n"
"1:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
