/* ---
 * verdict: rejected
 * reason: "insn 1: BPF_ATOMIC stores into R1 ctx is not allowed"
 * kernel: rejected
 * kernel_reason: "BPF_ATOMIC stores into R1 ctx is not allowed"
 * ---
 * An atomic add on the context.
 */
#include "xbtest.h"

ASM_PROG(
    "r2 = 1\n"
    "lock *(u32 *)(r1 + 16) += w2\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
