/* ---
 * verdict: rejected
 * reason: "insn 8: R2 !read_ok"
 * kernel: rejected
 * kernel_reason: "invalid mem access"
 * ---
 * Two calls deep: the program spills a checked packet pointer to its
 * stack and calls 'mid', which calls 'trim', which shortens the packet
 * with bpf_xdp_adjust_tail().  The spilled pointer, two frames up, is
 * invalid too: filling it and reading through it is refused.
 */
#include "xbtest.h"

ASM_FUNC(trim,
    "r2 = -20\n"
    "call 65\n"
    "exit\n"
);

ASM_FUNC(mid,
    "call trim\n"
    "r0 = 0\n"
    "exit\n"
);

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 34\n"
    "if r4 > r3 goto 1f\n"
    "*(u64 *)(r10 - 8) = r2\n"
    "call mid\n"
    "r2 = *(u64 *)(r10 - 8)\n"
    "r0 = *(u8 *)(r2 + 30)\n"
    "exit\n"
"1:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
