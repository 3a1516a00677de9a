/* ---
 * verdict: accepted
 * reads: [[12, 14], [22, 23], [24, 26]]
 * writes: [[22, 23], [24, 26]]
 * kernel: accepted
 * ---
 * Decrements the IPv4 TTL and patches the header checksum incrementally
 * (RFC 1624): two separate written ranges.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = data + sizeof *eth;
    __u32 sum;

    if ((void *) (ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    if (ip->ttl <= 1) {
        return XDP_DROP;
    }
    ip->ttl--;
    sum = ip->check + bpf_htons(0x0100);
    ip->check = sum + (sum >> 16);
    return XDP_PASS;
}

LICENSE;
