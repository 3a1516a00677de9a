/*
 * Copyright (c) 2026 The extbench authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

#include <config.h>

#include "filter-fold.h"

#include <errno.h>
#include <string.h>

#include "bpf.h"
#include "dp-packet.h"
#include "bpf-insn.h"
#include "coverage.h"
#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "util.h"

/* Cache hits whose packet failed a folded flow's guard, and whose chain's
 * remaining filters gave another result. */
COVERAGE_DEFINE(filter_fold_guard_miss);
COVERAGE_DEFINE(filter_fold_mismatch);

/* Where packet bytes are in struct flow, for one header. */
struct fold_bytes {
    uint16_t start, end;        /* Bytes [start, end) of the header. */
    int16_t flow_ofs;           /* Offset in struct flow of the flow byte
                                 * that holds 'start', or one of: */
#define FOLD_BY_GUARD -1        /* Fixed for every packet that passes the
                                 * guard (IPv4 version and header length). */
#define FOLD_IPV6_TC_LABEL -2   /* IPv6 version, traffic class, flow label:
                                 * nw_tos and ipv6_label. */
};

#define FB(START, END, FIELD) { START, END, offsetof(struct flow, FIELD) }
#define FB_LOW(START, FIELD) { START, START + 1, offsetof(struct flow, FIELD) + 1 }

static const struct fold_bytes eth_bytes[] = {
    FB(0, 6, dl_dst), FB(6, 12, dl_src), FB(12, 14, dl_type),
};
static const struct fold_bytes ipv4_bytes[] = {
    { 0, 1, FOLD_BY_GUARD }, FB(1, 2, nw_tos), FB(8, 9, nw_ttl),
    FB(9, 10, nw_proto), FB(12, 16, nw_src), FB(16, 20, nw_dst),
};
static const struct fold_bytes ipv6_bytes[] = {
    { 0, 4, FOLD_IPV6_TC_LABEL }, FB(6, 7, nw_proto), FB(7, 8, nw_ttl),
    FB(8, 24, ipv6_src), FB(24, 40, ipv6_dst),
};
/* No ARP table: flow extraction leaves the ARP fields 0 unless the hardware
 * and protocol types and lengths are Ethernet's and IPv4's, and no flow field
 * holds those bytes, so ARP packets fold Ethernet bytes only. */
static const struct fold_bytes tcp_bytes[] = {
    FB(0, 2, tp_src), FB(2, 4, tp_dst), FB_LOW(13, tcp_flags),
};
static const struct fold_bytes ports_bytes[] = {    /* UDP, SCTP. */
    FB(0, 2, tp_src), FB(2, 4, tp_dst),
};
static const struct fold_bytes icmp_bytes[] = {     /* ICMP, ICMPv6. */
    FB_LOW(0, tp_src), FB_LOW(1, tp_dst),
};
static const struct fold_bytes igmp_bytes[] = {
    FB_LOW(0, tp_src), FB_LOW(1, tp_dst), FB(4, 8, igmp_group_ip4),
};

/* The headers of one layout: each table at its offset in the packet. */
struct fold_layout {
    size_t n;
    uint32_t l4_base;           /* Offset of the L4 header, if any. */
    uint8_t l4_hdr;             /* Its enum filter_fold_l4hdr. */
    struct {
        uint32_t base;
        const struct fold_bytes *bytes;
        size_t n;
    } hdrs[3];
};

static void
fold_layout_add(struct fold_layout *fl, uint32_t base,
                const struct fold_bytes *bytes, size_t n)
{
    fl->hdrs[fl->n].base = base;
    fl->hdrs[fl->n].bytes = bytes;
    fl->hdrs[fl->n].n = n;
    fl->n++;
}
#define FOLD_LAYOUT_ADD(FL, BASE, TABLE) \
    fold_layout_add(FL, BASE, TABLE, ARRAY_SIZE(TABLE))

/* Adds the L4 header at 'l4' of IP protocol 'nw_proto' to 'fl'. */
static void
fold_layout_add_l4(struct fold_layout *fl, uint32_t l4, uint8_t nw_proto)
{
    /* Flow extraction fills the L4 fields only if the L4 header is whole
     * (miniflow_extract()): the guard records which one. */
    fl->l4_base = l4;
    switch (nw_proto) {
    case IPPROTO_TCP:
        FOLD_LAYOUT_ADD(fl, l4, tcp_bytes);
        fl->l4_hdr = FILTER_FOLD_L4HDR_TCP;
        break;
    case IPPROTO_UDP:
        FOLD_LAYOUT_ADD(fl, l4, ports_bytes);
        fl->l4_hdr = FILTER_FOLD_L4HDR_8;
        break;
    case IPPROTO_SCTP:
        FOLD_LAYOUT_ADD(fl, l4, ports_bytes);
        fl->l4_hdr = FILTER_FOLD_L4HDR_SCTP;
        break;
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
        FOLD_LAYOUT_ADD(fl, l4, icmp_bytes);
        fl->l4_hdr = FILTER_FOLD_L4HDR_8;
        break;
    case IPPROTO_IGMP:
        FOLD_LAYOUT_ADD(fl, l4, igmp_bytes);
        fl->l4_hdr = FILTER_FOLD_L4HDR_8;
        break;
    default:
        break;
    }
}

/* Fills 'fl' with the headers of a packet with flow 'flow' and layout
 * 'layout', if that is a usual layout: untagged Ethernet II, then IPv4
 * without options, IPv6 without extension headers, ARP or another
 * Ethertype's payload (not MPLS or NSH; for ARP, only the Ethernet header
 * is held by fields), and not a fragment.  Otherwise
 * returns false and says why in 'why'. */
static bool
fold_layout_init(struct fold_layout *fl, const struct flow *flow,
                 const struct filter_fold_layout *layout, struct ds *why)
{
    fl->n = 0;
    fl->l4_base = UINT32_MAX;
    fl->l4_hdr = FILTER_FOLD_L4HDR_ANY;
    if (flow->packet_type != htonl(PT_ETH)) {
        ds_put_cstr(why, "not an Ethernet packet");
        return false;
    } else if (flow->vlans[0].tci & htons(VLAN_CFI)
               || layout->l3_ofs != ETH_HEADER_LEN
               || ntohs(flow->dl_type) < ETH_TYPE_MIN
               || eth_type_mpls(flow->dl_type)
               || flow->dl_type == htons(ETH_TYPE_NSH)) {
        ds_put_cstr(why, "not an untagged Ethernet II packet with an IP, ARP "
                    "or other plain payload");
        return false;
    }
    FOLD_LAYOUT_ADD(fl, 0, eth_bytes);

    uint32_t l2 = ETH_HEADER_LEN;
    if (flow->dl_type == htons(ETH_TYPE_IP)
        || flow->dl_type == htons(ETH_TYPE_IPV6)) {
        bool ip4 = flow->dl_type == htons(ETH_TYPE_IP);
        uint32_t l4 = l2 + (ip4 ? IP_HEADER_LEN : IPV6_HEADER_LEN);

        if (flow->nw_frag || layout->l4_ofs != l4) {
            ds_put_cstr(why, ip4 ? "an IPv4 fragment or a header with options"
                        : "an IPv6 fragment or extension headers");
            return false;
        }
        if (ip4) {
            FOLD_LAYOUT_ADD(fl, l2, ipv4_bytes);
        } else {
            FOLD_LAYOUT_ADD(fl, l2, ipv6_bytes);
        }
        fold_layout_add_l4(fl, l4, flow->nw_proto);
    }
    return true;
}

/* Returns the entry of 'fl' that holds packet byte 'b' and stores its header's
 * offset in '*basep', or returns NULL if no flow field holds that byte. */
static const struct fold_bytes *
fold_layout_find(const struct fold_layout *fl, uint32_t b, uint32_t *basep)
{
    for (size_t i = 0; i < fl->n; i++) {
        uint32_t base = fl->hdrs[i].base;

        for (size_t j = 0; j < fl->hdrs[i].n; j++) {
            const struct fold_bytes *fb = &fl->hdrs[i].bytes[j];

            if (b >= base + fb->start && b < base + fb->end) {
                *basep = base;
                return fb;
            }
        }
    }
    return NULL;
}

/* Returns true if every byte that 'verdict' may read is held by a flow field
 * in 'fl', and then, if 'wc' is nonnull, makes those bytes exact in 'wc',
 * and, if 'l4_hdr' is nonnull, stores in it the L4 header that must be whole
 * for flow extraction to fill the fields (FILTER_FOLD_L4HDR_ANY if no byte
 * read is in the L4 header).  Otherwise says which byte is not in 'why'. */
static bool
fold_layout_map(const struct fold_layout *fl,
                const struct bpf_verdict *verdict, struct flow_wildcards *wc,
                uint8_t *l4_hdr, struct ds *why)
{
    if (l4_hdr) {
        *l4_hdr = FILTER_FOLD_L4HDR_ANY;
    }
    for (size_t i = 0; i < verdict->n_reads; i++) {
        const struct bpf_range *r = &verdict->reads[i];

        for (uint32_t b = r->start; b < r->end; b++) {
            const struct fold_bytes *fb;
            uint32_t base;

            fb = fold_layout_find(fl, b, &base);
            if (!fb) {
                ds_put_format(why, "it reads byte %"PRIu32", which no flow "
                              "field holds", b);
                return false;
            }
            if (l4_hdr && base == fl->l4_base) {
                *l4_hdr = fl->l4_hdr;
            }
            if (!wc || fb->flow_ofs == FOLD_BY_GUARD) {
                continue;
            } else if (fb->flow_ofs == FOLD_IPV6_TC_LABEL) {
                WC_MASK_FIELD(wc, nw_tos);
                WC_MASK_FIELD(wc, ipv6_label);
            } else {
                uint8_t *mask = (uint8_t *) &wc->masks;

                mask[fb->flow_ofs + (b - base - fb->start)] = 0xff;
            }
        }
    }
    return true;
}

/* Returns true if 'verdict''s result depends on the packet's bytes or
 * length, so that a folded decision needs a guard. */
bool
filter_fold_needs_guard(const struct bpf_verdict *verdict)
{
    return verdict->n_reads || verdict->len_compared;
}

/* Context fields that a foldable filter may read: the packet pointers, and
 * ingress_ifindex, the datapath in_port, which megaflows always match. */
#define FOLD_CTX_OK ((1u << (EBPF_XDP_MD_DATA / 4))             \
                     | (1u << (EBPF_XDP_MD_DATA_END / 4))       \
                     | (1u << (EBPF_XDP_MD_DATA_META / 4))      \
                     | (1u << (EBPF_XDP_MD_INGRESS_IFINDEX / 4)))

/* Returns a description of helper 'func', for why a filter calling it is
 * not foldable. */
static const char *
helper_reason(int func)
{
    switch (func) {
    case EBPF_FUNC_map_update_elem:
        return "it updates a map (map_update_elem)";
    case EBPF_FUNC_map_delete_elem:
        return "it deletes from a map (map_delete_elem)";
    case EBPF_FUNC_ktime_get_ns:
        return "it reads the time (ktime_get_ns)";
    case EBPF_FUNC_get_prandom_u32:
        return "it draws random numbers (get_prandom_u32)";
    case EBPF_FUNC_map_lookup_elem:
        return "it reads a map (map_lookup_elem), which bpf/map-update and "
               "programs may change";
    default:
        return "it calls a helper";
    }
}

/* Says whether a filter with 'verdict' is foldable (see filter-fold.h),
 * independently of any packet, and if not, appends the reason to 'why'.
 * Its read bytes must be flow field bytes in at least one usual layout;
 * translation checks them against the layout of each packet.  If they are
 * not in every usual layout, returns true and appends "for LAYOUT...
 * packets" to 'why'. */
bool
filter_fold_classify(const struct bpf_verdict *verdict, struct ds *why)
{
    static const int helper_order[] = {
        EBPF_FUNC_map_update_elem, EBPF_FUNC_map_delete_elem,
        EBPF_FUNC_ktime_get_ns, EBPF_FUNC_get_prandom_u32,
        EBPF_FUNC_map_lookup_elem,
    };

    if (verdict->n_writes) {
        ds_put_cstr(why, "it may write the packet");
        return false;
    }
    if (verdict->helpers) {
        int func = -1;

        for (size_t i = 0; i < ARRAY_SIZE(helper_order) && func < 0; i++) {
            if (verdict->helpers & (UINT64_C(1) << helper_order[i])) {
                func = helper_order[i];
            }
        }
        ds_put_cstr(why, helper_reason(func));
        return false;
    }
    if (verdict->ctx_reads & ~FOLD_CTX_OK) {
        ds_put_cstr(why, "it reads a context field that no flow field holds "
                    "(rx_queue_index)");
        return false;
    }
    if (verdict->uses_len) {
        ds_put_cstr(why, "it uses the packet's length as a value");
        return false;
    }
    if (verdict->len_compared > UINT16_MAX) {
        ds_put_cstr(why, "it compares the packet's end with a pointer at an "
                    "unbounded offset");
        return false;
    }
    for (size_t i = 0; i < verdict->n_reads; i++) {
        if (verdict->reads[i].end == BPF_RANGE_UNBOUNDED) {
            ds_put_format(why, "it may read bytes up to the end of the "
                          "packet (from %"PRIu32")", verdict->reads[i].start);
            return false;
        }
    }

    /* The usual layouts: Ethertype and IP protocol. */
    static const struct {
        uint16_t dl_type;
        uint8_t nw_proto;
        const char *name;
    } layouts[] = {
        { ETH_TYPE_IP, IPPROTO_TCP, "IPv4/TCP" },
        { ETH_TYPE_IP, IPPROTO_UDP, "IPv4/UDP" },
        { ETH_TYPE_IP, IPPROTO_SCTP, "IPv4/SCTP" },
        { ETH_TYPE_IP, IPPROTO_ICMP, "IPv4/ICMP" },
        { ETH_TYPE_IP, IPPROTO_IGMP, "IPv4/IGMP" },
        { ETH_TYPE_IPV6, IPPROTO_TCP, "IPv6/TCP" },
        { ETH_TYPE_IPV6, IPPROTO_UDP, "IPv6/UDP" },
        { ETH_TYPE_IPV6, IPPROTO_SCTP, "IPv6/SCTP" },
        { ETH_TYPE_IPV6, IPPROTO_ICMPV6, "IPv6/ICMPv6" },
        { ETH_TYPE_ARP, 0, "ARP" },
    };
    struct ds scratch = DS_EMPTY_INITIALIZER;
    struct ds names = DS_EMPTY_INITIALIZER;
    size_t n_ok = 0;

    for (size_t i = 0; i < ARRAY_SIZE(layouts); i++) {
        struct flow flow = { .packet_type = htonl(PT_ETH),
                             .dl_type = htons(layouts[i].dl_type),
                             .nw_proto = layouts[i].nw_proto };
        struct filter_fold_layout layout = {
            .l3_ofs = ETH_HEADER_LEN,
            .l4_ofs = (layouts[i].dl_type == ETH_TYPE_IP
                       ? ETH_HEADER_LEN + IP_HEADER_LEN
                       : layouts[i].dl_type == ETH_TYPE_IPV6
                       ? ETH_HEADER_LEN + IPV6_HEADER_LEN : UINT16_MAX),
        };
        struct fold_layout fl;

        if (fold_layout_init(&fl, &flow, &layout, &scratch)
            && fold_layout_map(&fl, verdict, NULL, NULL, &scratch)) {
            ds_put_format(&names, " %s", layouts[i].name);
            n_ok++;
        }
    }
    if (!n_ok) {
        ds_put_cstr(why, "it reads bytes that no flow field holds in any usual "
                    "header layout (reads ");
        bpf_ranges_format(verdict->reads, verdict->n_reads, why);
        ds_put_char(why, ')');
    } else if (n_ok < ARRAY_SIZE(layouts)) {
        /* Not an error: the layouts in which translation can fold it. */
        ds_put_format(why, "for%s packets", ds_cstr(&names));
    }
    ds_destroy(&scratch);
    ds_destroy(&names);
    return n_ok > 0;
}

/* Folds a filter with 'verdict' (foldable, see filter_fold_classify()) for
 * packets with flow 'flow' and header layout 'layout': if 'layout' is a
 * usual one and every byte the filter reads is held by a flow field there,
 * makes those bytes exact in 'wc' (and nw_proto, which chose the L4 header),
 * stores in '*l4_hdr' the L4 header that the guard must require whole
 * (FILTER_FOLD_L4HDR_ANY if the filter reads no L4 byte) and returns true.
 * If 'packet' is nonnull (the packet being translated), its L4 header must be
 * whole too: otherwise flow extraction left the L4 fields 0 and they do not
 * hold the bytes the filter reads.  Otherwise returns false and says why in
 * 'why'.  'layout' may be NULL (unknown) for a filter that needs no guard. */
bool
filter_fold_mask(const struct bpf_verdict *verdict, const struct flow *flow,
                 const struct filter_fold_layout *layout,
                 const struct dp_packet *packet,
                 struct flow_wildcards *wc, uint8_t *l4_hdr, struct ds *why)
{
    struct fold_layout fl;

    *l4_hdr = FILTER_FOLD_L4HDR_ANY;
    if (!filter_fold_needs_guard(verdict)) {
        return true;
    } else if (!layout) {
        ds_put_cstr(why, "no header layout recorded");
        return false;
    } else if (!fold_layout_init(&fl, flow, layout, why)
               || !fold_layout_map(&fl, verdict, NULL, l4_hdr, why)) {
        return false;
    } else if (packet && !filter_fold_l4_complete(packet, *l4_hdr)) {
        ds_put_cstr(why, "its L4 header is truncated (flow extraction left "
                    "the L4 fields 0)");
        return false;
    }
    fold_layout_map(&fl, verdict, wc, NULL, why);
    if (verdict->n_reads && is_ip_any(flow)) {
        WC_MASK_FIELD(wc, nw_proto);
    }
    return true;
}

/* Guards. */

uint32_t
filter_fold_guard_encode(const struct filter_fold_layout *layout,
                         uint32_t min_len)
{
    uint32_t l4 = (layout->l4_ofs < FILTER_FOLD_L4_NONE
                   ? layout->l4_ofs : FILTER_FOLD_L4_NONE);

    ovs_assert(layout->l3_ofs < 64 && layout->l4_hdr <= FILTER_FOLD_L4HDR_TCP
               && min_len <= UINT16_MAX);
    return (((uint32_t) layout->l3_ofs << 26)
            | ((uint32_t) layout->l4_hdr << 24) | (l4 << 16) | min_len);
}

void
filter_fold_guard_decode(uint32_t guard, struct filter_fold_layout *layout,
                         uint32_t *min_len)
{
    uint16_t l4 = (guard >> 16) & 0xff;

    layout->l3_ofs = guard >> 26;
    layout->l4_hdr = (guard >> 24) & 3;
    layout->l4_ofs = l4 == FILTER_FOLD_L4_NONE ? UINT16_MAX : l4;
    *min_len = guard & 0xffff;
}

/* Returns true if flow extraction parsed the L4 header 'l4_hdr' (enum
 * filter_fold_l4hdr) of 'packet', that is, filled its flow fields: as in
 * miniflow_extract(), the L4 size (trimmed to the IP total or payload length,
 * dp_packet_l4_size()) holds the whole header, and for TCP the data offset
 * is at least 5 words and within the L4 size. */
bool
filter_fold_l4_complete(const struct dp_packet *packet, uint8_t l4_hdr)
{
    size_t size;

    if (l4_hdr == FILTER_FOLD_L4HDR_ANY) {
        return true;
    }
    size = dp_packet_l4_size(packet);
    switch (l4_hdr) {
    case FILTER_FOLD_L4HDR_8:
        return size >= 8;
    case FILTER_FOLD_L4HDR_SCTP:
        return size >= SCTP_HEADER_LEN;
    case FILTER_FOLD_L4HDR_TCP:
        if (size >= TCP_HEADER_LEN) {
            const struct tcp_header *tcp = dp_packet_l4(packet);
            size_t hdr_len = TCP_OFFSET(tcp->tcp_ctl) * 4;

            return hdr_len >= TCP_HEADER_LEN && size >= hdr_len;
        }
        return false;
    default:
        return false;
    }
}

/* Returns true if 'packet' has the layout, length and whole L4 header that
 * 'guard' needs. */
static inline bool
guard_matches(uint32_t guard, const struct dp_packet *packet)
{
    uint16_t l4 = (guard >> 16) & 0xff;

    return (packet->l3_ofs == guard >> 26
            && packet->l4_ofs == (l4 == FILTER_FOLD_L4_NONE ? UINT16_MAX : l4)
            && dp_packet_size(packet) >= (guard & 0xffff)
            && filter_fold_l4_complete(packet, (guard >> 24) & 3));
}

/* Chains. */

/* Returns the entry of the program with 'handle' in 'chain' (which may be
 * NULL), or NULL. */
const struct filter_chain_entry *
filter_fold_chain_find(const struct nlattr *chain, uint32_t handle)
{
    if (chain && handle != FILTER_FOLD_GUARD) {
        const struct filter_chain_entry *e = filter_chain_entries(chain);
        size_t n = filter_chain_n(chain);

        for (size_t i = 0; i < n; i++) {
            if (e[i].handle == handle) {
                return &e[i];
            }
        }
    }
    return NULL;
}

/* Returns the guard entry of 'chain' (which may be NULL), or NULL. */
const struct filter_chain_entry *
filter_fold_chain_find_guard(const struct nlattr *chain)
{
    if (chain && filter_chain_n(chain)) {
        const struct filter_chain_entry *e = filter_chain_entries(chain);

        return e->handle == FILTER_FOLD_GUARD ? e : NULL;
    }
    return NULL;
}

/* Inserts a filter chain in front of the datapath actions in 'odp_actions':
 * the guard '*guard' if 'guard' is nonnull, then the 'n' entries of
 * 'entries' that are not folded, in order, then the folded ones. */
void
filter_fold_chain_push(struct ofpbuf *odp_actions,
                       const struct filter_chain_entry *entries, size_t n,
                       const uint32_t *guard)
{
    struct filter_chain_entry chain[FILTER_CHAIN_MAX + 1];
    size_t k = 0;

    ovs_assert(n <= FILTER_CHAIN_MAX);
    if (guard) {
        chain[k].handle = FILTER_FOLD_GUARD;
        chain[k++].result = *guard;
    }
    for (int folded = 0; folded < 2; folded++) {
        for (size_t i = 0; i < n; i++) {
            if (!(entries[i].result & FILTER_FOLD_FOLDED) == !folded) {
                chain[k++] = entries[i];
            }
        }
    }
    nl_msg_push_unspec(odp_actions, OVS_ACTION_ATTR_FILTER_PROGS, chain,
                       k * sizeof *chain);
}

/* Returns true if 'packet' passes the guard of 'chain' (if any) and every
 * program of 'chain' that is not folded gives its recorded result on it, in
 * order.  Folded programs never run here. */
bool
filter_fold_chain_check(const struct nlattr *chain, struct dp_packet *packet)
{
    const struct filter_chain_entry *e = filter_chain_entries(chain);
    size_t n = filter_chain_n(chain);

    for (size_t i = 0; i < n; i++) {
        if (e[i].handle == FILTER_FOLD_GUARD) {
            if (!guard_matches(e[i].result, packet)) {
                COVERAGE_INC(filter_fold_guard_miss);
                return false;
            }
            continue;
        } else if (e[i].result & FILTER_FOLD_FOLDED) {
            break;
        }

        int result = dp_packet_filter_memo_get(packet, e[i].handle);
        if (result < 0) {
            struct bpf_prog *prog = bpf_registry_get(e[i].handle);

            result = prog ? filter_run(prog, packet) : -1;
        }
        if (result != e[i].result) {
            COVERAGE_INC(filter_fold_mismatch);
            return false;
        }
    }
    return true;
}

/* Returns true if 'chain' is well formed: at most one guard, first; then
 * filters with results 0 or 1; then folded ones; 1 to FILTER_CHAIN_MAX
 * filters. */
bool
filter_fold_chain_is_valid(const struct nlattr *chain)
{
    size_t size = nl_attr_get_size(chain);
    size_t n = size / sizeof(struct filter_chain_entry);
    const struct filter_chain_entry *e = filter_chain_entries(chain);
    bool folded = false;
    size_t n_progs = 0;

    if (size % sizeof(struct filter_chain_entry)) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (e[i].handle == FILTER_FOLD_GUARD) {
            if (i) {
                return false;
            }
            continue;
        }
        n_progs++;
        if (e[i].result & ~(uint32_t) (FILTER_FOLD_FOLDED | 1)
            || (folded && !(e[i].result & FILTER_FOLD_FOLDED))) {
            return false;
        }
        folded = e[i].result & FILTER_FOLD_FOLDED;
    }
    return n_progs && n_progs <= FILTER_CHAIN_MAX;
}

/* Appends
 * "filter_progs(guard(l3=L3,l4=L4,len=N[,l4len=8|12|tcp]),H=R,...,
 * folded(H=R,...))" for 'chain' to 's'. */
void
filter_fold_chain_format(struct ds *s, const struct nlattr *chain)
{
    if (!filter_fold_chain_is_valid(chain)) {
        ds_put_format(s, "filter_progs(bad length %"PRIuSIZE")",
                      nl_attr_get_size(chain));
        return;
    }

    const struct filter_chain_entry *e = filter_chain_entries(chain);
    size_t n = filter_chain_n(chain);
    bool folded = false;
    const char *sep = "";

    ds_put_cstr(s, "filter_progs(");
    for (size_t i = 0; i < n; i++) {
        if (e[i].handle == FILTER_FOLD_GUARD) {
            struct filter_fold_layout layout;
            uint32_t len;

            filter_fold_guard_decode(e[i].result, &layout, &len);
            ds_put_format(s, "guard(l3=%"PRIu16",l4=", layout.l3_ofs);
            if (layout.l4_ofs == UINT16_MAX) {
                ds_put_cstr(s, "none");
            } else {
                ds_put_format(s, "%"PRIu16, layout.l4_ofs);
            }
            ds_put_format(s, ",len=%"PRIu32, len);
            if (layout.l4_hdr == FILTER_FOLD_L4HDR_TCP) {
                ds_put_cstr(s, ",l4len=tcp");
            } else if (layout.l4_hdr != FILTER_FOLD_L4HDR_ANY) {
                int l4_len = (layout.l4_hdr == FILTER_FOLD_L4HDR_SCTP
                              ? SCTP_HEADER_LEN : UDP_HEADER_LEN);

                ds_put_format(s, ",l4len=%d", l4_len);
            }
            ds_put_char(s, ')');
            sep = ",";
            continue;
        }
        if (e[i].result & FILTER_FOLD_FOLDED && !folded) {
            ds_put_format(s, "%sfolded(", sep);
            folded = true;
            sep = "";
        }
        ds_put_format(s, "%s%"PRIu32"=%"PRIu32, sep, e[i].handle,
                      e[i].result & 1);
        sep = ",";
    }
    ds_put_cstr(s, folded ? "))" : ")");
}

/* Parses "H=R" at '*p' into 'e', with 'flags' added to the result, and
 * advances '*p'.  Returns false on error. */
static bool
parse_entry(const char **p, uint32_t flags, struct filter_chain_entry *e)
{
    uint32_t handle, result;
    int len;

    if (!ovs_scan(*p, "%"SCNu32"=%"SCNu32"%n", &handle, &result, &len)
        || result > 1 || handle == FILTER_FOLD_GUARD) {
        return false;
    }
    e->handle = handle;
    e->result = result | flags;
    *p += len;
    return true;
}

/* Parses what filter_fold_chain_format() prints at the start of 's' and
 * appends the chain to 'actions'.  Returns the number of bytes parsed, or
 * -EINVAL. */
int
filter_fold_chain_parse(const char *s, struct ofpbuf *actions)
{
    static const char prefix[] = "filter_progs(";
    struct filter_chain_entry entries[FILTER_CHAIN_MAX + 1];
    const char *p = s + strlen(prefix);
    bool in_folded = false;
    size_t n = 0;

    if (strncmp(s, prefix, strlen(prefix))) {
        return -EINVAL;
    }
    while (*p != ')') {
        if (n >= ARRAY_SIZE(entries)) {
            return -EINVAL;
        }
        if (!n && !strncmp(p, "guard(", 6)) {
            struct filter_fold_layout layout;
            unsigned int l3, l4 = UINT16_MAX, len;
            int n1 = 0, n2 = 0;

            if (!ovs_scan(p, "guard(l3=%u,l4=%n", &l3, &n1)) {
                return -EINVAL;
            }
            p += n1;
            if (!strncmp(p, "none", 4)) {
                p += 4;
            } else if (!ovs_scan(p, "%u%n", &l4, &n2)) {
                return -EINVAL;
            } else {
                p += n2;
            }
            if (!ovs_scan(p, ",len=%u%n", &len, &n2) || l3 > 63
                || (l4 != UINT16_MAX && l4 >= FILTER_FOLD_L4_NONE)
                || len > UINT16_MAX) {
                return -EINVAL;
            }
            p += n2;
            layout.l4_hdr = FILTER_FOLD_L4HDR_ANY;
            if (!strncmp(p, ",l4len=tcp", 10)) {
                layout.l4_hdr = FILTER_FOLD_L4HDR_TCP;
                p += 10;
            } else if (!strncmp(p, ",l4len=8", 8)) {
                layout.l4_hdr = FILTER_FOLD_L4HDR_8;
                p += 8;
            } else if (!strncmp(p, ",l4len=12", 9)) {
                layout.l4_hdr = FILTER_FOLD_L4HDR_SCTP;
                p += 9;
            }
            if (*p++ != ')') {
                return -EINVAL;
            }
            layout.l3_ofs = l3;
            layout.l4_ofs = l4;
            entries[n].handle = FILTER_FOLD_GUARD;
            entries[n++].result = filter_fold_guard_encode(&layout, len);
        } else if (!in_folded && !strncmp(p, "folded(", 7)) {
            in_folded = true;
            p += 7;
            continue;
        } else if (!parse_entry(&p, in_folded ? FILTER_FOLD_FOLDED : 0,
                                &entries[n++])) {
            return -EINVAL;
        }
        if (in_folded && *p == ')') {
            p++;
            if (*p != ')') {
                return -EINVAL;
            }
            break;
        }
        if (*p == ',') {
            p++;
        } else if (*p != ')') {
            return -EINVAL;
        }
    }
    size_t start = actions->size;
    nl_msg_put_unspec(actions, OVS_ACTION_ATTR_FILTER_PROGS, entries,
                      n * sizeof *entries);
    if (!filter_fold_chain_is_valid(ofpbuf_at_assert(actions, start,
                                                     NLA_HDRLEN))) {
        actions->size = start;
        return -EINVAL;
    }
    return p + 1 - s;
}

/* "bpf/show": appends "  foldable: yes" or "  foldable: no (REASON)" for
 * 'prog' to 's'. */
static void
filter_fold_show(const struct bpf_prog *prog, struct ds *s)
{
    struct ds why = DS_EMPTY_INITIALIZER;

    if (filter_fold_classify(bpf_prog_verdict(prog), &why)) {
        ds_put_format(s, "  foldable: yes%s%s\n", why.length ? ", " : "",
                      ds_cstr(&why));
    } else {
        ds_put_format(s, "  foldable: no (%s)\n", ds_cstr(&why));
    }
    ds_destroy(&why);
}

/* Makes "bpf/show" say whether each program is foldable. */
void
filter_fold_init(void)
{
    bpf_set_show_extra(filter_fold_show);
}
