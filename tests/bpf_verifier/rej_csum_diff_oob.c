/* ---
 * verdict: rejected
 * reason: "invalid access to packet"
 * kernel: rejected
 * kernel_reason: "invalid access to packet"
 * ---
 * bpf_csum_diff() over an IPv4 header of up to 60 bytes (by its IHL)
 * after checking only 20 of them against data_end.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct iphdr *ip = data + sizeof(struct ethhdr);
    __u32 len;

    if ((void *) (ip + 1) > data_end) {
        return XDP_PASS;
    }
    len = (ip->ihl & 0xf) * 4;
    return bpf_csum_diff(0, 0, (void *) ip, len, 0) & 1;
}

LICENSE;
