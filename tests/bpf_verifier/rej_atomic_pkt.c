/* ---
 * verdict: rejected
 * reason: "insn 6: BPF_ATOMIC stores into R2 pkt is not allowed"
 * kernel: rejected
 * kernel_reason: "BPF_ATOMIC stores into R2 pkt is not allowed"
 * ---
 * An atomic add on packet memory.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 14\n"
    "if r4 > r3 goto 1f\n"
    "r1 = 1\n"
    "lock *(u32 *)(r2 + 0) += w1\n"
"1:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
