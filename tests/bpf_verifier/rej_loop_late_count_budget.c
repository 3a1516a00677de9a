/* ---
 * verdict: rejected
 * reason: "insn 7: BPF program is too complex. Processed"
 * kernel: rejected
 * kernel_reason: "BPF program is too large"
 * slow: true
 * ---
 * acc_loop_late_count.c with 40 iterations, the packet checked to hold 49
 * bytes (every read in bounds).  The loop head sees about 40 * 41 / 2
 * states (the iteration, and the count r7, which reaches an address): the
 * kernel (6.18) gives up after 1M instructions, and so does OVS, whose
 * merging pass widens the counters.  OVS must say it ran out of budget
 * ("merging states lost the bound of the loop"), not "infinite loop
 * detected": the merged states hold more values than the paths did, so
 * coming back to one of them proves nothing about the loop.  With 24
 * iterations both accept (tests/bpf.at).
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r4 = r2\n"
    "r4 += 49\n"
    "if r4 > r3 goto 9f\n"
    "r6 = 0\n"
    "r7 = 0\n"
"1:\n"
    "r5 = *(u8 *)(r2 + 0)\n"
    "if r5 == 0x2a goto 2f\n"
    "goto 3f\n"
"2:\n"
    "r7 += 1\n"
"3:\n"
    "r9 = r2\n"
    "r9 += r7\n"
    "r0 = *(u8 *)(r9 + 8)\n"
    "r6 += 1\n"
    "if r6 < 40 goto 1b\n"
    "exit\n"
"9:\n"
    "w0 = 2\n"
    "exit\n"
);

LICENSE;
