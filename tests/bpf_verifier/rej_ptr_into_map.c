/* ---
 * verdict: rejected
 * reason: "insn 8: R10 leaks addr into map"
 * kernel: accepted
 * ---
 * Stores the frame pointer into a map value (privileged kernel programs
 * may; OVS programs must not leak addresses).
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
    "*(u64 *)(r0 + 0) = r10\n"
"1:\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
