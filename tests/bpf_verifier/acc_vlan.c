/* ---
 * verdict: accepted
 * reads: [[12, 14], [16, 18], [23, 24], [27, 28]]
 * writes: []
 * kernel: accepted
 * ---
 * An optional 802.1Q tag moves the IPv4 header by 4 bytes: the protocol
 * byte is read at 23 or at 27, on two paths.
 */
#include "xbtest.h"

struct vlan_hdr {
    __be16 tci;
    __be16 proto;
};

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    void *l3 = eth + 1;
    struct iphdr *ip;
    __u16 proto;

    if (l3 > data_end) {
        return XDP_PASS;
    }
    proto = eth->h_proto;
    if (proto == bpf_htons(ETH_P_8021Q)) {
        struct vlan_hdr *vh = l3;

        if ((void *) (vh + 1) > data_end) {
            return XDP_PASS;
        }
        proto = vh->proto;
        l3 = vh + 1;
    }
    if (proto != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    ip = l3;
    if ((void *) (ip + 1) > data_end) {
        return XDP_PASS;
    }
    return ip->protocol == IPPROTO_ICMP ? XDP_DROP : XDP_PASS;
}

LICENSE;
