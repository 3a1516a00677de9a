/* ---
 * verdict: accepted
 * reads: [[0, null]]
 * writes: [[0, null]]
 * kernel: accepted
 * ---
 * Removes an outer Ethernet + IPv4 + UDP header (decapsulation) with
 * bpf_xdp_adjust_head(), then rewrites the inner Ethernet header through
 * pointers loaded again and checked again.  A program that may change the
 * packet's length may read and write every byte: every byte may move.
 */
#include "xbtest.h"

#define OUTER (sizeof(struct ethhdr) + sizeof(struct iphdr) \
               + sizeof(struct udphdr))

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = data + sizeof *eth;
    struct udphdr *udp = (void *) (ip + 1);
    struct ethhdr *inner;

    if ((void *) (udp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)
        || ip->protocol != IPPROTO_UDP || udp->dest != bpf_htons(4789)) {
        return XDP_PASS;
    }
    if (bpf_xdp_adjust_head(ctx, OUTER)) {
        return XDP_DROP;
    }
    data = (void *) (long) ctx->data;
    data_end = (void *) (long) ctx->data_end;
    inner = data;
    if ((void *) (inner + 1) > data_end) {
        return XDP_DROP;
    }
    inner->h_dest[0] = 0x02;
    return XDP_PASS;
}

LICENSE;
