/* ---
 * verdict: rejected
 * reason: "R0 !read_ok"
 * kernel: rejected
 * kernel_reason: "R0 !read_ok"
 * ---
 * bpf_tail_call() returns nothing (the kernel's RET_VOID): r0 is not
 * initialised after a call that falls through.
 */
#include "xbtest.h"

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 1);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u32));
} jmp SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    return bpf_tail_call(ctx, &jmp, 0);
}

LICENSE;
