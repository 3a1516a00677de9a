/* ---
 * verdict: accepted
 * reads: [[12, 15], [23, 24]]
 * writes: [[42, 46]]
 * kernel: accepted
 * ---
 * Writes the first 4 bytes of the UDP payload of IPv4 packets without IP
 * options: the verdict must show exactly bytes 42..45 as written.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = data + sizeof *eth;
    __u32 *payload = data + sizeof *eth + sizeof *ip + sizeof(struct udphdr);

    if ((void *) (payload + 1) > data_end) {
        return XDP_PASS;
    }
    if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5
        || ip->protocol != IPPROTO_UDP) {
        return XDP_PASS;
    }
    *payload = bpf_htonl(0xdeadbeef);
    return XDP_TX;
}

LICENSE;
