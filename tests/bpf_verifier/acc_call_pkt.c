/* ---
 * verdict: accepted
 * reads: [[12, 14], [23, 24]]
 * writes: []
 * kernel: accepted
 * ---
 * A BPF function (static, not inlined: a bpf-to-bpf call) that gets packet
 * pointers as arguments, checks them against data_end and reads the
 * packet: its reads are the program's.
 */
#include "xbtest.h"

static __attribute__((noinline)) int
l4_proto(void *data, void *data_end)
{
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *) (eth + 1);

    if ((void *) (ip + 1) > data_end) {
        return -1;
    }
    if (eth->h_proto != bpf_htons(ETH_P_IP)) {
        return -1;
    }
    return ip->protocol;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;

    return l4_proto(data, data_end) == IPPROTO_UDP ? XDP_DROP : XDP_PASS;
}

LICENSE;
