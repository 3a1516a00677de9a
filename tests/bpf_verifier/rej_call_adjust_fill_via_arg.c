/* ---
 * verdict: rejected
 * reason: "insn 16: R3 !read_ok"
 * kernel: rejected
 * kernel_reason: "invalid mem access"
 * ---
 * The program spills a checked packet pointer and passes the slot's
 * address to a BPF function, which moves the packet's start with
 * bpf_xdp_adjust_head() and then fills the pointer from its caller's
 * frame through the argument: the spill in the caller's frame is invalid
 * too, so the read through it is refused.
 */
#include "xbtest.h"

ASM_FUNC(pop_then_fill,
    "r6 = r2\n"
    "r2 = 14\n"
    "call 44\n"
    "r3 = *(u64 *)(r6 + 0)\n"
    "r0 = *(u8 *)(r3 + 0)\n"
    "exit\n"
);

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 34\n"
    "if r4 > r3 goto 1f\n"
    "*(u64 *)(r10 - 8) = r2\n"
    "r2 = r10\n"
    "r2 += -8\n"
    "call pop_then_fill\n"
    "exit\n"
"1:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
