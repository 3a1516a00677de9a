/* ---
 * verdict: rejected
 * reason: "insn 0: invalid bpf_context access off=20 size=4"
 * kernel: rejected
 * kernel_reason: "invalid bpf_context access"
 * ---
 * egress_ifindex is only readable by devmap programs.
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = *(u32 *)(r1 + 20)\n"
    "exit\n"
);

LICENSE;
