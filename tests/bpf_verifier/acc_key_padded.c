/* ---
 * verdict: accepted
 * reads: [[23, 24], [26, 30]]
 * writes: []
 * kernel: accepted
 * ---
 * A hash key with padding (3 bytes after 'proto'), filled field by field
 * on the stack, so that the padding is never written.  The kernel lets
 * privileged programs pass it to map helpers (the padding holds unknown
 * data), and so does OVS.
 */
#include "xbtest.h"

struct key {
    __u8 proto;
    __u32 saddr;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, struct key);
    __type(value, __u64);
    __uint(max_entries, 64);
} counts SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct iphdr *ip = data + sizeof(struct ethhdr);
    struct key k;
    __u64 *n;

    if ((void *) (ip + 1) > data_end) {
        return XDP_PASS;
    }
    k.proto = ip->protocol;
    k.saddr = ip->saddr;
    n = bpf_map_lookup_elem(&counts, &k);
    if (n) {
        __sync_fetch_and_add(n, 1);
    }
    return XDP_PASS;
}

LICENSE;
