/* ---
 * verdict: rejected
 * reason: "verification budget exceeded"
 * kernel: rejected
 * kernel_reason: "BPF program is too large"
 * slow: true
 * ---
 * A loop that ends only when a counter wraps around, after 2^64
 * iterations: no state repeats, so the verifier unrolls it until its
 * budget runs out, as the kernel does (1M instructions).
 */
#include "xbtest.h"

ASM_PROG(
    "r0 = 0\n"
"1:\n"
    "r0 += 1\n"
    "if r0 != 0 goto 1b\n"
    "exit\n"
);

LICENSE;
