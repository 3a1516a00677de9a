/* ---
 * verdict: accepted
 * reads: []
 * writes: []
 * kernel: accepted
 * ---
 * The key is on the stack but was never written.  The kernel lets
 * privileged programs read uninitialised stack, and so does OVS.
 */
#include "xbtest.h"
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 16);
} table SEC(".maps");
ASM_PROG(
    "r2 = r10\n"
    "r2 += -8\n"
    "r1 = table ll\n"
    "call 1\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
