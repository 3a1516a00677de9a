/* ---
 * verdict: rejected
 * reason: "insn 0: helper bpf_get_numa_node_id (42) is not supported by the OVS runtime"
 * kernel: accepted
 * ---
 * bpf_get_numa_node_id (helper 42) exists in the kernel, but not in OVS:
 * the refusal names it.
 */
#include "xbtest.h"

ASM_PROG(
    "call 42\n"
    "r0 = 0\n"
    "exit\n"
);

LICENSE;
