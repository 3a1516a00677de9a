/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* stateful_fw: a stateful firewall for the inside network FW_INSIDE_NET/
 * FW_INSIDE_PREFIX (10.0.0.1/32: host h1 of the topologies).
 *
 * A packet "leaving" has an inside source and an outside destination: it
 * passes, and TCP, UDP and ICMP echo requests record their connection (with
 * the time last seen).  A packet "entering" has an outside source and an
 * inside destination: TCP and UDP pass only if they are replies to a
 * connection seen leaving in the last FW_TIMEOUT_NS (the reversed 5-tuple is
 * in the table), ICMP only if it is an echo reply to a recorded echo request
 * (same identifier); everything else entering fails, later fragments
 * included.  Packets between two inside or two outside hosts, and non-IPv4
 * packets (ARP), pass. */

#include "xb_ext.h"

#define FW_INSIDE_NET 0x0a000001        /* 10.0.0.1 */
#define FW_INSIDE_PREFIX 32
#define FW_INSIDE_MASK ((__u32) (0xffffffffULL << (32 - FW_INSIDE_PREFIX)))
#define FW_TIMEOUT_NS 60000000000ULL    /* 60 s. */
#define FW_MAX_CONNS 131072

#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8

/* Connections are keyed from the inside's point of view: 'saddr' and
 * 'sport' are the inside end.  For ICMP echo, 'sport' is the identifier and
 * 'dport' is zero. */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, struct ext_flow_key);
    __type(value, __u64);           /* ktime the connection was last seen
                                     * leaving. */
    __uint(max_entries, FW_MAX_CONNS);
} conns SEC(".maps");

/* Returns true if 'addr' (network byte order) is inside. */
static __always_inline bool
fw_inside(__be32 addr)
{
    return (bpf_ntohl(addr) & FW_INSIDE_MASK) == FW_INSIDE_NET;
}

/* Fills in 'key' (zeroed by the caller) with the connection of the IPv4
 * packet 'ip' in 'ctx', seen from the inside ('leaving' tells the
 * direction), and returns true; returns false if the packet is not TCP, UDP
 * or an ICMP echo request (leaving) or echo reply (entering), or if its L4
 * header is missing. */
static __always_inline bool
fw_conn_key(const struct xdp_md *ctx, const struct iphdr *ip, bool leaving,
            struct ext_flow_key *key)
{
    key->proto = ip->protocol;
    key->saddr = leaving ? ip->saddr : ip->daddr;
    key->daddr = leaving ? ip->daddr : ip->saddr;
    if (key->proto == IPPROTO_TCP || key->proto == IPPROTO_UDP) {
        __be16 *ports = ext_l4(ctx, ip, 4);

        if (!ports) {
            return false;
        }
        key->sport = leaving ? ports[0] : ports[1];
        key->dport = leaving ? ports[1] : ports[0];
        return true;
    }
    if (key->proto == IPPROTO_ICMP) {
        /* Type, code, checksum, identifier. */
        __u8 *icmp = ext_l4(ctx, ip, 6);

        if (!icmp || icmp[0] != (leaving ? ICMP_ECHO : ICMP_ECHOREPLY)) {
            return false;
        }
        key->sport = *(__be16 *) (icmp + 4);
        return true;
    }
    return false;
}

/* Records connections leaving and admits replies entering.  Returns "fail"
 * for a packet entering that is not a reply, else "pass". */
SEC("xdp")
int
stateful_fw(struct xdp_md *ctx)
{
    struct iphdr *ip = ext_ipv4(ctx);
    struct ext_flow_key key = {};
    bool src_in, dst_in;
    __u64 *last_seen;
    __u64 now;

    if (!ip) {
        return EXT_PASS;
    }
    src_in = fw_inside(ip->saddr);
    dst_in = fw_inside(ip->daddr);
    if (src_in == dst_in) {
        return EXT_PASS;
    }

    if (src_in) {
        /* Leaving. */
        if (fw_conn_key(ctx, ip, true, &key)) {
            now = bpf_ktime_get_ns();
            last_seen = bpf_map_lookup_elem(&conns, &key);
            if (last_seen) {
                *last_seen = now;
            } else {
                bpf_map_update_elem(&conns, &key, &now, BPF_NOEXIST);
            }
        }
        return EXT_PASS;
    }

    /* Entering. */
    if (!fw_conn_key(ctx, ip, false, &key)) {
        return EXT_FAIL;
    }
    last_seen = bpf_map_lookup_elem(&conns, &key);
    if (!last_seen) {
        return EXT_FAIL;
    }
    return EXT_VERDICT(bpf_ktime_get_ns() - *last_seen < FW_TIMEOUT_NS);
}
