/* ---
 * verdict: accepted
 * reads: []
 * writes: []
 * kernel: accepted
 * ---
 * Counts packets and bytes in an array map with atomic adds; the map value
 * is used only after the NULL check.  No packet byte is read: the length
 * comes from data_end - data.
 */
#include "xbtest.h"

struct stats {
    __u64 packets;
    __u64 bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, struct stats);
    __uint(max_entries, 1);
} stats SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u32 key = 0;
    struct stats *s = bpf_map_lookup_elem(&stats, &key);

    if (!s) {
        return XDP_ABORTED;
    }
    __sync_fetch_and_add(&s->packets, 1);
    __sync_fetch_and_add(&s->bytes, ctx->data_end - ctx->data);
    return XDP_PASS;
}

LICENSE;
