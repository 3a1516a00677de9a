/* ---
 * verdict: rejected
 * reason: "insn 2: invalid bpf_ld_imm64 insn"
 * kernel: rejected
 * kernel_reason: "last insn is not an exit or jmp"
 * ---
 * The program ends with the first half of an ld_imm64 (the kernel checks
 * the last instruction first).
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = 0\n"
    "exit\n"
    RAW(0x18, 0x00, 0, 1)       /* r0 = 1 ll, truncated */
);

LICENSE;
