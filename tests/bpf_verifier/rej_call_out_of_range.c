/* ---
 * verdict: rejected
 * reason: "insn 0: call to invalid destination"
 * kernel: rejected
 * ---
 * A call (without a relocation) past the end of the program.  (libbpf
 * refuses the object before the kernel sees it.)
 */
#include "xbtest.h"

ASM_PROG(
    RAW(0x85, 0x10, 0, 100)
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
