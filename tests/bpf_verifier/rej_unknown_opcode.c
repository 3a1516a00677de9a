/* ---
 * verdict: rejected
 * reason: "insn 1: unknown opcode f5"
 * kernel: rejected
 * kernel_reason: "unknown opcode f5"
 * ---
 * Jump operation 0xf0 does not exist (0xe0 is may_goto in recent kernels).
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = 0\n"
    RAW(0xf5, 0x00, 0, 0)       /* "jmp op 0xf0" */
    "exit\n"
);

LICENSE;
