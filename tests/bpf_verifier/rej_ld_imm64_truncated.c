/* ---
 * verdict: rejected
 * reason: "insn 1: invalid bpf_ld_imm64 insn"
 * kernel: rejected
 * kernel_reason: "invalid bpf_ld_imm64 insn"
 * ---
 * An ld_imm64 whose second half is not a valid second half.
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = 0\n"
    RAW(0x18, 0x00, 0, 1)       /* r0 = 1 ll, first half */
    RAW(0x95, 0x00, 0, 0)       /* exit, as the second half */
    "exit\n"
);

LICENSE;
