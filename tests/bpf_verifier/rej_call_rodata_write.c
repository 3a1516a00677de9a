/* ---
 * verdict: rejected
 * reason: "insn 5: write into map forbidden, value_size=4 off=0 size=4"
 * kernel: rejected
 * kernel_reason: "write into map forbidden"
 * ---
 * A pointer to .rodata passed to a BPF function stays read-only there:
 * the callee's store into it is refused, as in the caller.
 */
#include "xbtest.h"

const volatile __u32 limit = 10;

ASM_FUNC(poke,
    "*(u32 *)(r1 + 0) = r2\n"
    "r0 = 2\n"
    "exit\n"
);

ASM_PROG(
    "r2 = *(u32 *)(r1 + 12)\n"
    "r1 = limit ll\n"
    "call poke\n"
    "exit\n"
);

LICENSE;
