/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Length changes at the tail (bpf_xdp_adjust_tail), as sampling and
 * padding programs do: frames longer than SNAP_LEN are cut to SNAP_LEN
 * (a truncated copy for a collector), and runt frames shorter than 60 bytes
 * are padded with zeros to 60, as a NIC pads them. */

#include "corpus.h"

#define SNAP_LEN 128
#define MIN_LEN 60

SEC("xdp")
int xdp_trim_pad(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    __u64 len = data_end - data;

    if (len > SNAP_LEN) {
        if (bpf_xdp_adjust_tail(ctx, (int) SNAP_LEN - (int) len)) {
            return XDP_ABORTED;
        }
        return XDP_TX;
    }
    if (len < MIN_LEN) {
        int grow = MIN_LEN - (int) len;

        if (bpf_xdp_adjust_tail(ctx, grow)) {
            return XDP_ABORTED;
        }
        data_end = (void *) (long) ctx->data_end;
        data = (void *) (long) ctx->data;
        /* The new bytes are not guaranteed to be zero: clear them (at most
         * 46, as frames have at least 14 bytes). */
        __u8 *p = data + len;
#pragma unroll
        for (int i = 0; i < MIN_LEN - ETH_HLEN; i++) {
            if ((void *) (p + i + 1) > data_end) {
                break;
            }
            p[i] = 0;
        }
        return XDP_PASS;
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
