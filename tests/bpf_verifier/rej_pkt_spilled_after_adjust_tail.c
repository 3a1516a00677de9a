/* ---
 * verdict: rejected
 * reason: "insn 11: R2 !read_ok"
 * kernel: rejected
 * kernel_reason: "invalid mem access 'scalar'"
 * ---
 * A packet pointer spilled to the stack before bpf_xdp_adjust_tail() and
 * filled after it: invalid too, although the packet's start did not move.
 */
#include "xbtest.h"

ASM_PROG(
    "r2 = *(u32 *)(r1 + 0)\n"
    "r3 = *(u32 *)(r1 + 4)\n"
    "r4 = r2\n"
    "r4 += 14\n"
    "if r4 > r3 goto 1f\n"
    "*(u64 *)(r10 - 8) = r2\n"
    "r2 = -4\n"
    "call 65\n"
    "r2 = *(u64 *)(r10 - 8)\n"
    "r0 = 2\n"
    "r1 = 1\n"
    "*(u8 *)(r2 + 0) = r1\n"
"1:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
