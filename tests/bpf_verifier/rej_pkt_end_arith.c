/* ---
 * verdict: rejected
 * reason: "insn 2: R3 pointer arithmetic on pkt_end prohibited"
 * kernel: rejected
 * kernel_reason: "R3 pointer arithmetic on pkt_end prohibited"
 * ---
 * Arithmetic on data_end.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r3 += -14\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
