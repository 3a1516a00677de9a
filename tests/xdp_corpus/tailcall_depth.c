/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Tail-call limit: a program that tail-calls itself, counting the calls in
 * the packet (byte 14 onwards, a 32-bit counter), until the kernel's limit of
 * chained tail calls makes bpf_tail_call() fall through.  The counter left in
 * the packet is the limit, so a runtime with another limit shows up in the
 * packet bytes.  Frames shorter than 18 bytes are dropped. */

#include "corpus.h"

int xdp_tail_recurse(struct xdp_md *ctx);

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 1);
    __uint(key_size, sizeof(__u32));
    __array(values, int (void *));
} self_table SEC(".maps") = {
    .values = { [0] = (void *) &xdp_tail_recurse },
};

SEC("xdp")
int xdp_tail_recurse(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    __u32 *counter = data + sizeof(struct ethhdr);

    if ((void *) (counter + 1) > data_end) {
        return XDP_DROP;
    }
    (*counter)++;
    bpf_tail_call(ctx, &self_table, 0);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
