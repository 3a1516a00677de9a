/* ---
 * verdict: accepted
 * reads: []
 * writes: []
 * kernel: accepted
 * ---
 * The distance between data_end and data is a scalar (the packet length):
 * it may be returned.
 */
#include "xbtest.h"

ASM_PROG(
    LOAD_PKT
    "r3 -= r2\n"
    "r0 = r3\n"
    "exit\n"
);

LICENSE;
