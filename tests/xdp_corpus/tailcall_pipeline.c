/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Tail-call pipeline style: an entry program parses Ethernet and VLAN tags,
 * leaves the L3 offset in a per-CPU scratch map and tail-calls the program
 * for the network protocol through a program array that the object
 * initialises itself (libbpf fills it at load time).  Each stage counts what
 * it handled; a protocol without a stage falls through to XDP_PASS. */

#include "corpus.h"

enum { STAGE_IPV4, STAGE_IPV6, STAGE_MAX };

struct scratch {
    __u32 l3_off;
    __u32 vid;
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, __u32);
    __type(value, struct scratch);
    __uint(max_entries, 1);
} parse_scratch SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 64);
} stage_count SEC(".maps");

static __always_inline void
bump(__u32 what)
{
    __u64 one = 1, *v = bpf_map_lookup_elem(&stage_count, &what);

    if (v) {
        __sync_fetch_and_add(v, 1);
    } else {
        bpf_map_update_elem(&stage_count, &what, &one, BPF_NOEXIST);
    }
}

int xdp_stage_ipv4(struct xdp_md *ctx);
int xdp_stage_ipv6(struct xdp_md *ctx);

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, STAGE_MAX);
    __uint(key_size, sizeof(__u32));
    __array(values, int (void *));
} stages SEC(".maps") = {
    .values = {
        [STAGE_IPV4] = (void *) &xdp_stage_ipv4,
        [STAGE_IPV6] = (void *) &xdp_stage_ipv6,
    },
};

static __always_inline struct scratch *
get_scratch(void)
{
    __u32 zero = 0;

    return bpf_map_lookup_elem(&parse_scratch, &zero);
}

SEC("xdp")
int xdp_pipeline_entry(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    struct cursor c = { .pos = data };
    struct scratch *s = get_scratch();
    struct ethhdr *eth;
    __u16 vid;
    int tags;
    int proto = parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags);

    if (!s) {
        return XDP_ABORTED;
    }
    if (proto < 0) {
        bump(0xffff);
        return XDP_DROP;
    }
    s->l3_off = c.pos - data;
    s->vid = vid;
    if (proto == bpf_htons(ETH_P_IP)) {
        bpf_tail_call(ctx, &stages, STAGE_IPV4);
    } else if (proto == bpf_htons(ETH_P_IPV6)) {
        bpf_tail_call(ctx, &stages, STAGE_IPV6);
    }
    bump(bpf_ntohs(proto));
    return XDP_PASS;
}

SEC("xdp")
int xdp_stage_ipv4(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    struct scratch *s = get_scratch();
    struct iphdr *iph;

    if (!s || s->l3_off < 14 || s->l3_off > 22) {
        return XDP_ABORTED;
    }
    iph = data + s->l3_off;
    if ((void *) (iph + 1) > data_end) {
        bump(0x10000 | 0xffff);
        return XDP_DROP;
    }
    bump(0x10000 | iph->protocol);
    return iph->ttl ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int xdp_stage_ipv6(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    void *data = (void *) (long) ctx->data;
    struct scratch *s = get_scratch();
    struct ipv6hdr *ip6h;

    if (!s || s->l3_off < 14 || s->l3_off > 22) {
        return XDP_ABORTED;
    }
    ip6h = data + s->l3_off;
    if ((void *) (ip6h + 1) > data_end) {
        bump(0x20000 | 0xffff);
        return XDP_DROP;
    }
    bump(0x20000 | ip6h->nexthdr);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
