/* ---
 * verdict: rejected
 * reason: "cannot return stack pointer to the caller"
 * kernel: rejected
 * kernel_reason: "cannot return stack pointer to the caller"
 * ---
 * A BPF function that returns a pointer to its own stack, which dies with
 * it.
 */
#include "xbtest.h"

ASM_FUNC(stack_ptr,
    "r1 = 7\n"
    "*(u64 *)(r10 - 8) = r1\n"
    "r0 = r10\n"
    "r0 += -8\n"
    "exit\n"
);

ASM_PROG(
    "call stack_ptr\n"
    "r0 = *(u64 *)(r0 + 0)\n"
    "exit\n"
);

LICENSE;
