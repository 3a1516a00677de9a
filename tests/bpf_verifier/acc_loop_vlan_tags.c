/* ---
 * verdict: accepted
 * reads: [[12, 14], [16, 18], [20, 22], [23, 26], [27, 28], [31, 32], [35, 36]]
 * writes: []
 * kernel: accepted
 * ---
 * A loop over up to three stacked VLAN tags (802.1Q or 802.1ad), as XDP
 * parsers write it: each iteration checks the next tag against data_end.
 * The verdict holds exactly the EtherType fields read on some path (12,
 * then 16, 20 and 24 behind each tag) and the IPv4 protocol byte behind 0
 * to 3 tags (23, 27, 31, 35).
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
    void *cur = eth + 1;
    __u16 proto;

    if (cur > data_end) {
        return XDP_PASS;
    }
    proto = eth->h_proto;
#pragma clang loop unroll(disable)
    for (int i = 0; i < 3; i++) {
        struct vlan_hdr *vh = cur;

        if (proto != bpf_htons(ETH_P_8021Q)
            && proto != bpf_htons(ETH_P_8021AD)) {
            break;
        }
        if ((void *) (vh + 1) > data_end) {
            return XDP_PASS;
        }
        proto = vh->proto;
        cur = vh + 1;
    }
    if (proto == bpf_htons(ETH_P_IP)) {
        struct iphdr *ip = cur;

        if ((void *) (ip + 1) > data_end) {
            return XDP_PASS;
        }
        return ip->protocol == IPPROTO_UDP ? XDP_DROP : XDP_PASS;
    }
    return XDP_PASS;
}

LICENSE;
