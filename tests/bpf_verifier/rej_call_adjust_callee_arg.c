/* ---
 * verdict: rejected
 * reason: "insn 12: R6 !read_ok"
 * kernel: rejected
 * kernel_reason: "R6 invalid mem access 'scalar'"
 * ---
 * A BPF function gets a checked packet pointer as its argument, keeps it
 * in r6 and moves the packet's start: the argument is invalid in the
 * callee too.
 */
#include "xbtest.h"

ASM_FUNC(pop_and_read,
    "r6 = r2\n"
    "r2 = 14\n"
    "call 44\n"
    "r0 = *(u8 *)(r6 + 0)\n"
    "exit\n"
);

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 34\n"
    "if r4 > r3 goto 1f\n"
    "call pop_and_read\n"
    "exit\n"
"1:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
