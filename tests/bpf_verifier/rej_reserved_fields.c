/* ---
 * verdict: rejected
 * reason: "insn 0: BPF_MOV uses reserved fields"
 * kernel: rejected
 * kernel_reason: "BPF_MOV uses reserved fields"
 * ---
 * "r0 = 1" with a nonzero source register field.
 */
#include "xbtest.h"

ASM_PROG(
    RAW(0xb7, 0x10, 0, 1)       /* r0 = 1, src = r1 */
    "exit\n"
);

LICENSE;
