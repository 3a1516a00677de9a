/* ---
 * verdict: rejected
 * reason: "invalid access to packet"
 * kernel: rejected
 * kernel_reason: "invalid access to packet"
 * ---
 * After bpf_xdp_adjust_head() the packet may be shorter than it was: a
 * pointer loaded again must be checked again against data_end before an
 * access, even at an offset checked before the call.
 */
#include "xbtest.h"

ASM_PROG(
    "r6 = r1\n"
    "r2 = *(u32 *)(r6 + 0)\n"
    "r3 = *(u32 *)(r6 + 4)\n"
    "r2 += 34\n"
    "if r2 > r3 goto 1f\n"
    "r1 = r6\n"
    "r2 = 20\n"
    "call 44\n"
    "r2 = *(u32 *)(r6 + 0)\n"
    "r0 = *(u8 *)(r2 + 13)\n"
    "exit\n"
"1:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
