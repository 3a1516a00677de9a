/* ---
 * verdict: rejected
 * reason: "bpf_tail_call from a BPF function (call depth 1) is not supported by the OVS runtime"
 * kernel: accepted
 * ---
 * A tail call from a BPF function: the kernel allows it on x86-64 (the
 * target's return goes back to the function's caller, with the stack of
 * each frame limited to 256 bytes); OVS runs a target in place of the
 * program and refuses it.
 */
#include "xbtest.h"

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 1);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u32));
} jmp SEC(".maps");

static __attribute__((noinline)) int
call_next(struct xdp_md *ctx)
{
    bpf_tail_call(ctx, &jmp, 0);
    return XDP_DROP;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    return call_next(ctx);
}

LICENSE;
