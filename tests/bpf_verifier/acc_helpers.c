/* ---
 * verdict: accepted
 * reads: [[26, 30]]
 * writes: []
 * kernel: accepted
 * ---
 * Calls every allowed helper: map_lookup_elem, map_update_elem,
 * map_delete_elem, ktime_get_ns and get_prandom_u32 (1% sampling of
 * flows, expired after a second).
 */
#include "xbtest.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 256);
} seen SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct iphdr *ip = data + sizeof(struct ethhdr);
    __u64 now, *last;
    __u32 saddr;

    if ((void *) (ip + 1) > data_end) {
        return XDP_PASS;
    }
    saddr = ip->saddr;
    now = bpf_ktime_get_ns();
    last = bpf_map_lookup_elem(&seen, &saddr);
    if (last && now - *last > 1000000000ULL) {
        bpf_map_delete_elem(&seen, &saddr);
    } else if (!last && bpf_get_prandom_u32() % 100 == 0) {
        bpf_map_update_elem(&seen, &saddr, &now, BPF_ANY);
    }
    return XDP_PASS;
}

LICENSE;
