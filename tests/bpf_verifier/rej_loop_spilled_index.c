/* ---
 * verdict: rejected
 * reason: "invalid access to packet"
 * kernel: rejected
 * kernel_reason: "invalid access to packet"
 * ---
 * A loop whose index lives only in a stack slot (spilled, reloaded and
 * spilled back each iteration) and that reads 8 bytes at data + 8 * index
 * for index 0, 1, 2 after checking 16 bytes: the third iteration reads
 * bytes 16..23.  The loop head's registers are the same in every
 * iteration; only the spilled index differs, so a pruning that ignored
 * the stack would accept.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 16\n"
    "if r4 > r3 goto 9f\n"
    "r6 = 0\n"
    "*(u64 *)(r10 - 8) = r6\n"
    "r0 = 0\n"
"1:\n"
    "r6 = *(u64 *)(r10 - 8)\n"
    "r7 = r6\n"
    "r7 <<= 3\n"
    "r9 = r2\n"
    "r9 += r7\n"
    "r1 = *(u64 *)(r9 + 0)\n"
    "r0 += r1\n"
    "r6 += 1\n"
    "*(u64 *)(r10 - 8) = r6\n"
    "r6 = 0\n"
    "r7 = 0\n"
    "r1 = *(u64 *)(r10 - 8)\n"
    "if r1 < 3 goto 1b\n"
    "exit\n"
"9:\n"
    "w0 = 2\n"
    "exit\n"
);

LICENSE;
