/* ---
 * verdict: rejected
 * reason: "insn 1: invalid shift 64"
 * kernel: rejected
 * kernel_reason: "invalid shift 64"
 * ---
 * A 64-bit shift by 64.
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = 1\n"
    RAW(0x67, 0x00, 0, 64)      /* r0 <<= 64 */
    "exit\n"
);

LICENSE;
