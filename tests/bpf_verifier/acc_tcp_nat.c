/* ---
 * verdict: accepted
 * reads: [[12, 14], [23, 24], [36, 38], [50, 52]]
 * writes: [[36, 38], [50, 52]]
 * kernel: accepted
 * ---
 * Rewrites the TCP destination port 80 to 8080 and patches the TCP checksum
 * (IPv4 without options): two 2-byte written ranges.
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
    __u32 sum;

    if ((void *) (tcp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)
        || ip->protocol != IPPROTO_TCP || tcp->dest != bpf_htons(80)) {
        return XDP_PASS;
    }
    tcp->dest = bpf_htons(8080);
    sum = (__u16) ~tcp->check + (__u16) ~bpf_htons(80) + bpf_htons(8080);
    sum = (sum & 0xffff) + (sum >> 16);
    tcp->check = ~(sum + (sum >> 16));
    return XDP_PASS;
}

LICENSE;
