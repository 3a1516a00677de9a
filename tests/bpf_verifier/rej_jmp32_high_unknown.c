/* ---
 * verdict: rejected
 * reason: "insn 9: math between pkt pointer and register with unbounded min value is not allowed"
 * kernel: rejected
 * kernel_reason: "math between pkt pointer and register with unbounded min value is not allowed"
 * ---
 * A 64-bit value read from the packet, checked only in its low 32 bits
 * ("if w4 s< 0", "if w4 > 60"), then added to a packet pointer as a
 * whole: its high 32 bits are unknown, so the checks bound nothing but
 * the low half (acc_sext_offset.c has the sign extension that makes them
 * bound the value).
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 8\n"
    "if r4 > r3 goto 9f\n"
    "r4 = *(u64 *)(r2 + 0)\n"
    "if w4 s< 0 goto 9f\n"
    "if w4 > 60 goto 9f\n"
    "r5 = r2\n"
    "r5 += r4\n"
    "r1 = r5\n"
    "r1 += 4\n"
    "if r1 > r3 goto 9f\n"
    "w0 = *(u32 *)(r5 + 0)\n"
    "exit\n"
"9:\n"
    "w0 = 2\n"
    "exit\n"
);

LICENSE;
