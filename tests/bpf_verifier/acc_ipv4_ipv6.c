/* ---
 * verdict: accepted
 * reads: [[12, 14], [20, 21], [23, 24]]
 * writes: []
 * kernel: accepted
 * ---
 * Two paths read different bytes (the IPv6 next header at 20, the IPv4
 * protocol at 23): the verdict is their union.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    __u8 proto;

    if ((void *) (eth + 1) > data_end) {
        return XDP_PASS;
    }
    if (eth->h_proto == bpf_htons(ETH_P_IP)) {
        struct iphdr *ip = (void *) (eth + 1);

        if ((void *) (ip + 1) > data_end) {
            return XDP_PASS;
        }
        proto = ip->protocol;
    } else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
        struct ipv6hdr *ip6 = (void *) (eth + 1);

        if ((void *) (ip6 + 1) > data_end) {
            return XDP_PASS;
        }
        proto = ip6->nexthdr;
    } else {
        return XDP_PASS;
    }
    return proto == IPPROTO_TCP ? XDP_DROP : XDP_PASS;
}

LICENSE;
