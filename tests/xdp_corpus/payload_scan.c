/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Payload inspection with a bounded loop (as signature filters do): the
 * first 64 bytes of a UDP payload are searched for the bytes "xb!" and
 * folded into a small checksum.  A match drops the packet and is counted;
 * otherwise the sum of the scanned bytes is counted per destination port.
 * The loop checks data_end on each iteration. */

#include "corpus.h"

#define SCAN_MAX 64

struct scan_stats {
    __u64 matches;
    __u64 scanned_bytes;
    __u64 byte_sum;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u16);
    __type(value, struct scan_stats);
    __uint(max_entries, 256);
} scan_stats SEC(".maps");

SEC("xdp")
int xdp_payload_scan(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    struct cursor c = { .pos = (void *) (long) ctx->data };
    struct scan_stats *st, zero = {};
    struct ethhdr *eth;
    struct iphdr *iph;
    struct udphdr *uh;
    __u32 sum = 0, n = 0;
    int tags, i, found = 0;
    __u16 vid, port;

    if (parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags)
        != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    if (parse_iphdr(&c, data_end, &iph) != IPPROTO_UDP
        || parse_udphdr(&c, data_end, &uh) < 0) {
        return XDP_PASS;
    }
    port = bpf_ntohs(uh->dest);
    __u8 *p = c.pos;

    __u8 prev1 = 0, prev2 = 0;

#pragma clang loop unroll(disable)
    for (i = 0; i < SCAN_MAX; i++) {
        __u8 b;

        if ((void *) (p + i + 1) > data_end) {
            break;
        }
        b = p[i];
        sum += b;
        n++;
        if (b == '!' && prev1 == 'b' && prev2 == 'x') {
            found = 1;
            break;
        }
        prev2 = prev1;
        prev1 = b;
    }

    st = bpf_map_lookup_elem(&scan_stats, &port);
    if (!st) {
        bpf_map_update_elem(&scan_stats, &port, &zero, BPF_NOEXIST);
        st = bpf_map_lookup_elem(&scan_stats, &port);
        if (!st) {
            return XDP_ABORTED;
        }
    }
    st->scanned_bytes += n;
    st->byte_sum += sum;
    if (found) {
        st->matches++;
        return XDP_DROP;
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
