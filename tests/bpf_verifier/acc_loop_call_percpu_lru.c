/* ---
 * verdict: accepted
 * reads: [[12, 14], [26, 34]]
 * writes: []
 * kernel: accepted
 * ---
 * Per-CPU and LRU maps in a BPF function called from a bounded loop: for
 * each of the IPv4 source and destination addresses, the callee counts in
 * a per-CPU array slot chosen by the loop index and in an LRU hash keyed
 * by the address (inserting it when absent).
 */
#include "xbtest.h"

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 2);
} per_slot SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 64);
} seen SEC(".maps");

static __attribute__((noinline)) int
count(__u32 slot, __u32 addr)
{
    __u64 *n, one = 1;

    n = bpf_map_lookup_elem(&per_slot, &slot);
    if (n) {
        *n += 1;
    }
    n = bpf_map_lookup_elem(&seen, &addr);
    if (n) {
        __sync_fetch_and_add(n, 1);
    } else {
        bpf_map_update_elem(&seen, &addr, &one, BPF_ANY);
    }
    return 0;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *) (eth + 1);

    if ((void *) (ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
#pragma clang loop unroll(disable)
    for (__u32 i = 0; i < 2; i++) {
        count(i, i ? ip->daddr : ip->saddr);
    }
    return XDP_PASS;
}

LICENSE;
