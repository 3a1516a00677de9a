/* ---
 * verdict: rejected
 * reason: "insn 0: invalid bpf_context access off=16 size=4"
 * kernel: rejected
 * kernel_reason: "invalid bpf_context access off=16 size=4"
 * ---
 * Stores an immediate into the context.
 */
#include "xbtest.h"

ASM_PROG(
    RAW(0x62, 0x01, 16, 0)      /* *(u32 *)(r1 + 16) = 0 */
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
