/* ---
 * verdict: rejected
 * reason: "insn 0: invalid bpf_context access off=2 size=2"
 * kernel: rejected
 * kernel_reason: "invalid bpf_context access"
 * ---
 * Reads 2 bytes in the middle of a struct xdp_md field.
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = *(u16 *)(r1 + 2)\n"
    "exit\n"
);

LICENSE;
