/* ---
 * verdict: rejected
 * reason: "insn 2: dereference of modified ctx ptr R1 off=4 disallowed"
 * kernel: rejected
 * kernel_reason: "modified ctx ptr R1"
 * ---
 * bpf_xdp_adjust_head() must be given the context itself.
 */
#include "xbtest.h"

ASM_PROG(
    "r1 += 4\n"
    "r2 = 0\n"
    "call 44\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
