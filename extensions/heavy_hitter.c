/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* heavy_hitter: a count-min sketch of packets per 5-tuple (HH_ROWS rows of
 * HH_COLS counters in one array map, one hash function per row).  A flow
 * whose estimate reaches HH_THRESHOLD packets is recorded in the hash map
 * 'heavy' with the time it crossed the threshold and its latest estimate,
 * for the control plane to read.  It passes every packet; non-IPv4 packets
 * are not counted. */

#include "xb_ext.h"

#define HH_ROWS 4                   /* hh_count() calls in the program. */
#define HH_COLS 2048                /* A power of 2. */
#define HH_THRESHOLD 1024           /* Packets. */
#define HH_MAX_HEAVY 4096

struct heavy_info {
    __u64 detected_ns;          /* ktime when the estimate reached the
                                 * threshold. */
    __u64 estimate;             /* Latest estimate, in packets. */
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u32);
    __uint(max_entries, HH_ROWS * HH_COLS);
} sketch SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, struct ext_flow_key);
    __type(value, struct heavy_info);
    __uint(max_entries, HH_MAX_HEAVY);
} heavy SEC(".maps");

/* Adds 1 to the counter of flow 'key' in sketch row 'row' and returns the
 * smaller of 'estimate' and that counter's new value ('estimate' unchanged if
 * the counter cannot be found). */
static __always_inline __u32
hh_count(const struct ext_flow_key *key, __u32 row, __u32 estimate)
{
    __u32 idx = row * HH_COLS
                + (ext_flow_hash(key, 0x9e3779b9 * (row + 1)) & (HH_COLS - 1));
    __u32 *counter = bpf_map_lookup_elem(&sketch, &idx);

    if (!counter) {
        return estimate;
    }
    __sync_fetch_and_add(counter, 1);
    return *counter < estimate ? *counter : estimate;
}

/* Counts the packet in 'ctx' in the sketch and records its flow if it is a
 * heavy hitter.  Returns "pass". */
SEC("xdp")
int
heavy_hitter(struct xdp_md *ctx)
{
    struct iphdr *ip = ext_ipv4(ctx);
    struct ext_flow_key key = {};
    struct heavy_info *info;
    __u32 estimate = 0xffffffff;

    if (!ip) {
        return EXT_PASS;
    }
    ext_fill_flow_key(ctx, ip, &key);

    /* One call per row: the OVS runtime takes no loops. */
    estimate = hh_count(&key, 0, estimate);
    estimate = hh_count(&key, 1, estimate);
    estimate = hh_count(&key, 2, estimate);
    estimate = hh_count(&key, 3, estimate);
    if (estimate < HH_THRESHOLD) {
        return EXT_PASS;
    }

    info = bpf_map_lookup_elem(&heavy, &key);
    if (info) {
        info->estimate = estimate;
    } else {
        struct heavy_info first = {};

        first.detected_ns = bpf_ktime_get_ns();
        first.estimate = estimate;
        bpf_map_update_elem(&heavy, &key, &first, BPF_NOEXIST);
    }
    return EXT_PASS;
}
