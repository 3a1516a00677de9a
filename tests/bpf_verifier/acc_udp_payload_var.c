/* ---
 * verdict: accepted
 * reads: [[12, 15], [22, 83]]
 * writes: [[22, 86]]
 * kernel: accepted
 * ---
 * Rewrites the first UDP payload bytes after an IPv4 header of variable
 * length (ihl * 4, 0..60 bytes as far as the verifier knows), and counts
 * packets in an array map with an atomic add.  The payload starts at
 * 14 + [0, 60] + 8: bytes 22..85 may be written.
 */
#include "xbtest.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 4);
} counts SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip;
    struct udphdr *udp;
    unsigned char *p;
    __u64 *count;
    __u32 key = 1;

    if ((void *) (eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    ip = (void *) (eth + 1);
    if ((void *) (ip + 1) > data_end || ip->protocol != IPPROTO_UDP) {
        return XDP_PASS;
    }
    udp = (void *) ip + ip->ihl * 4;
    if ((void *) (udp + 1) > data_end) {
        return XDP_PASS;
    }
    p = (void *) (udp + 1);
    if ((void *) (p + 4) > data_end) {
        return XDP_PASS;
    }
    p[0] ^= 0xff;
    p[3] = 7;
    count = bpf_map_lookup_elem(&counts, &key);
    if (count) {
        __sync_fetch_and_add(count, 1);
    }
    return XDP_TX;
}

LICENSE;
