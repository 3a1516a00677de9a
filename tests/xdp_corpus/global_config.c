/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Global-data style (as programs built with libbpf skeletons): the policy
 * in .rodata (const volatile knobs that a loader may set before loading,
 * and a constant port table), counters in .bss (zero-initialised globals),
 * and state in .data (an initialised global that the program changes: every
 * 'sample_every'-th UDP packet is marked by setting its IPv4 TOS, with the
 * checksum updated). */

#include "corpus.h"

const volatile __u8 drop_icmp = 1;
const volatile __u8 sample_tos = 0x20;
static const __u16 blocked_ports[4] = { 23, 135, 445, 3389 };

__u64 rx_total;
__u64 rx_dropped;
__u32 sample_every = 3;
__u32 sample_countdown = 3;

SEC("xdp")
int xdp_global_config(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    struct cursor c = { .pos = (void *) (long) ctx->data };
    struct ethhdr *eth;
    struct iphdr *iph;
    struct tcphdr *th;
    struct udphdr *uh;
    __u16 vid;
    int tags, i;

    __sync_fetch_and_add(&rx_total, 1);
    if (parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags)
        != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    int proto = parse_iphdr(&c, data_end, &iph);
    if (proto < 0) {
        goto drop;
    }
    if (proto == IPPROTO_ICMP && drop_icmp) {
        goto drop;
    }
    if (proto == IPPROTO_TCP) {
        if (parse_tcphdr(&c, data_end, &th) < 0) {
            goto drop;
        }
#pragma unroll
        for (i = 0; i < 4; i++) {
            if (th->dest == bpf_htons(blocked_ports[i])) {
                goto drop;
            }
        }
        return XDP_PASS;
    }
    if (proto == IPPROTO_UDP && parse_udphdr(&c, data_end, &uh) >= 0) {
        if (--sample_countdown == 0) {
            __u16 old = *(__u16 *) iph;

            sample_countdown = sample_every;
            iph->tos = sample_tos;
            iph->check = csum_replace2(iph->check, old, *(__u16 *) iph);
        }
    }
    return XDP_PASS;

drop:
    __sync_fetch_and_add(&rx_dropped, 1);
    return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
