/* ---
 * verdict: accepted
 * reads: []
 * writes: []
 * kernel: accepted
 * ---
 * Reads a stack slot that was never written.  The kernel lets privileged
 * programs do that (the value is unknown), and so does OVS.
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = *(u64 *)(r10 - 8)\n"
    "exit\n"
);

LICENSE;
