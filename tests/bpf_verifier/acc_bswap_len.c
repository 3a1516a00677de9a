/* ---
 * verdict: accepted
 * reads: [[12, 14], [16, 18], [34, 162]]
 * writes: []
 * kernel: accepted
 * ---
 * The IPv4 total length, converted with bpf_ntohs (a 16-bit byte swap),
 * bounds a variable offset: after "len - 20 > 128" is excluded, the byte at
 * 34 + (len - 20) - 1 lies in 34..161.
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
    __u8 *last;

    if ((void *) (ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    len = bpf_ntohs(ip->tot_len);
    if (len <= sizeof *ip || len - sizeof *ip > 128) {
        return XDP_PASS;
    }
    last = (void *) (ip + 1) + (len - sizeof *ip);
    if ((void *) last > data_end) {
        return XDP_PASS;
    }
    return last[-1] == 0xff ? XDP_DROP : XDP_PASS;
}

LICENSE;
