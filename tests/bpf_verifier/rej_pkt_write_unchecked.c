/* ---
 * verdict: rejected
 * reason: "invalid access to packet"
 * kernel: rejected
 * kernel_reason: "invalid access to packet"
 * ---
 * Writes the IPv4 TTL after checking only the Ethernet header.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *) (eth + 1);

    if ((void *) (eth + 1) > data_end) {
        return XDP_PASS;
    }
    ip->ttl = 1;
    return XDP_PASS;
}

LICENSE;
