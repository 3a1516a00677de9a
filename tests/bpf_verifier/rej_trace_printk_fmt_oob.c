/* ---
 * verdict: rejected
 * reason: "insn 6: invalid read from stack R1 off=-8 size=16"
 * kernel: rejected
 * kernel_reason: "invalid read from stack R1 off=-8 size=16"
 * ---
 * A format size for bpf_trace_printk() that is larger than what the stack
 * holds above the format: the helper would read past the frame.
 */
#include "xbtest.h"

ASM_PROG(
    "r1 = 0x6f6c6c6568 ll\n"
    "*(u64 *)(r10 - 8) = r1\n"
    "r1 = r10\n"
    "r1 += -8\n"
    "r2 = 16\n"
    "call 6\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
