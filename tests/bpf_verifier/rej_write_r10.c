/* ---
 * verdict: rejected
 * reason: "insn 0: frame pointer is read only"
 * kernel: rejected
 * kernel_reason: "frame pointer is read only"
 * ---
 * Writes the frame pointer.
 */
#include "xbtest.h"

ASM_PROG(
    "r10 = 0\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
