/* ---
 * verdict: accepted
 * reads: [[0, null]]
 * writes: [[0, null]]
 * kernel: accepted
 * ---
 * The program itself only reads the EtherType; a BPF function it calls,
 * only for IPv4, trims the packet by 4 bytes.  A length change anywhere,
 * even in a callee on one path, makes the verdict every byte, read and
 * written: every byte may move.
 */
#include "xbtest.h"

static __attribute__((noinline)) int
trim(struct xdp_md *ctx)
{
    return bpf_xdp_adjust_tail(ctx, -4) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;

    if ((void *) (eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    return trim(ctx);
}

LICENSE;
