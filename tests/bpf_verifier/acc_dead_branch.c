/* ---
 * verdict: accepted
 * reads: []
 * writes: []
 * kernel: accepted
 * ---
 * A branch that a known constant makes impossible holds an unchecked packet
 * write: the verifier must not explore it, and the verdict must not count
 * it.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = 5\n"
    "if r4 != 5 goto 1f\n"
    "r0 = 2\n"
    "exit\n"
"1:\n"
    RAW(0x72, 0x02, 0, 1)       /* *(u8 *)(r2 + 0) = 1 */
    "r0 = 1\n"
    "exit\n"
);

LICENSE;
