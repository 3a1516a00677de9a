/* ---
 * verdict: accepted
 * reads: [[12, 15], [23, 24], [36, 78]]
 * writes: [[42, 83]]
 * kernel: accepted
 * ---
 * Variable IPv4 header length, checked to be at least 20 bytes: the
 * destination port is read at 14 + [20, 60] + 2 and the payload byte written
 * at 14 + [20, 60] + 8 (ranges are [start, end), end exclusive).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = data + sizeof *eth;
    struct udphdr *udp;
    __u32 hlen;

    if ((void *) (ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)
        || ip->protocol != IPPROTO_UDP) {
        return XDP_PASS;
    }
    hlen = ip->ihl * 4;
    if (hlen < sizeof *ip) {
        return XDP_DROP;
    }
    udp = (void *) ip + hlen;
    if ((void *) (udp + 1) + 1 > data_end) {
        return XDP_PASS;
    }
    if (udp->dest == bpf_htons(53)) {
        *(__u8 *) (udp + 1) = 0;
    }
    return XDP_PASS;
}

LICENSE;
