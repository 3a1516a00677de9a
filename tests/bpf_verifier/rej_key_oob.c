/* ---
 * verdict: rejected
 * reason: "insn 6: invalid read from stack R2 off=-2 size=4"
 * kernel: rejected
 * kernel_reason: "invalid read from stack R2 off=-2 size=4"
 * ---
 * A 4-byte key at r10 - 2 would extend above the frame.
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
    "*(u16 *)(r10 - 2) = r1\n"
    "r2 = r10\n"
    "r2 += -2\n"
    "r1 = table ll\n"
    "call 1\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
