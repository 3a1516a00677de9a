/* ---
 * verdict: accepted
 * reads: [[12, 14], [30, 34]]
 * writes: []
 * kernel: accepted
 * ---
 * Uses a pointer into the packet (the IPv4 destination address) directly as
 * the map key: the helper reads bytes 30..33, which the verdict must show.
 */
#include "xbtest.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u32);
    __type(value, __u32);
    __uint(max_entries, 64);
} blocked SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = data + sizeof *eth;

    if ((void *) (ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    return bpf_map_lookup_elem(&blocked, &ip->daddr) ? XDP_DROP : XDP_PASS;
}

LICENSE;
