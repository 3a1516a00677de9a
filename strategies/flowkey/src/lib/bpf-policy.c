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

/* The verifier-guided re-classification policy: the BPF verifier's load-time
 * verdict decides whether the packet is looked up again after a bpf action.
 *
 * The rule.  A "flow key byte" is a byte of the packet that OVS's flow
 * extraction (miniflow_extract() in lib/flow.c) reads into the flow key or
 * that decides how it parses the rest.  Translation recirculates after the
 * program iff one of the verifier's write ranges may hold a flow key byte.
 * A program that writes nothing, or writes only other bytes (payload, IP and
 * L4 checksums, IPv4 identification, UDP length, TCP sequence numbers and
 * window), does not recirculate.  Byte offsets count from the first byte of
 * the Ethernet header; a write range whose end the verifier could not bound
 * extends to the end of the packet.
 *
 * Flow key bytes, for a packet whose headers have their usual layout (an
 * Ethernet II header with the VLAN tags that the flow shows and no LLC/SNAP
 * header, then an IPv4 header without options or an IPv6 header without
 * extension headers), with L2 the length of the Ethernet header, tags
 * included (14 bytes untagged), and L4 the offset of the transport header:
 *
 *   - Ethernet: [0, L2): addresses, tags, Ethertype.
 *   - IPv4: version and header length, TOS, total length, fragment fields,
 *     TTL, protocol, addresses: [L2, L2+4) [L2+6, L2+10) [L2+12, L2+20).
 *   - IPv6: the whole 40-byte header.
 *   - TCP: ports and data offset with flags: [L4, L4+4) [L4+12, L4+14).
 *     UDP and SCTP: ports, [L4, L4+4).  ICMP: type and code, [L4, L4+2).
 *     IGMP: type, code and group, [L4, L4+2) [L4+4, L4+8).  ICMPv6: to the
 *     end of the packet (neighbor discovery options).  None for later
 *     fragments and other protocols.
 *   - ARP and RARP: the 28-byte ARP header.  802.2 without SNAP: the 8 bytes
 *     after L2, which flow extraction checks for SNAP.  Other Ethertypes:
 *     nothing after L2.
 *
 * So an untagged UDP/IPv4 packet has the flow key bytes [0,18) [20,24)
 * [26,38): a program that writes the UDP checksum and payload, [40,...),
 * does not recirculate.
 *
 * Why a guard.  The decision becomes part of a datapath flow, which then
 * serves every packet that it matches, and the flow key cannot tell apart
 * packets whose headers have another layout: IPv4 options, IPv6 extension
 * headers and LLC/SNAP headers shift the flow key bytes.  When the decision
 * not to recirculate holds only for the usual layout, translation asks for
 * BPF_POLICY_CONTINUE_GUARDED: a datapath action at the start of the
 * datapath flow checks each packet's actual header offsets and sends the
 * packets whose layout differs back to translation in "conservative" mode,
 * which decides with the rule below instead.  The usual packet thus needs
 * one datapath pass, an unusual one an extra pass.
 *
 * Conservative mode, and the conservative cases.  It applies in the pass
 * that a guard sent a packet to, and where no guard is possible (a tagged or
 * non-Ethernet input packet, or a pass that recirculated in conservative
 * mode).  Let K be the end of the longest headers that the flow key cannot
 * tell apart: L2 of 30 bytes (two VLAN tags and an LLC/SNAP header), an
 * IPv4 header of 60 bytes and the whole L4 header (TCP 20, UDP 8, SCTP 12,
 * ICMP 8, IGMP 8); K = 98 for UDP, ICMP and IGMP over IPv4, 110 for TCP, 90
 * for later fragments, 58 for ARP, 42 for MPLS (three labels), 30 for other
 * Ethertypes, and no bound for IPv6, NSH and non-Ethernet packets.  Any write
 * that starts before K recirculates; one that starts at or beyond K does
 * not, in either mode, without a guard.  Other conservative cases: a write
 * to any byte of an MPLS, NSH or non-Ethernet packet's headers recirculates,
 * an IPv6 fragment recirculates on any write, and a write that the program
 * makes on only some of its paths counts, since the verdict covers all
 * paths. */

#include <config.h>
#include "bpf-policy.h"

#include <inttypes.h>
#include "bpf.h"
#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

/* The longest IPv4 header: a header length field of 15 words. */
#define BPF_POLICY_IPV4_MAX_HEADER_LEN 60

/* The longest L2 header that the flow key cannot tell apart from plain
 * Ethernet II. */
#define BPF_POLICY_L2_MAX_LEN (ETH_HEADER_LEN                              \
                               + FLOW_MAX_VLAN_HEADERS * VLAN_HEADER_LEN  \
                               + LLC_SNAP_HEADER_LEN)

/* Most flow key byte ranges of one packet (see key_bytes()). */
#define BPF_POLICY_MAX_KEY_RANGES 8

/* Flow key bytes, as sorted, disjoint ranges. */
struct key_bytes {
    struct bpf_range ranges[BPF_POLICY_MAX_KEY_RANGES];
    size_t n;
};

/* Returns the name of this variant, for messages. */
const char *
bpf_policy_name(void)
{
    return "verifier";
}

/* Returns false: the verifier, not the flow's author, decides. */
bool
bpf_policy_allows_coalesce(void)
{
    return false;
}

/* Returns the length of the L4 header that flow extraction parses for IP
 * protocol 'nw_proto'. */
static uint32_t
l4_header_len(uint8_t nw_proto)
{
    switch (nw_proto) {
    case IPPROTO_TCP:
        return TCP_HEADER_LEN;
    case IPPROTO_UDP:
        return UDP_HEADER_LEN;
    case IPPROTO_SCTP:
        return SCTP_HEADER_LEN;
    case IPPROTO_ICMP:
        return ICMP_HEADER_LEN;
    case IPPROTO_IGMP:
        return IGMP_HEADER_LEN;
    default:
        return 0;
    }
}

/* Returns K, the end of the longest headers that a datapath flow matching
 * 'flow' cannot tell apart (see the comment at the top of this file), or
 * BPF_RANGE_UNBOUNDED if there is no bound.  Relies on dl_type, nw_frag and
 * nw_proto being exact in the datapath flow. */
static uint32_t
max_key_end(const struct flow *flow)
{
    const uint32_t l2 = BPF_POLICY_L2_MAX_LEN;
    const uint32_t l3 = l2 + BPF_POLICY_IPV4_MAX_HEADER_LEN;

    if (flow->packet_type != htonl(PT_ETH)) {
        return BPF_RANGE_UNBOUNDED;
    } else if (flow->dl_type == htons(ETH_TYPE_IP)) {
        return (flow->nw_frag & FLOW_NW_FRAG_LATER
                ? l3
                : l3 + l4_header_len(flow->nw_proto));
    } else if (flow->dl_type == htons(ETH_TYPE_ARP)
               || flow->dl_type == htons(ETH_TYPE_RARP)) {
        return l2 + ARP_ETH_HEADER_LEN;
    } else if (eth_type_mpls(flow->dl_type)) {
        return l2 + FLOW_MAX_MPLS_LABELS * MPLS_HLEN;
    } else if (flow->dl_type == htons(ETH_TYPE_IPV6)
               || flow->dl_type == htons(ETH_TYPE_NSH)) {
        return BPF_RANGE_UNBOUNDED;
    }
    return l2;
}

/* Appends [start, end) to 'kb' ('start' beyond the last range's end). */
static void
key_bytes_add(struct key_bytes *kb, uint32_t start, uint32_t end)
{
    if (kb->n && kb->ranges[kb->n - 1].end == start) {
        kb->ranges[kb->n - 1].end = end;
    } else {
        ovs_assert(kb->n < BPF_POLICY_MAX_KEY_RANGES);
        kb->ranges[kb->n++] = (struct bpf_range) { start, end };
    }
}

/* Adds to 'kb' the flow key bytes of the L4 header at offset 'l4' of a
 * packet with IP protocol 'nw_proto'. */
static void
key_bytes_add_l4(struct key_bytes *kb, uint32_t l4, uint8_t nw_proto)
{
    switch (nw_proto) {
    case IPPROTO_TCP:
        key_bytes_add(kb, l4, l4 + 4);
        key_bytes_add(kb, l4 + 12, l4 + 14);
        break;
    case IPPROTO_UDP:
    case IPPROTO_SCTP:
        key_bytes_add(kb, l4, l4 + 4);
        break;
    case IPPROTO_ICMP:
        key_bytes_add(kb, l4, l4 + 2);
        break;
    case IPPROTO_IGMP:
        key_bytes_add(kb, l4, l4 + 2);
        key_bytes_add(kb, l4 + 4, l4 + 8);
        break;
    case IPPROTO_ICMPV6:
        key_bytes_add(kb, l4, BPF_RANGE_UNBOUNDED);
        break;
    default:
        break;
    }
}

/* Stores in 'kb' the flow key bytes of a packet with headers 'flow' in the
 * usual layout (see the comment at the top of this file).  Returns false if
 * 'flow' has no such layout (MPLS, NSH, non-Ethernet, IPv6 fragments). */
static bool
key_bytes(const struct flow *flow, struct key_bytes *kb)
{
    uint32_t l2 = ETH_HEADER_LEN;

    kb->n = 0;
    if (flow->packet_type != htonl(PT_ETH)) {
        return false;
    }
    for (size_t i = 0; i < FLOW_MAX_VLAN_HEADERS; i++) {
        if (flow->vlans[i].tci & htons(VLAN_CFI)) {
            l2 += VLAN_HEADER_LEN;
        }
    }
    key_bytes_add(kb, 0, l2);

    if (flow->dl_type == htons(ETH_TYPE_IP)) {
        key_bytes_add(kb, l2, l2 + 4);
        key_bytes_add(kb, l2 + 6, l2 + 10);
        key_bytes_add(kb, l2 + 12, l2 + 20);
        if (!(flow->nw_frag & FLOW_NW_FRAG_LATER)) {
            key_bytes_add_l4(kb, l2 + IP_HEADER_LEN, flow->nw_proto);
        }
    } else if (flow->dl_type == htons(ETH_TYPE_IPV6)) {
        if (flow->nw_frag) {
            return false;
        }
        key_bytes_add(kb, l2, l2 + IPV6_HEADER_LEN);
        key_bytes_add_l4(kb, l2 + IPV6_HEADER_LEN, flow->nw_proto);
    } else if (flow->dl_type == htons(ETH_TYPE_ARP)
               || flow->dl_type == htons(ETH_TYPE_RARP)) {
        key_bytes_add(kb, l2, l2 + ARP_ETH_HEADER_LEN);
    } else if (flow->dl_type == htons(FLOW_DL_TYPE_NONE)) {
        key_bytes_add(kb, l2, l2 + LLC_SNAP_HEADER_LEN);
    } else if (eth_type_mpls(flow->dl_type)
               || flow->dl_type == htons(ETH_TYPE_NSH)) {
        return false;
    }
    return true;
}

/* Returns true if ranges 'a' and 'b' share a byte. */
static bool
ranges_overlap(const struct bpf_range *a, const struct bpf_range *b)
{
    return a->start < b->end && b->start < a->end;
}

/* Returns true if one of the 'n' ranges in 'writes' holds a byte of 'kb'. */
static bool
writes_key_bytes(const struct bpf_range *writes, size_t n,
                 const struct key_bytes *kb)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < kb->n; j++) {
            if (ranges_overlap(&writes[i], &kb->ranges[j])) {
                return true;
            }
        }
    }
    return false;
}

/* Returns what translation does after the bpf action that runs 'prog' on a
 * packet with headers 'flow', according to the rule at the top of this
 * file.  Makes the fields that the decision depends on exact in 'wc'.  In
 * 'conservative' mode, never returns BPF_POLICY_CONTINUE_GUARDED.
 * 'coalesce' is always false here, since bpf_policy_allows_coalesce()
 * rejects it.  If 'why' is nonnull, appends the reason to it. */
enum bpf_policy_decision
bpf_policy_decide(const struct bpf_prog *prog, bool coalesce OVS_UNUSED,
                  const struct flow *flow, struct flow_wildcards *wc,
                  bool conservative, struct ds *why)
{
    const struct bpf_verdict *verdict = bpf_prog_verdict(prog);
    const struct bpf_range *writes = verdict->writes;
    const size_t n_writes = verdict->n_writes;

    if (!n_writes) {
        if (why) {
            ds_put_cstr(why, "no new lookup: the program writes no packet "
                        "byte");
        }
        return BPF_POLICY_CONTINUE;
    }

    /* The decision depends on the protocol stack: dl_type and nw_frag are
     * always exact in datapath flows, nw_proto is made exact here. */
    if (is_ip_any(flow)) {
        WC_MASK_FIELD(wc, nw_proto);
    }

    uint32_t k = max_key_end(flow);
    struct key_bytes kb;
    enum bpf_policy_decision decision;
    if (writes[0].start >= k) {
        decision = BPF_POLICY_CONTINUE;
    } else if (conservative || !key_bytes(flow, &kb)
               || writes_key_bytes(writes, n_writes, &kb)) {
        decision = BPF_POLICY_RECIRCULATE;
    } else {
        decision = BPF_POLICY_CONTINUE_GUARDED;
    }

    if (why) {
        ds_put_cstr(why, (decision == BPF_POLICY_RECIRCULATE ? "new lookup"
                          : decision == BPF_POLICY_CONTINUE ? "no new lookup"
                          : "no new lookup for the usual header layout"));
        ds_put_cstr(why, ": the program may write ");
        bpf_ranges_format(writes, n_writes, why);
        if (decision == BPF_POLICY_CONTINUE_GUARDED
            || (decision == BPF_POLICY_RECIRCULATE && !conservative
                && key_bytes(flow, &kb))) {
            ds_put_cstr(why, ", flow key bytes are ");
            bpf_ranges_format(kb.ranges, kb.n, why);
        } else {
            struct bpf_range key = { 0, k };

            ds_put_cstr(why, ", headers may extend to ");
            bpf_ranges_format(&key, 1, why);
        }
    }
    return decision;
}
