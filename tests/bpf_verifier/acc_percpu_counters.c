/* ---
 * verdict: accepted
 * reads: [[12, 14], [26, 30]]
 * writes: []
 * kernel: accepted
 * ---
 * Per-CPU statistics: a per-CPU array of packet and byte counts, and a
 * per-CPU hash of packets per IPv4 source, updated without atomics (each
 * thread owns its values).  The values are map memory: only the EtherType
 * and the source address are read.
 */
#include "xbtest.h"

struct stats {
    __u64 packets;
    __u64 bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, __u32);
    __type(value, struct stats);
    __uint(max_entries, 2);
} totals SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 1024);
} by_source SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = data + sizeof *eth;
    __u32 key = 0;
    struct stats *s;
    __u64 *n, one = 1;

    if ((void *) (ip + 1) <= data_end && eth->h_proto == bpf_htons(ETH_P_IP)) {
        __u32 saddr = ip->saddr;

        n = bpf_map_lookup_elem(&by_source, &saddr);
        if (n) {
            (*n)++;
        } else {
            bpf_map_update_elem(&by_source, &saddr, &one, BPF_NOEXIST);
        }
    } else {
        key = 1;
    }
    s = bpf_map_lookup_elem(&totals, &key);
    if (s) {
        s->packets++;
        s->bytes += ctx->data_end - ctx->data;
    }
    return XDP_PASS;
}

LICENSE;
