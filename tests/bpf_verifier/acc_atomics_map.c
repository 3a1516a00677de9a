/* ---
 * verdict: accepted
 * reads: []
 * writes: []
 * kernel: accepted
 * ---
 * Every atomic operation clang -mcpu=v3 emits, 32 and 64 bits, on a map
 * value: fetch_add, fetch_or, fetch_and, fetch_xor (with and without
 * FETCH), xchg and cmpxchg.
 */
#include "xbtest.h"

struct value {
    __u64 a;
    __u32 b;
    __u32 c;
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, struct value);
    __uint(max_entries, 1);
} vals SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u32 key = 0;
    struct value *v = bpf_map_lookup_elem(&vals, &key);
    __u64 r;

    if (!v) {
        return XDP_PASS;
    }
    r = __sync_fetch_and_add(&v->a, 1);
    r += __sync_fetch_and_or(&v->b, 2);
    r += __sync_fetch_and_and(&v->c, 3);
    r += __sync_fetch_and_xor(&v->a, 4);
    r += __sync_lock_test_and_set(&v->b, 5);
    r += __sync_lock_test_and_set(&v->a, 5);
    r += __sync_val_compare_and_swap(&v->a, 6, r);
    r += __sync_val_compare_and_swap(&v->c, 7, 8);
    __sync_fetch_and_add(&v->c, 1);
    __sync_fetch_and_or(&v->a, 1);
    __sync_fetch_and_and(&v->b, 1);
    __sync_fetch_and_xor(&v->c, 1);
    return r & 3;
}

LICENSE;
