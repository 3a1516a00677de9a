/* ---
 * verdict: accepted
 * reads: [[12, 14], [20, 21], [54, 56], [62, 6200]]
 * writes: []
 * kernel: accepted
 * ---
 * A loop over up to four IPv6 extension headers (hop-by-hop, routing,
 * destination options), each of a length that the packet gives: the first
 * is read at 54, the others at variable offsets, each at least 8 and at
 * most 2048 bytes (hdrlen 0 to 255) past the one before: up to
 * 54 + 3 * 2048 + 2 = 6200.
 */
#include "xbtest.h"

struct opt_hdr {
    __u8 nexthdr;
    __u8 hdrlen;
};

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct ipv6hdr *ip6 = (void *) (eth + 1);
    void *cur = ip6 + 1;
    __u8 nexthdr;

    if (cur > data_end || eth->h_proto != bpf_htons(ETH_P_IPV6)) {
        return XDP_PASS;
    }
    nexthdr = ip6->nexthdr;
#pragma clang loop unroll(disable)
    for (int i = 0; i < 4; i++) {
        struct opt_hdr *oh = cur;

        if (nexthdr != IPPROTO_HOPOPTS && nexthdr != IPPROTO_ROUTING
            && nexthdr != IPPROTO_DSTOPTS) {
            break;
        }
        if ((void *) (oh + 1) > data_end) {
            return XDP_PASS;
        }
        nexthdr = oh->nexthdr;
        cur += (oh->hdrlen + 1) * 8;
    }
    return nexthdr == IPPROTO_UDP ? XDP_DROP : XDP_PASS;
}

LICENSE;
