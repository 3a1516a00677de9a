/* ---
 * verdict: rejected
 * reason: "insn 1: unknown opcode f7"
 * kernel: rejected
 * kernel_reason: "unknown opcode f7"
 * ---
 * ALU operation 0xf0 does not exist.
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = 0\n"
    RAW(0xf7, 0x00, 0, 0)       /* "alu64 op 0xf0" */
    "exit\n"
);

LICENSE;
