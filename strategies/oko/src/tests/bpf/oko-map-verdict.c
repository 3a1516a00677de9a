/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Filter for tests/bpf-oko.at whose result the test sets through a map:
 * returns 1 ("match") if entry 0 of the array map 'state' is 1, else 0, and
 * counts its runs in entry 1.  It does not read the packet. */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 2);
} state SEC(".maps");

SEC("xdp")
int
map_verdict(struct xdp_md *ctx)
{
    __u32 verdict_key = 0;
    __u32 runs_key = 1;
    __u64 *verdict = bpf_map_lookup_elem(&state, &verdict_key);
    __u64 *runs = bpf_map_lookup_elem(&state, &runs_key);

    (void) ctx;
    if (runs) {
        __sync_fetch_and_add(runs, 1);
    }
    return verdict && *verdict == 1;
}

char _license[] SEC("license") = "GPL";
