/* ---
 * verdict: accepted
 * reads: [[12, 14], [24, 26], [30, 34]]
 * writes: [[24, 26], [30, 34]]
 * kernel: accepted
 * ---
 * Rewrites the IPv4 destination and patches the header checksum with
 * bpf_csum_diff() over the old and new addresses, both on the stack: the
 * helper reads stack memory, not the packet.
 */
#include "xbtest.h"

static __always_inline __u16
csum_fold(__u64 csum)
{
    csum = (csum & 0xffff) + (csum >> 16);
    csum = (csum & 0xffff) + (csum >> 16);
    return ~csum;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = data + sizeof *eth;
    __be32 old_addr, new_addr = bpf_htonl(0x0a000002);
    __s64 diff;

    if ((void *) (ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    old_addr = ip->daddr;
    diff = bpf_csum_diff(&old_addr, 4, &new_addr, 4, ~ip->check & 0xffff);
    if (diff < 0) {
        return XDP_ABORTED;
    }
    ip->daddr = new_addr;
    ip->check = csum_fold(diff);
    return XDP_PASS;
}

LICENSE;
