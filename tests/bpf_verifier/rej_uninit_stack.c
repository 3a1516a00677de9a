/* ---
 * verdict: rejected
 * reason: "insn 0: invalid read from stack off -8+0 size 8"
 * kernel: accepted
 * ---
 * Reads a stack slot that was never written.  The kernel lets privileged
 * programs do that; OVS does not.
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = *(u64 *)(r10 - 8)\n"
    "exit\n"
);

LICENSE;
