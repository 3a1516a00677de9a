/* ---
 * verdict: rejected
 * reason: "insn 0: invalid bpf_context access off=0 size=8"
 * kernel: rejected
 * kernel_reason: "invalid bpf_context access off=0 size=8"
 * ---
 * An 8-byte read of the context: xdp_md fields are 4 bytes.
 */
#include "xbtest.h"

ASM_PROG(
    "r2 = *(u64 *)(r1 + 0)\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
