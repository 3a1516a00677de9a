/* ---
 * verdict: rejected
 * reason: "combined stack size of 2 calls is 608. Too large"
 * kernel: rejected
 * kernel_reason: "combined stack size of 2 calls is 608. Too large"
 * ---
 * Each frame fits in 512 bytes, but the program's 304 bytes and those of
 * the function it calls do not fit together.
 */
#include "xbtest.h"

ASM_FUNC(deep,
    "r1 = 0\n"
    "*(u64 *)(r10 - 304) = r1\n"
    "r0 = *(u64 *)(r10 - 304)\n"
    "exit\n"
);

ASM_PROG(
    "r1 = 1\n"
    "*(u64 *)(r10 - 304) = r1\n"
    "call deep\n"
    "r1 = *(u64 *)(r10 - 304)\n"
    "r0 += r1\n"
    "exit\n"
);

LICENSE;
