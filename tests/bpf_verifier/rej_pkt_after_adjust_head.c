/* ---
 * verdict: rejected
 * reason: "insn 8: R6 !read_ok"
 * kernel: rejected
 * kernel_reason: "invalid mem access 'scalar'"
 * ---
 * Reads through a packet pointer loaded before bpf_xdp_adjust_head(): the
 * helper moves the packet, so every packet pointer is invalid after it.
 */
#include "xbtest.h"

ASM_PROG(
    "r6 = *(u32 *)(r1 + 0)\n"
    "r2 = *(u32 *)(r1 + 4)\n"
    "r3 = r6\n"
    "r3 += 14\n"
    "if r3 > r2 goto 1f\n"
    "r2 = -8\n"
    "call 44\n"
    "r0 = 2\n"
    "r0 = *(u8 *)(r6 + 0)\n"
"1:\n"
    "exit\n"
);

LICENSE;
