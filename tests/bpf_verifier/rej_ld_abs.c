/* ---
 * verdict: rejected
 * reason: "insn 1: BPF_LD_[ABS|IND] instructions not allowed for this program type"
 * kernel: rejected
 * kernel_reason: "BPF_LD_[ABS|IND] instructions not allowed for this program type"
 * ---
 * Legacy packet loads (socket filters only).
 */
#include "xbtest.h"

ASM_PROG(
    "r6 = r1\n"
    "r0 = *(u8 *)skb[12]\n"
    "exit\n"
);

LICENSE;
