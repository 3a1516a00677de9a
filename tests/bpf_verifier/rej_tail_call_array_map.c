/* ---
 * verdict: rejected
 * reason: "expected prog array map for tail call"
 * kernel: rejected
 * kernel_reason: "expected prog array map for tail call"
 * ---
 * bpf_tail_call() takes a program array, not another map.
 */
#include "xbtest.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u32);
} jmp SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    bpf_tail_call(ctx, &jmp, 0);
    return XDP_PASS;
}

LICENSE;
