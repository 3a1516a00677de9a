/* ---
 * verdict: rejected
 * reason: "insn 1: jump out of range from insn 1 to 7"
 * kernel: rejected
 * kernel_reason: "jump out of range from insn 1 to 7"
 * ---
 * A jump past the end of the program.
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = 0\n"
    RAW(0x05, 0x00, 5, 0)       /* goto +5 */
    "exit\n"
);

LICENSE;
