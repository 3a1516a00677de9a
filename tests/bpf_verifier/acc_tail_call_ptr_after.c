/* ---
 * verdict: accepted
 * reads: [[13, 14]]
 * writes: []
 * kernel: accepted
 * ---
 * A tail call that falls through (an empty slot) changed nothing: packet
 * pointers checked before it stay valid after it, in the kernel (6.18, in
 * the program's own frame) and in OVS.
 */
#include "xbtest.h"

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 4);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u32));
} jmp SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *data = (void *) (long) ctx->data;
    __u8 *data_end = (void *) (long) ctx->data_end;

    if ((void *) (data + 14) > (void *) data_end) {
        return XDP_DROP;
    }
    bpf_tail_call(ctx, &jmp, 1);
    return data[13];
}

LICENSE;
