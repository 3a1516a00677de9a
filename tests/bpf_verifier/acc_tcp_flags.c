/* ---
 * verdict: accepted
 * reads: [[12, 14], [23, 24], [46, 48]]
 * writes: []
 * kernel: accepted
 * ---
 * Tests TCP flag bits (bitfields: JSET-style tests on a loaded byte) in a
 * header at a fixed offset.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = data + sizeof *eth;
    struct tcphdr *tcp = (void *) (ip + 1);

    if ((void *) (tcp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)
        || ip->protocol != IPPROTO_TCP) {
        return XDP_PASS;
    }
    if (tcp->syn && !tcp->ack) {
        return XDP_DROP;
    }
    return tcp->rst ? XDP_DROP : XDP_PASS;
}

LICENSE;
