/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* maps: map helper semantics.  Byte 0 of the packet selects an operation,
 * bytes [1, 5) a key, byte 5 the update flags, [8, 16) a value; the
 * helper's return value (or whether a lookup found the key, and the value it
 * found) is written at [16, 32).  The hash map has room for 4 entries and
 * the array for 4 indexes, so full maps and indexes out of range are
 * reachable. */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 4);
} hash SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 4);
} array SEC(".maps");

SEC("xdp")
int
maps(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;
    __u64 *out = (__u64 *) (data + 16);
    __u32 key;
    __u64 value, flags, *v;
    void *map;

    if (data + 32 > data_end) {
        return XDP_ABORTED;
    }
    key = *(__u32 *) (data + 1);
    flags = data[5];
    value = *(__u64 *) (data + 8);
    map = data[0] & 1 ? (void *) &array : (void *) &hash;

    switch (data[0] >> 1 & 3) {
    case 0:
        v = bpf_map_lookup_elem(map, &key);
        out[0] = v != 0;
        out[1] = v ? *v : 0;
        break;
    case 1:
        out[0] = bpf_map_update_elem(map, &key, &value, flags);
        break;
    case 2:
        out[0] = bpf_map_delete_elem(map, &key);
        break;
    default:
        /* Lookup by a key read straight from the packet. */
        v = bpf_map_lookup_elem(map, data + 1);
        if (v) {
            *v += value;
            out[1] = *v;
        }
        out[0] = v != 0;
        break;
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
