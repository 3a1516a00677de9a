/* ---
 * verdict: rejected
 * reason: "insn 0: R11 is invalid"
 * kernel: rejected
 * kernel_reason: "R11 is invalid"
 * ---
 * Register r11 does not exist.
 */
#include "xbtest.h"

ASM_PROG(
    RAW(0xb7, 0x0b, 0, 0)       /* r11 = 0 */
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
