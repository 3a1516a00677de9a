/* ---
 * verdict: accepted
 * reads: []
 * writes: []
 * kernel: accepted
 * ---
 * Keeps the last time (CLOCK_BOOTTIME) each CPU saw a packet in an array
 * indexed by bpf_get_smp_processor_id(), bounded by a comparison.
 */
#include "xbtest.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 64);
} last_seen SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u32 cpu = bpf_get_smp_processor_id();
    __u64 *t;

    if (cpu >= 64) {
        return XDP_PASS;
    }
    t = bpf_map_lookup_elem(&last_seen, &cpu);
    if (t) {
        *t = bpf_ktime_get_boot_ns();
    }
    return XDP_PASS;
}

LICENSE;
