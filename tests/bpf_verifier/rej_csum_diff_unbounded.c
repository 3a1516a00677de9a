/* ---
 * verdict: rejected
 * reason: "insn 7: R4 unbounded memory access"
 * kernel: rejected
 * kernel_reason: "R4 unbounded memory access"
 * ---
 * A size for bpf_csum_diff() that nothing bounds (the context's
 * ingress_ifindex) over 8 bytes of the stack.
 */
#include "xbtest.h"

ASM_PROG(
    "r4 = *(u32 *)(r1 + 12)\n"
    "r1 = 0\n"
    "*(u64 *)(r10 - 8) = r1\n"
    "r3 = r10\n"
    "r3 += -8\n"
    "r2 = 0\n"
    "r5 = 0\n"
    "call 28\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
