/* ---
 * verdict: accepted
 * reads: [[14, 26]]
 * writes: []
 * kernel: accepted
 * ---
 * The helpers of bpf-helpers.c in a BPF function called from a bounded
 * loop: each call sums a 4-byte word of the packet with bpf_csum_diff(),
 * prints the loop index with bpf_printk() (a format in .rodata), and reads
 * the boot time and the CPU number (not returned: they differ between the
 * kernel and OVS).  The low bits of the three words' checksum are returned.
 */
#include "xbtest.h"

static __attribute__((noinline)) __u32
word_sum(__u8 *p, void *end, __u32 seed, int i)
{
    if ((void *) (p + 4) > end) {
        return seed;
    }
    bpf_printk("word %d", i);
    bpf_ktime_get_boot_ns();
    bpf_get_smp_processor_id();
    return bpf_csum_diff(0, 0, (__be32 *) p, 4, seed);
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    __u32 sum = 0;

#pragma clang loop unroll(disable)
    for (int i = 0; i < 3; i++) {
        sum = word_sum(data + 14 + 4 * i, data_end, sum, i);
    }
    return sum & 3;
}

LICENSE;
