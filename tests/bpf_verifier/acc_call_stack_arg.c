/* ---
 * verdict: accepted
 * reads: [[26, 34]]
 * writes: []
 * kernel: accepted
 * ---
 * A BPF function that writes a map key into its caller's stack, through a
 * pointer the caller passes: the caller then looks the key up.  The
 * function reads the IPv4 addresses (bytes 26 to 34).
 */
#include "xbtest.h"

struct key {
    __u32 saddr;
    __u32 daddr;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, struct key);
    __type(value, __u64);
    __uint(max_entries, 16);
} flows SEC(".maps");

static __attribute__((noinline)) int
fill_key(struct key *k, void *data, void *data_end)
{
    struct iphdr *ip = data + sizeof(struct ethhdr);

    if ((void *) (ip + 1) > data_end) {
        return -1;
    }
    k->saddr = ip->saddr;
    k->daddr = ip->daddr;
    return 0;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct key k;
    __u64 *count;

    if (fill_key(&k, data, data_end)) {
        return XDP_PASS;
    }
    count = bpf_map_lookup_elem(&flows, &k);
    if (count) {
        __sync_fetch_and_add(count, 1);
        return XDP_DROP;
    }
    return XDP_PASS;
}

LICENSE;
