/* ---
 * verdict: accepted
 * reads: [[23, 24]]
 * writes: []
 * kernel: accepted
 * ---
 * Global data passed to a BPF function: a pointer into .rodata (a table
 * of 8 weights) and one into .data (a counter) are arguments; the callee
 * indexes the table with a bounded packet byte and adds to the counter.
 * Both pointers keep their map and offset in the callee (assembly, so
 * that clang does not propagate the constant arguments into it).
 */
#include "xbtest.h"

const volatile __u32 weights[8] = { 1, 2, 3, 5, 8, 13, 21, 34 };
__u64 total = 1;

ASM_FUNC(account,
    "r3 &= 7\n"
    "r3 <<= 2\n"
    "r1 += r3\n"
    "r4 = *(u32 *)(r1 + 0)\n"
    "lock *(u64 *)(r2 + 0) += r4\n"
    "r0 = 2\n"
    "exit\n"
);

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 24\n"
    "if r4 > r3 goto 1f\n"
    "r3 = *(u8 *)(r2 + 23)\n"
    "r1 = weights ll\n"
    "r2 = total ll\n"
    "call account\n"
    "exit\n"
"1:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
