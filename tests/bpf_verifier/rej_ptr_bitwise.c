/* ---
 * verdict: rejected
 * reason: "insn 2: R2 bitwise operator &= on pointer prohibited"
 * kernel: rejected
 * kernel_reason: "R2 bitwise operator &= on pointer prohibited"
 * ---
 * Masks a packet pointer.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r2 &= 255\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
