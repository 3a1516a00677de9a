/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* Connection-table style: an LRU hash of 5-tuples (IPv4 and IPv6, TCP and
 * UDP) with a small TCP state machine.  A TCP SYN opens an entry, a SYN-ACK
 * in the reverse direction establishes it, FIN marks it closing and RST
 * deletes it; TCP segments of unknown connections are dropped.  UDP flows
 * are created on first sight.  Entries record their last packet's time
 * (bpf_ktime_get_boot_ns) and packet counts. */

#include "corpus.h"

enum { CT_NEW = 1, CT_ESTABLISHED, CT_CLOSING };

struct ct_key {
    __u32 saddr[4];
    __u32 daddr[4];
    __u16 sport;
    __u16 dport;
    __u8 proto;
    __u8 family;
    __u8 pad[2];
};

struct ct_entry {
    __u64 last_seen_ns;
    __u64 packets;
    __u32 state;
    __u32 flags_seen;
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __type(key, struct ct_key);
    __type(value, struct ct_entry);
    __uint(max_entries, 4096);
} conntrack SEC(".maps");

static __always_inline void
reverse(const struct ct_key *k, struct ct_key *r)
{
    __builtin_memcpy(r->saddr, k->daddr, sizeof r->saddr);
    __builtin_memcpy(r->daddr, k->saddr, sizeof r->daddr);
    r->sport = k->dport;
    r->dport = k->sport;
    r->proto = k->proto;
    r->family = k->family;
}

SEC("xdp")
int xdp_lru_conntrack(struct xdp_md *ctx)
{
    void *data_end = (void *) (long) ctx->data_end;
    struct cursor c = { .pos = (void *) (long) ctx->data };
    struct ct_key key = {}, rkey = {};
    struct ethhdr *eth;
    struct ipv6hdr *ip6h;
    struct iphdr *iph;
    __u16 vid;
    int tags, proto;

    proto = parse_ethhdr_vlan(&c, data_end, &eth, &vid, &tags);
    if (proto == bpf_htons(ETH_P_IP)) {
        proto = parse_iphdr(&c, data_end, &iph);
        if (proto < 0) {
            return XDP_DROP;
        }
        if (iph->frag_off & bpf_htons(0x1fff)) {
            return XDP_PASS;    /* No ports in later fragments. */
        }
        key.family = 4;
        key.saddr[0] = iph->saddr;
        key.daddr[0] = iph->daddr;
    } else if (proto == bpf_htons(ETH_P_IPV6)) {
        proto = parse_ip6hdr(&c, data_end, &ip6h);
        if (proto < 0) {
            return XDP_DROP;
        }
        key.family = 6;
        __builtin_memcpy(key.saddr, &ip6h->saddr, 16);
        __builtin_memcpy(key.daddr, &ip6h->daddr, 16);
    } else {
        return XDP_PASS;
    }
    key.proto = proto;

    __u64 now = bpf_ktime_get_boot_ns();
    struct ct_entry *e, *r;

    if (proto == IPPROTO_UDP) {
        struct udphdr *uh;

        if (parse_udphdr(&c, data_end, &uh) < 0) {
            return XDP_DROP;
        }
        key.sport = uh->source;
        key.dport = uh->dest;
        e = bpf_map_lookup_elem(&conntrack, &key);
        if (e) {
            e->last_seen_ns = now;
            e->packets++;
        } else {
            struct ct_entry n = { .last_seen_ns = now, .packets = 1,
                                  .state = CT_ESTABLISHED };

            bpf_map_update_elem(&conntrack, &key, &n, BPF_ANY);
        }
        return XDP_PASS;
    }
    if (proto != IPPROTO_TCP) {
        return XDP_PASS;
    }

    struct tcphdr *th;
    if (parse_tcphdr(&c, data_end, &th) < 0) {
        return XDP_DROP;
    }
    key.sport = th->source;
    key.dport = th->dest;
    e = bpf_map_lookup_elem(&conntrack, &key);
    if (th->rst) {
        if (e) {
            bpf_map_delete_elem(&conntrack, &key);
        }
        reverse(&key, &rkey);
        bpf_map_delete_elem(&conntrack, &rkey);
        return XDP_PASS;
    }
    if (th->syn && !th->ack) {
        struct ct_entry n = { .last_seen_ns = now, .packets = 1,
                              .state = CT_NEW, .flags_seen = 0x02 };

        bpf_map_update_elem(&conntrack, &key, &n, BPF_ANY);
        return XDP_PASS;
    }
    if (!e) {
        reverse(&key, &rkey);
        r = bpf_map_lookup_elem(&conntrack, &rkey);
        if (!r || !(th->syn && th->ack) || r->state != CT_NEW) {
            return XDP_DROP;
        }
        /* SYN-ACK of a connection we saw open: both directions exist. */
        r->state = CT_ESTABLISHED;
        struct ct_entry n = { .last_seen_ns = now, .packets = 1,
                              .state = CT_ESTABLISHED, .flags_seen = 0x12 };

        bpf_map_update_elem(&conntrack, &key, &n, BPF_NOEXIST);
        return XDP_PASS;
    }
    e->last_seen_ns = now;
    e->packets++;
    e->flags_seen |= ((__u8 *) th)[13];
    if (th->fin) {
        e->state = CT_CLOSING;
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
