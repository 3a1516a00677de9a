/* ---
 * verdict: accepted
 * reads: [[0, null]]
 * writes: [[0, null]]
 * kernel: accepted
 * ---
 * Pops up to four VLAN tags in a bounded loop, each by a call of a BPF
 * function that moves the MAC addresses 4 bytes up and the packet's start
 * after them with bpf_xdp_adjust_head(); each iteration loads and checks
 * its pointers again.  The verdict is every byte.
 */
#include "xbtest.h"

static __attribute__((noinline)) int
pop_tag(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    __u8 *p = data;

    if ((void *) (p + 16) > data_end) {
        return -1;
    }
    __builtin_memmove(p + 4, p, 12);
    return bpf_xdp_adjust_head(ctx, 4);
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
#pragma clang loop unroll(disable)
    for (int i = 0; i < 4; i++) {
        void *data = (void *) (long) ctx->data;
        void *data_end = (void *) (long) ctx->data_end;
        struct ethhdr *eth = data;

        if ((void *) (eth + 1) > data_end
            || eth->h_proto != bpf_htons(ETH_P_8021Q)) {
            break;
        }
        if (pop_tag(ctx)) {
            return XDP_DROP;
        }
    }
    return XDP_PASS;
}

LICENSE;
