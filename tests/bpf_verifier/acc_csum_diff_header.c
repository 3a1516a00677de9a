/* ---
 * verdict: accepted
 * reads: [[12, 74]]
 * writes: [[24, 26]]
 * kernel: accepted
 * ---
 * Recomputes the IPv4 header checksum with bpf_csum_diff() over the whole
 * header in the packet, of 20 to 60 bytes by its IHL: the helper reads the
 * packet, up to the largest size the verifier allows (60 bytes from 14),
 * after a check against data_end for that size.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = data + sizeof *eth;
    __u32 len;
    __s64 sum;

    if ((void *) ip + 60 > data_end || eth->h_proto != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    len = (ip->ihl & 0xf) * 4;
    if (len < 20) {
        return XDP_DROP;
    }
    ip->check = 0;
    sum = bpf_csum_diff(0, 0, (void *) ip, len, 0);
    if (sum < 0) {
        return XDP_ABORTED;
    }
    ip->check = ~sum;
    return XDP_PASS;
}

LICENSE;
