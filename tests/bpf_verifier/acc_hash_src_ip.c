/* ---
 * verdict: accepted
 * reads: [[12, 14], [26, 30]]
 * writes: []
 * kernel: accepted
 * ---
 * Per-source counters in a hash map: the key is copied from the packet to
 * the stack, looked up, and inserted with map_update_elem when missing.
 */
#include "xbtest.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 1024);
} sources SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = data + sizeof *eth;
    __u64 one = 1, *count;
    __u32 saddr;

    if ((void *) (ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    saddr = ip->saddr;
    count = bpf_map_lookup_elem(&sources, &saddr);
    if (count) {
        __sync_fetch_and_add(count, 1);
    } else {
        bpf_map_update_elem(&sources, &saddr, &one, BPF_NOEXIST);
    }
    return XDP_PASS;
}

LICENSE;
