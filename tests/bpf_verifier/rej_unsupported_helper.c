/* ---
 * verdict: rejected
 * reason: "insn 5: invalid func unknown#6"
 * kernel: accepted
 * ---
 * bpf_trace_printk (helper 6) exists in the kernel, but not in OVS.
 */
#include "xbtest.h"

ASM_PROG(
    "r1 = 0\n"
    "*(u64 *)(r10 - 8) = r1\n"
    "r1 = r10\n"
    "r1 += -8\n"
    "r2 = 8\n"
    "call 6\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
