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
 * The rule.  Let K be the "key end" of the packet: every byte that OVS's
 * flow extraction (miniflow_extract() in lib/flow.c) may read to build the
 * flow key lies in [0, K), counting from the first byte of the Ethernet
 * header.  Translation freezes and recirculates after the program iff one
 * of the verifier's write ranges [start, end) starts before K.  A program
 * that writes nothing never recirculates; one whose writes all lie at or
 * beyond K (payload) does not either; a write range whose end the verifier
 * could not bound counts from its proven start, and a range whose start it
 * could not bound starts at 0 and so always recirculates.  The rule does not
 * look at which bytes within [0, K) are written: a write to an IPv4 checksum
 * recirculates although the checksum is not in the flow key.
 *
 * Correctness.  The decision becomes part of a datapath flow, which then
 * serves every packet that it matches, so K must bound the headers of all of
 * them, not only of the packet being translated.  Hence K depends only on
 * fields that the datapath flow matches exactly (dl_type, nw_frag, and
 * nw_proto when the pipeline matched it), and elsewhere takes the longest
 * header that the flow key cannot tell apart from the shortest:
 *
 *   - L2: 14 bytes of Ethernet, plus up to FLOW_MAX_VLAN_HEADERS (2) VLAN
 *     tags, plus an 8-byte 802.2 LLC/SNAP header (an IPv4 packet in SNAP has
 *     the same dl_type as one in Ethernet II): 30 bytes.
 *   - IPv4: up to 60 bytes (the flow key does not hold the header length,
 *     so a packet with IP options may share the datapath flow), then, unless
 *     the packet is a later fragment, the L4 header: TCP 20, UDP 8, SCTP 12,
 *     ICMP 8, IGMP 8, others none.  If the pipeline did not match nw_proto,
 *     the longest of them (20).
 *     So K = 98 for UDP, 110 for TCP, 98 for ICMP, 90 for later fragments.
 *   - ARP and RARP: 28 bytes after L2, K = 58.
 *   - MPLS: the first FLOW_MAX_MPLS_LABELS (3) label stack entries, K = 42.
 *   - Other Ethertypes (including none, 802.2 without SNAP): K = 30.
 *
 * Conservative cases, where the rule recirculates although the packet at
 * hand might not need it: any write to an IPv6, NSH or non-Ethernet packet
 * (IPv6 extension headers and NSH metadata have no bound that the flow key
 * shows, so K is unbounded); writes within the maximal headers above that
 * lie beyond the actual headers of the packet (e.g. a UDP payload byte at
 * offset 42 of an untagged IPv4 packet without options is below K = 98);
 * writes to header bytes that are not flow key fields (checksums, IPv4
 * identification, TCP sequence numbers); and writes that the program makes
 * on only some of its paths, since the verdict covers all paths. */

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

/* Returns the key end K (see the comment at the top of this file) for the
 * packets that a datapath flow matching 'flow' with wildcards 'wc' may
 * serve, or BPF_RANGE_UNBOUNDED if it has no bound. */
static uint32_t
key_end(const struct flow *flow, const struct flow_wildcards *wc)
{
    const uint32_t l2 = BPF_POLICY_L2_MAX_LEN;
    const uint32_t l3 = l2 + BPF_POLICY_IPV4_MAX_HEADER_LEN;

    if (flow->packet_type != htonl(PT_ETH)
        || wc->masks.packet_type != OVS_BE32_MAX
        || wc->masks.dl_type != OVS_BE16_MAX) {
        return BPF_RANGE_UNBOUNDED;
    }

    if (flow->dl_type == htons(ETH_TYPE_IP)) {
        if (flow->nw_frag & FLOW_NW_FRAG_LATER
            && wc->masks.nw_frag & FLOW_NW_FRAG_LATER) {
            return l3;
        }
        if (wc->masks.nw_proto == UINT8_MAX) {
            return l3 + l4_header_len(flow->nw_proto);
        }
        return l3 + TCP_HEADER_LEN;
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

/* Appends range 'r' to 'ds' as "[start,end)". */
static void
format_range(struct ds *ds, const struct bpf_range *r)
{
    ds_put_format(ds, "[%"PRIu32",", r->start);
    if (r->end == BPF_RANGE_UNBOUNDED) {
        ds_put_cstr(ds, "end)");
    } else {
        ds_put_format(ds, "%"PRIu32")", r->end);
    }
}

/* Returns true if translation must re-classify the packet after the bpf
 * action that runs 'prog', according to the rule at the top of this file,
 * for a packet whose headers are 'flow' and whose datapath flow matches the
 * fields exact in 'wc'.  'coalesce' is always false here, since
 * bpf_policy_allows_coalesce() rejects it.  If 'why' is nonnull, appends the
 * reason to it. */
bool
bpf_policy_must_recirculate(const struct bpf_prog *prog,
                            bool coalesce OVS_UNUSED,
                            const struct flow *flow,
                            const struct flow_wildcards *wc, struct ds *why)
{
    const struct bpf_verdict *verdict = bpf_prog_verdict(prog);

    if (!verdict->n_writes) {
        if (why) {
            ds_put_cstr(why, "no new lookup: the program writes no packet "
                        "byte");
        }
        return false;
    }

    uint32_t k = key_end(flow, wc);
    const struct bpf_range *first = &verdict->writes[0];
    for (size_t i = 1; i < verdict->n_writes; i++) {
        if (verdict->writes[i].start < first->start) {
            first = &verdict->writes[i];
        }
    }

    bool recirc = first->start < k;
    if (why) {
        struct bpf_range key = { 0, k };

        ds_put_format(why, "%s: the program may write ",
                      recirc ? "new lookup" : "no new lookup");
        format_range(why, first);
        ds_put_format(why, "%s, flow key headers are ",
                      verdict->n_writes > 1 ? " (first of several)" : "");
        format_range(why, &key);
    }
    return recirc;
}
