/* ---
 * verdict: accepted
 * reads: [[12, 14]]
 * writes: []
 * kernel: accepted
 * ---
 * Reads the EtherType after the usual "data + sizeof *eth > data_end"
 * check.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;

    if ((void *) (eth + 1) > data_end) {
        return XDP_DROP;
    }
    return eth->h_proto == bpf_htons(ETH_P_IP) ? XDP_PASS : XDP_DROP;
}

LICENSE;
