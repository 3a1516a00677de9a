/* ---
 * verdict: rejected
 * reason: "insn 6: R6 !read_ok"
 * kernel: rejected
 * kernel_reason: "R6 invalid mem access 'scalar'"
 * ---
 * The caller holds a checked packet pointer in r6 (which a call preserves),
 * and the BPF function it calls moves the packet's start with
 * bpf_xdp_adjust_head(): every packet pointer of every frame is invalid
 * after it, so the caller's read through r6 is refused, as in the kernel.
 */
#include "xbtest.h"

ASM_FUNC(pop_outer,
    "r2 = 14\n"
    "call 44\n"
    "exit\n"
);

ASM_PROG(
    LOAD_PKT
    "r6 = r2\n"
    "r2 += 34\n"
    "if r2 > r3 goto 1f\n"
    "call pop_outer\n"
    "r0 = *(u8 *)(r6 + 13)\n"
    "exit\n"
"1:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
