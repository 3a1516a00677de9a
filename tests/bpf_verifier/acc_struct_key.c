/* ---
 * verdict: accepted
 * reads: [[12, 14], [23, 24], [26, 38]]
 * writes: []
 * kernel: accepted
 * ---
 * A 5-tuple key built on the stack (zero-initialised, so that padding is
 * initialised too) from packet fields, for a hash map lookup.
 */
#include "xbtest.h"

struct flow {
    __u32 saddr;
    __u32 daddr;
    __u16 sport;
    __u16 dport;
    __u8 proto;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, struct flow);
    __type(value, __u64);
    __uint(max_entries, 1024);
} flows SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = data + sizeof *eth;
    struct udphdr *udp = (void *) (ip + 1);
    struct flow key;
    __u64 *bytes;

    __builtin_memset(&key, 0, sizeof key);
    if ((void *) (udp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)
        || ip->protocol != IPPROTO_UDP) {
        return XDP_PASS;
    }
    key.saddr = ip->saddr;
    key.daddr = ip->daddr;
    key.sport = udp->source;
    key.dport = udp->dest;
    key.proto = IPPROTO_UDP;
    bytes = bpf_map_lookup_elem(&flows, &key);
    if (bytes) {
        __sync_fetch_and_add(bytes, data_end - data);
    }
    return XDP_PASS;
}

LICENSE;
