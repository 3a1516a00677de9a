/* ---
 * verdict: rejected
 * reason: "insn 10: invalid read from stack R3 off=-4 size=8"
 * kernel: rejected
 * kernel_reason: "invalid read from stack R3 off=-4 size=8"
 * ---
 * map_update_elem with an 8-byte value at r10 - 4: half of it would be
 * above the stack frame.
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
    "*(u64 *)(r10 - 8) = r1\n"
    "*(u32 *)(r10 - 4) = w1\n"
    "r2 = r10\n"
    "r2 += -4\n"
    "r3 = r10\n"
    "r3 += -4\n"
    "r4 = 0\n"
    "r1 = table ll\n"
    "call 2\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
