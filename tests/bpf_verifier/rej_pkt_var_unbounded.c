/* ---
 * verdict: rejected
 * reason: "insn 11: math between pkt pointer and register with unbounded min value is not allowed"
 * kernel: rejected
 * kernel_reason: "math between pkt pointer and register with unbounded min value is not allowed"
 * ---
 * Adds a 64-bit value from a map, with no bounds at all, to a packet
 * pointer.
 */
#include "xbtest.h"
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 16);
} table SEC(".maps");
ASM_PROG(
    "r6 = r1\n"
    "r1 = 0\n"
    "*(u32 *)(r10 - 4) = r1\n"
    "r2 = r10\n"
    "r2 += -4\n"
    "r1 = table ll\n"
    "call 1\n"
    "if r0 == 0 goto 1f\n"
    "r1 = *(u64 *)(r0 + 0)\n"
    "r2 = *(u32 *)(r6 + 0)\n"
    "r2 += r1\n"
"1:\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
