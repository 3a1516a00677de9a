/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* xdp_objects: an object with several programs, in the sections libbpf
 * knows ("xdp", "xdp/NAME", "xdp.frags" and the legacy "xdp_NAME"), that
 * exercise global data, per-CPU and LRU maps and the helpers beyond maps:
 * each is run by name.  Every program reads its operands from the packet,
 * which must hold at least 64 bytes (shorter packets: XDP_ABORTED). */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define NEED(N)                                 \
    if (data + (N) > data_end) {                \
        return XDP_ABORTED;                     \
    }

/* Global data: a table in .rodata, counters in .data and .bss. */
const volatile __u32 weights[8] = { 1, 2, 3, 5, 8, 13, 21, 34 };
const char banner[] = "xdp_objects";
__u64 total = 100;
__u32 last_byte = 7;
__u64 per_slot[8];

/* globals: byte 0 selects a slot; adds its weight to 'total' and to its
 * .bss counter, returns the banner's letter at byte 1 & 7. */
SEC("xdp")
int
globals(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;
    __u32 slot;

    NEED(64);
    slot = data[0] & 7;
    total += weights[slot];
    per_slot[slot] += data[2];
    last_byte = data[3];
    return banner[data[1] & 7];
}

/* legacy: the same table under a legacy section name. */
SEC("xdp_legacy")
int
legacy(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;

    NEED(64);
    return weights[data[0] & 7] + total;
}

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 4);
} pcpu_array SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 4);
} pcpu_hash SEC(".maps");

/* Twice as large as the 8 keys the packets use: no eviction, whose choice
 * of entry differs from the kernel's (see strategies/common/README.md). */
struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 16);
} lru SEC(".maps");

/* maps: byte 0 selects the map (0 per-CPU array, 1 per-CPU hash, 2 LRU)
 * and the operation (bits 2-3: lookup and add, update, delete), bytes
 * [4, 8) the key, byte 8 the flags, [16, 24) the value.  The result is
 * written at [24, 32). */
SEC("xdp/maps")
int
maps(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;
    __u64 *out, value, *v;
    __u32 key;
    void *map;

    NEED(64);
    out = (__u64 *) (data + 24);
    key = *(__u32 *) (data + 4) & 7;
    value = *(__u64 *) (data + 16);
    map = ((data[0] & 3) == 0 ? (void *) &pcpu_array
           : (data[0] & 3) == 1 ? (void *) &pcpu_hash : (void *) &lru);
    switch (data[0] >> 2 & 3) {
    case 0:
        v = bpf_map_lookup_elem(map, &key);
        if (v) {
            *v += value;
        }
        *out = v ? *v : (__u64) -1;
        break;
    case 1:
        *out = bpf_map_update_elem(map, &key, &value, data[8] & 7);
        break;
    default:
        *out = bpf_map_delete_elem(map, &key);
        break;
    }
    return XDP_PASS;
}

/* csum: bytes [0, 4) from_size, [4, 8) to_size (each up to 600), [8, 12)
 * the seed, byte 12 whether 'from' and 'to' are NULL (sizes then 0); from
 * = packet + 64, to = packet + 664.  Writes the result at [16, 24). */
SEC("xdp")
int
csum(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;
    __u32 from_size, to_size;
    void *from, *to;

    NEED(64 + 1200);
    from_size = *(__u32 *) data & 1023;
    to_size = *(__u32 *) (data + 4) & 1023;
    if (from_size > 600) {
        from_size = 600;
    }
    if (to_size > 600) {
        to_size = 600;
    }
    from = data + 64;
    to = data + 664;
    if (data[12] & 1) {
        from = 0;
        from_size = 0;
    }
    if (data[12] & 2) {
        to = 0;
        to_size = 0;
    }
    *(__s64 *) (data + 16) = bpf_csum_diff(from, from_size, to, to_size,
                                           *(__u32 *) (data + 8));
    return XDP_PASS;
}

/* adjust: byte 0 selects bpf_xdp_adjust_head (bit 0) and
 * bpf_xdp_adjust_tail (bit 1) with the deltas at [4, 8) and [8, 12);
 * writes the results into the packet where it ends up, with the bytes it
 * then starts with folded into the return value. */
SEC("xdp.frags")
int
adjust(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;
    int head, tail, op;
    long r1 = 0, r2 = 0;

    NEED(64);
    op = data[0];
    head = *(int *) (data + 4);
    tail = *(int *) (data + 8);
    if (op & 1) {
        r1 = bpf_xdp_adjust_head(ctx, head);
    }
    if (op & 2) {
        r2 = bpf_xdp_adjust_tail(ctx, tail);
    }
    data = (void *) (long) ctx->data;
    data_end = (void *) (long) ctx->data_end;
    if (data + 14 > data_end) {
        return 1000;
    }
    data[0] = r1;
    data[1] = r2;
    return data[2] + (data[13] << 8) + 2000;
}

/* printk: byte 0 selects a format; returns what bpf_trace_printk (or
 * bpf_trace_vprintk) returned: the length of the text, or an error. */
SEC("xdp")
int
printk(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;
    char word[8] = "word";
    long a;

    NEED(64);
    a = *(long *) (data + 8);
    switch (data[0] & 7) {
    case 0:
        return bpf_printk("plain");
    case 1:
        return bpf_printk("%d %u %x", (int) a, (unsigned int) a,
                          (unsigned int) a);
    case 2:
        return bpf_printk("%lld|%llx|%5d|%-6u|", a, a, (int) a);
    case 3:
        return bpf_printk("%s %c %% %pI4", word, data[1], data + 8);
    case 4:
        return bpf_printk("%d %d %d %d", 1, (int) a, 3, data[2]);
    case 5:
        return bpf_printk("bad %q", a);
    default:
        return bpf_printk("%s", banner);
    }
}

char _license[] SEC("license") = "GPL";
