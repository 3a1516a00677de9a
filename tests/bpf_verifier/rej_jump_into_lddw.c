/* ---
 * verdict: rejected
 * reason: "insn 1: jump into the middle of ldimm64 insn 2"
 * kernel: rejected
 * kernel_reason: "jump into the middle of ldimm64 insn 2"
 * ---
 * A jump to the second half of an ld_imm64.
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = 0\n"
    RAW(0x55, 0x01, 1, 0)       /* if r1 != 0 goto +1 */
    "r0 = 1 ll\n"
    "exit\n"
);

LICENSE;
