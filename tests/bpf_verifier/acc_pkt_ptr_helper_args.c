/* ---
 * verdict: accepted
 * reads: [[6, 10], [26, 34]]
 * writes: []
 * kernel: accepted
 * ---
 * Packet pointers as both key and value of map_update_elem (the 4-byte key
 * at 30, the 8-byte value at 26), as the key of a lookup (4 bytes at 6),
 * and a map value as the key of another lookup: the bytes that helpers
 * read from the packet count as reads.
 */
#include "xbtest.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 64);
} pairs SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u64);
    __type(value, __u32);
    __uint(max_entries, 64);
} back SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct iphdr *ip = data + sizeof(struct ethhdr);
    __u64 *v;

    if ((void *) (ip + 1) > data_end) {
        return XDP_PASS;
    }
    bpf_map_update_elem(&pairs, &ip->daddr, &ip->saddr, BPF_ANY);
    v = bpf_map_lookup_elem(&pairs, data + 6);
    if (v && bpf_map_lookup_elem(&back, v)) {
        return XDP_DROP;
    }
    return XDP_PASS;
}

LICENSE;
