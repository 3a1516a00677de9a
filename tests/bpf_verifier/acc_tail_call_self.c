/* ---
 * verdict: accepted
 * reads: [[14, 15]]
 * writes: [[14, 15]]
 * kernel: accepted
 * ---
 * A program that tail-calls itself through a program array that the object
 * fills (libbpf's static initialisation), counting in byte 14: the verdict
 * of a program that makes tail calls covers every program it may reach,
 * here only itself, so it stays exact.
 */
#include "xbtest.h"

int prog(struct xdp_md *ctx);

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 1);
    __uint(key_size, sizeof(__u32));
    __array(values, int (void *));
} self SEC(".maps") = { .values = { [0] = (void *) &prog } };

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *data = (void *) (long) ctx->data;
    __u8 *data_end = (void *) (long) ctx->data_end;

    if ((void *) (data + 15) > (void *) data_end) {
        return XDP_DROP;
    }
    data[14]++;
    bpf_tail_call(ctx, &self, 0);
    return XDP_PASS;
}

LICENSE;
