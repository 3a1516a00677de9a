/* ---
 * verdict: accepted
 * reads: []
 * writes: []
 * kernel: accepted
 * ---
 * Atomic operations on initialised stack slots, 64 and 32 bits, with and
 * without FETCH, xchg and cmpxchg (raw encodings: clang 14's assembler does
 * not parse the fetching forms).
 */
#include "xbtest.h"

ASM_PROG(
    "r1 = 1\n"
    "*(u64 *)(r10 - 8) = r1\n"
    "*(u32 *)(r10 - 12) = w1\n"
    "lock *(u64 *)(r10 - 8) += r1\n"
    "lock *(u32 *)(r10 - 12) += w1\n"
    "r2 = 2\n"
    RAW(0xdb, 0x2a, -8, 0x01)   /* r2 = atomic_fetch_add(r10 - 8, r2) */
    "r3 = 4\n"
    RAW(0xdb, 0x3a, -8, 0x41)   /* r3 = atomic_fetch_or(r10 - 8, r3) */
    "r4 = 5\n"
    RAW(0xdb, 0x4a, -8, 0xe1)   /* r4 = xchg_64(r10 - 8, r4) */
    "r0 = r4\n"
    "r5 = 6\n"
    RAW(0xdb, 0x5a, -8, 0xf1)   /* r0 = cmpxchg_64(r10 - 8, r0, r5) */
    "w6 = 7\n"
    RAW(0xc3, 0x6a, -12, 0xe1)  /* w6 = xchg32_32(r10 - 12, w6) */
    "r0 += r2\n"
    "r0 += r3\n"
    "r0 += r6\n"
    "r1 = *(u64 *)(r10 - 8)\n"
    "r0 += r1\n"
    "exit\n"
);

LICENSE;
