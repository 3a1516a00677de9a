/* ---
 * verdict: rejected
 * reason: "insn 2: invalid access to packet"
 * kernel: rejected
 * kernel_reason: "invalid access to packet"
 * ---
 * Reads the packet without any comparison with data_end.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r0 = *(u16 *)(r2 + 12)\n"
    "exit\n"
);

LICENSE;
