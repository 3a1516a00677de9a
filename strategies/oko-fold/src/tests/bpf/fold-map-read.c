/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Filter for tests/bpf-oko-fold.at whose result comes from a map that it
 * only reads (bpf/map-update sets it): not foldable, since the map may
 * change under a cached decision.  Matches if entry 0 is nonzero. */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u32);
    __uint(max_entries, 1);
} verdict SEC(".maps");

SEC("xdp")
int
map_read(struct xdp_md *ctx)
{
    __u32 key = 0;
    __u32 *v = bpf_map_lookup_elem(&verdict, &key);

    (void) ctx;
    return v && *v;
}

char _license[] SEC("license") = "GPL";
