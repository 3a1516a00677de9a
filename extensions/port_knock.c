/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* port_knock: guards TCP port KNOCK_PROTECTED (22) with port knocking.  A
 * source opens it by sending UDP packets to ports KNOCK_1, KNOCK_2, KNOCK_3
 * (7001, 7002, 7003) in that order: a knock on the next port of the
 * sequence advances the source, KNOCK_1 restarts it, any other knock port
 * resets it.  A TCP packet to the protected port passes only from a source
 * that completed the sequence less than KNOCK_OPEN_NS ago.  Every other
 * packet passes, the knocks included (they go on to closed ports). */

#include "xb_ext.h"

#define KNOCK_1 7001
#define KNOCK_2 7002
#define KNOCK_3 7003
#define KNOCK_PROTECTED 22
#define KNOCK_OPEN_NS 30000000000ULL    /* 30 s. */
#define KNOCK_MAX_SOURCES 65536

struct knock_state {
    __u64 stage;                /* Knocks of the sequence done: 0..3. */
    __u64 updated_ns;           /* ktime of the last knock. */
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __be32);
    __type(value, struct knock_state);
    __uint(max_entries, KNOCK_MAX_SOURCES);
} knockers SEC(".maps");

/* Returns the stage that a knock on 'port' (host byte order) moves a source
 * at 'stage' to. */
static __always_inline __u64
knock_next(__u64 stage, __u16 port)
{
    if ((stage == 0 && port == KNOCK_1) || (stage == 1 && port == KNOCK_2)
        || (stage == 2 && port == KNOCK_3)) {
        return stage + 1;
    }
    return port == KNOCK_1 ? 1 : 0;
}

/* Advances knock sequences and guards the protected port.  Returns "fail"
 * for a TCP packet to the protected port from a source that has not opened
 * it, else "pass". */
SEC("xdp")
int
port_knock(struct xdp_md *ctx)
{
    struct iphdr *ip = ext_ipv4(ctx);
    struct knock_state *state;
    __be32 saddr;
    __be16 *ports;
    __u16 dport;

    if (!ip || (ip->protocol != IPPROTO_UDP && ip->protocol != IPPROTO_TCP)) {
        return EXT_PASS;
    }
    ports = ext_l4(ctx, ip, 4);
    if (!ports) {
        return EXT_PASS;
    }
    dport = bpf_ntohs(ports[1]);
    saddr = ip->saddr;

    if (ip->protocol == IPPROTO_TCP) {
        if (dport != KNOCK_PROTECTED) {
            return EXT_PASS;
        }
        state = bpf_map_lookup_elem(&knockers, &saddr);
        return EXT_VERDICT(state && state->stage == 3
                           && bpf_ktime_get_ns() - state->updated_ns
                              < KNOCK_OPEN_NS);
    }

    if (dport != KNOCK_1 && dport != KNOCK_2 && dport != KNOCK_3) {
        return EXT_PASS;
    }
    state = bpf_map_lookup_elem(&knockers, &saddr);
    if (state) {
        state->stage = knock_next(state->stage, dport);
        state->updated_ns = bpf_ktime_get_ns();
    } else {
        struct knock_state first = {};

        first.stage = knock_next(0, dport);
        first.updated_ns = bpf_ktime_get_ns();
        bpf_map_update_elem(&knockers, &saddr, &first, BPF_NOEXIST);
    }
    return EXT_PASS;
}
