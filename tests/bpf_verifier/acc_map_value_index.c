/* ---
 * verdict: accepted
 * reads: [[12, 14], [23, 24]]
 * writes: []
 * kernel: accepted
 * ---
 * Indexes an array inside a map value with a packet byte masked to 0..15:
 * a map value access at a variable, bounded offset.
 */
#include "xbtest.h"

struct table {
    __u64 hits[16];
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, struct table);
    __uint(max_entries, 1);
} tables SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = data + sizeof *eth;
    struct table *t;
    __u32 key = 0;

    if ((void *) (ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    t = bpf_map_lookup_elem(&tables, &key);
    if (!t) {
        return XDP_PASS;
    }
    __sync_fetch_and_add(&t->hits[ip->protocol & 15], 1);
    return XDP_PASS;
}

LICENSE;
