/* ---
 * verdict: rejected
 * reason: "cannot pass map_type 3 into func bpf_map_lookup_elem#1"
 * kernel: rejected
 * kernel_reason: "cannot pass map_type 3 into func bpf_map_lookup_elem#1"
 * ---
 * A program array's values are programs: only bpf_tail_call() takes one.
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
    __u32 key = 0;

    return bpf_map_lookup_elem(&jmp, &key) ? XDP_PASS : XDP_DROP;
}

LICENSE;
