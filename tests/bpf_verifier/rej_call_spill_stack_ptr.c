/* ---
 * verdict: rejected
 * reason: "cannot spill pointers to stack into stack frame of the caller"
 * kernel: rejected
 * kernel_reason: "cannot spill pointers to stack into stack frame of the caller"
 * ---
 * A BPF function that stores a pointer to its own stack into its caller's
 * frame, where it would outlive the function.
 */
#include "xbtest.h"

ASM_FUNC(leak,
    "r2 = r10\n"
    "r2 += -16\n"
    "*(u64 *)(r1 + 0) = r2\n"
    "r0 = 0\n"
    "exit\n"
);

ASM_PROG(
    "r1 = r10\n"
    "r1 += -8\n"
    "call leak\n"
    "r1 = *(u64 *)(r10 - 8)\n"
    "r0 = *(u64 *)(r1 + 0)\n"
    "exit\n"
);

LICENSE;
