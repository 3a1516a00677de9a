/* ---
 * verdict: accepted
 * reads: [[0, 12]]
 * writes: [[0, 12]]
 * kernel: accepted
 * ---
 * Swaps the Ethernet addresses (an XDP_TX reflector).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    unsigned char tmp[ETH_ALEN];

    if ((void *) (eth + 1) > data_end) {
        return XDP_DROP;
    }
    __builtin_memcpy(tmp, eth->h_dest, ETH_ALEN);
    __builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
    __builtin_memcpy(eth->h_source, tmp, ETH_ALEN);
    return XDP_TX;
}

LICENSE;
