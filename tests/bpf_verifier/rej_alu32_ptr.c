/* ---
 * verdict: rejected
 * reason: "insn 2: R2 32-bit pointer arithmetic prohibited"
 * kernel: rejected
 * kernel_reason: "R2 32-bit pointer arithmetic prohibited"
 * ---
 * 32-bit addition to a packet pointer.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "w2 += 14\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
