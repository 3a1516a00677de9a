/* ---
 * verdict: rejected
 * reason: "insn 0: call into the middle of ldimm64 insn 3"
 * kernel: rejected
 * ---
 * A call (without a relocation) whose target is the second half of an
 * ld_imm64.  (libbpf refuses the object before the kernel sees it.)
 */
#include "xbtest.h"

ASM_PROG(
    RAW(0x85, 0x10, 0, 3)
    "r0 = 0\n"
    "exit\n"
    "r0 = 0x100000000 ll\n"
    "exit\n"
);

LICENSE;
