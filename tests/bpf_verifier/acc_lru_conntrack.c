/* ---
 * verdict: accepted
 * reads: [[12, 14], [23, 24], [26, 38]]
 * writes: []
 * kernel: accepted
 * ---
 * A connection table in an LRU hash, keyed by the UDP or TCP 4-tuple: a
 * new flow is inserted (the least recently used one is evicted when the
 * table is full), a known one counted.
 */
#include "xbtest.h"

struct flow {
    __u32 saddr, daddr;
    __u16 sport, dport;
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __type(key, struct flow);
    __type(value, __u64);
    __uint(max_entries, 4096);
} flows SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = data + sizeof *eth;
    struct udphdr *udp = (void *) (ip + 1);
    struct flow f;
    __u64 *n, one = 1;

    if ((void *) (udp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)
        || (ip->protocol != IPPROTO_UDP && ip->protocol != IPPROTO_TCP)) {
        return XDP_PASS;
    }
    f.saddr = ip->saddr;
    f.daddr = ip->daddr;
    f.sport = udp->source;
    f.dport = udp->dest;
    n = bpf_map_lookup_elem(&flows, &f);
    if (n) {
        __sync_fetch_and_add(n, 1);
    } else {
        bpf_map_update_elem(&flows, &f, &one, BPF_ANY);
    }
    return XDP_PASS;
}

LICENSE;
