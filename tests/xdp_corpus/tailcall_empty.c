/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Tail calls that fall through: byte 12 of the frame says how many times the
 * program first tail-calls an empty slot of its program array (each call
 * falls through), then it tail-calls the slot that holds the stage, which
 * returns XDP_TX; if that call falls through too, the program returns
 * XDP_PASS.  Whether calls to an empty slot count towards the limit of 33
 * chained tail calls shows in the return value of frames with 33 or more. */

#include "corpus.h"

int xdp_tail_stage(struct xdp_md *ctx);

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 2);
    __uint(key_size, sizeof(__u32));
    __array(values, int (void *));
} slots SEC(".maps") = {
    .values = { [0] = (void *) &xdp_tail_stage },
};

SEC("xdp")
int xdp_tail_empty(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    __u8 *data = (void *) (long) ctx->data;
    int n;

    if ((void *) (data + 14) > data_end) {
        return XDP_DROP;
    }
    n = data[12];
    for (int i = 0; i < 64 && i < n; i++) {
        bpf_tail_call(ctx, &slots, 1);
    }
    bpf_tail_call(ctx, &slots, 0);
    return XDP_PASS;
}

SEC("xdp")
int xdp_tail_stage(struct xdp_md *ctx)
{
    return XDP_TX;
}

char _license[] SEC("license") = "GPL";
