/* ---
 * verdict: rejected
 * reason: "insn 11: invalid access to map value, value_size=4 off=0 size=8"
 * kernel: rejected
 * kernel_reason: "invalid access to map value, value_size=4 off=0 size=8"
 * ---
 * Uses a 4-byte map value as the key of a map with 8-byte keys.
 */
#include "xbtest.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u32);
    __uint(max_entries, 1);
} small SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u64);
    __type(value, __u64);
    __uint(max_entries, 16);
} wide SEC(".maps");

ASM_PROG(
    "r1 = 0\n"
    "*(u32 *)(r10 - 4) = w1\n"
    "r2 = r10\n"
    "r2 += -4\n"
    "r1 = small ll\n"
    "call 1\n"
    "if r0 == 0 goto 1f\n"
    "r2 = r0\n"
    "r1 = wide ll\n"
    "call 1\n"
"1:\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
