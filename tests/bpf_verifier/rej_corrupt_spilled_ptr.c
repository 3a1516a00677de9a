/* ---
 * verdict: rejected
 * reason: "insn 4: attempt to corrupt spilled pointer on stack"
 * kernel: accepted
 * ---
 * Overwrites half of a spilled packet pointer (the kernel lets privileged
 * programs turn it into data; OVS does not).
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "*(u64 *)(r10 - 8) = r2\n"
    "r4 = 0\n"
    "*(u32 *)(r10 - 8) = w4\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
