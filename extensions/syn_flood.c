/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* syn_flood: an anti-DDoS filter against TCP SYN floods.  Per IPv4 source
 * address it counts connection requests (SYN set, ACK clear) in a window of
 * SYN_WINDOW_NS that starts at the source's first SYN after the previous
 * window ended; the first SYN_LIMIT SYNs of a window pass, further ones
 * fail.  Every other packet passes.  When the map is full, new sources are
 * not limited. */

#include "xb_ext.h"

#define SYN_WINDOW_NS 1000000000ULL     /* 1 s. */
#define SYN_LIMIT 32                    /* SYNs per source and window. */
#define SYN_MAX_SOURCES 65536

struct syn_window {
    __u64 start_ns;             /* ktime of the window's first SYN. */
    __u64 syns;                 /* SYNs seen in the window. */
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __be32);
    __type(value, struct syn_window);
    __uint(max_entries, SYN_MAX_SOURCES);
} syn_sources SEC(".maps");

/* Counts a SYN in 'ctx' against its source.  Returns "fail" for a SYN past
 * its source's limit, else "pass". */
SEC("xdp")
int
syn_flood(struct xdp_md *ctx)
{
    struct iphdr *ip = ext_ipv4(ctx);
    struct syn_window *win;
    struct tcphdr *tcp;
    __be32 saddr;
    __u64 now;

    if (!ip || ip->protocol != IPPROTO_TCP) {
        return EXT_PASS;
    }
    tcp = ext_l4(ctx, ip, sizeof *tcp);
    if (!tcp
        || (ext_tcp_flags(tcp) & (EXT_TCP_SYN | EXT_TCP_ACK)) != EXT_TCP_SYN) {
        return EXT_PASS;
    }

    saddr = ip->saddr;
    now = bpf_ktime_get_ns();
    win = bpf_map_lookup_elem(&syn_sources, &saddr);
    if (!win) {
        struct syn_window first = {};

        first.start_ns = now;
        first.syns = 1;
        bpf_map_update_elem(&syn_sources, &saddr, &first, BPF_NOEXIST);
        return EXT_PASS;
    }
    if (now - win->start_ns >= SYN_WINDOW_NS) {
        win->start_ns = now;
        win->syns = 1;
        return EXT_PASS;
    }
    __sync_fetch_and_add(&win->syns, 1);
    return EXT_VERDICT(win->syns <= SYN_LIMIT);
}
