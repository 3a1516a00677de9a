/* ---
 * verdict: rejected
 * reason: "insn 0: invalid func unknown#99999"
 * kernel: rejected
 * kernel_reason: "invalid func unknown#99999"
 * ---
 * A helper that does not exist.
 */
#include "xbtest.h"

ASM_PROG(
    "call 99999\n"
    "exit\n"
);

LICENSE;
