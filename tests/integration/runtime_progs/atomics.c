/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* atomics: BPF atomic instructions on a map value and on the stack.  Reads
 * operands a and b from packet bytes [0, 16), applies every atomic operation,
 * 64- and 32-bit, and writes the fetched old values and the final memory
 * contents at [16, 16 + 8 * N). */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define N_RESULTS 24

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 2);
} cells SEC(".maps");

SEC("xdp")
int
atomics(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;
    __u64 *out = (__u64 *) (data + 16);
    __u32 k0 = 0, k1 = 1;
    __u64 a, b, *m;
    __u32 *m32;
    volatile __u64 s;
    int i = 0;

    if (data + 16 + 8 * N_RESULTS > data_end) {
        return XDP_ABORTED;
    }
    a = *(__u64 *) data;
    b = *(__u64 *) (data + 8);
    m = bpf_map_lookup_elem(&cells, &k0);
    m32 = bpf_map_lookup_elem(&cells, &k1);
    if (!m || !m32) {
        return XDP_DROP;
    }

    /* The map value accumulates across runs; the stack does not. */
    __sync_fetch_and_add(m, a);
    out[i++] = *m;
    out[i++] = __sync_fetch_and_add(m, b);
    out[i++] = __sync_fetch_and_or(m, a);
    out[i++] = __sync_fetch_and_and(m, b | 0xff00ff);
    out[i++] = __sync_fetch_and_xor(m, a);
    out[i++] = __sync_lock_test_and_set(m, b);
    out[i++] = __sync_val_compare_and_swap(m, b, a);
    out[i++] = __sync_val_compare_and_swap(m, b, 7);
    out[i++] = *m;

    out[i++] = __sync_fetch_and_add(m32, (__u32) a);
    out[i++] = __sync_fetch_and_or(m32, (__u32) b);
    out[i++] = __sync_fetch_and_and(m32, (__u32) a);
    out[i++] = __sync_fetch_and_xor(m32, (__u32) b);
    out[i++] = __sync_lock_test_and_set(m32, (__u32) a);
    out[i++] = __sync_val_compare_and_swap(m32, (__u32) a, (__u32) b);
    out[i++] = *m32;

    s = a;
    out[i++] = __sync_fetch_and_add(&s, b);
    out[i++] = __sync_val_compare_and_swap(&s, a + b, 3);
    out[i++] = s;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
