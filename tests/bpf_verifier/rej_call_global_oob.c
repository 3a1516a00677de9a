/* ---
 * verdict: rejected
 * reason: "insn 4: invalid access to map value, value_size=8 off=8 size=8"
 * kernel: rejected
 * kernel_reason: "invalid access to map value"
 * ---
 * A pointer to an 8-byte variable of .data passed to a BPF function keeps
 * the bounds of the section's value there: the callee's read 8 bytes past
 * it is refused (.data holds only this variable).
 */
#include "xbtest.h"

__u64 counter = 1;

ASM_FUNC(peek,
    "r0 = *(u64 *)(r1 + 8)\n"
    "exit\n"
);

ASM_PROG(
    "r1 = counter ll\n"
    "call peek\n"
    "exit\n"
);

LICENSE;
