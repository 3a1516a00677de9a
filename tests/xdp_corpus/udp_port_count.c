/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Parser returning offsets as int (as helpers in many XDP programs do:
 * -1 for "does not fit", else a length): the IPv4 header length comes back
 * as an int, is checked with "< 0 || > 60", and is added to a packet
 * pointer, which clang compiles as a sign extension of a 32-bit value whose
 * signed bounds the checks gave.  UDP destination ports are counted in a
 * hash map. */

#include "corpus.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u16);
    __type(value, __u64);
    __uint(max_entries, 256);
} dport_count SEC(".maps");

/* Returns the length of the IPv4 header at 'iph', or -1 if it does not fit
 * before 'data_end' or is shorter than 20 bytes. */
static __always_inline int
ipv4_hdr_len(struct iphdr *iph, void *data_end)
{
    int len;

    if ((void *) (iph + 1) > data_end) {
        return -1;
    }
    len = iph->ihl * 4;
    if (len < (int) sizeof *iph || (void *) iph + len > data_end) {
        return -1;
    }
    return len;
}

SEC("xdp")
int xdp_udp_port_count(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    struct ethhdr *eth = data;
    struct iphdr *iph = data + sizeof *eth;
    struct udphdr *uh;
    __u64 one = 1, *n;
    __u16 port;
    int off;

    if ((void *) (eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    off = ipv4_hdr_len(iph, data_end);
    if (off < 0 || off > 60) {
        return XDP_DROP;
    }
    if (iph->protocol != IPPROTO_UDP) {
        return XDP_PASS;
    }
    uh = (void *) iph + off;
    if ((void *) (uh + 1) > data_end) {
        return XDP_DROP;
    }
    port = bpf_ntohs(uh->dest);
    n = bpf_map_lookup_elem(&dport_count, &port);
    if (n) {
        __sync_fetch_and_add(n, 1);
    } else {
        bpf_map_update_elem(&dport_count, &port, &one, BPF_NOEXIST);
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
