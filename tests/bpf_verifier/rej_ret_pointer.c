/* ---
 * verdict: rejected
 * reason: "insn 1: R0 leaks addr as return value"
 * kernel: accepted
 * ---
 * Returns the packet pointer: the program must return a scalar (the
 * kernel lets privileged XDP programs return a pointer).
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = *(u32 *)(r1 + 0)\n"
    "exit\n"
);

LICENSE;
