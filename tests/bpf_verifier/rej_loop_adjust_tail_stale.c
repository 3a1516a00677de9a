/* ---
 * verdict: rejected
 * reason: "insn 7: R7 !read_ok"
 * kernel: rejected
 * kernel_reason: "invalid mem access"
 * ---
 * A bounded loop that reads through a pointer checked before the loop and
 * shortens the packet in its body: the second iteration's read goes
 * through a pointer that the first iteration's bpf_xdp_adjust_tail()
 * invalidated.
 */
#include "xbtest.h"

ASM_PROG(
    "r6 = r1\n"
    LOAD_PKT
    "r7 = r2\n"
    "r2 += 34\n"
    "if r2 > r3 goto 2f\n"
    "r8 = 0\n"
"1:\n"
    "r0 = *(u8 *)(r7 + 20)\n"
    "r1 = r6\n"
    "r2 = -1\n"
    "call 65\n"
    "r8 += 1\n"
    "if r8 < 4 goto 1b\n"
    "r0 = 2\n"
    "exit\n"
"2:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
