/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Stateful filter for tests/bpf-oko-fold.at: matches every packet and
 * records the last IPv4 destination it saw with map_update_elem (a side
 * effect): not foldable. */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u32);
    __uint(max_entries, 1);
} last SEC(".maps");

SEC("xdp")
int
stateful(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;
    __u32 key = 0;
    __u32 dst;

    if (data + 34 > data_end) {
        return 1;
    }
    __builtin_memcpy(&dst, data + 30, 4);
    bpf_map_update_elem(&last, &key, &dst, BPF_ANY);
    return 1;
}

char _license[] SEC("license") = "GPL";
