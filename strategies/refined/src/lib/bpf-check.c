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
#include "bpf-check.h"

#include <inttypes.h>
#include "bpf.h"
#include "bpf-action.h"
#include "coverage.h"
#include "dp-packet.h"
#include "flow.h"
#include "netlink.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "util.h"

COVERAGE_DEFINE(bpf_check_changed);
COVERAGE_DEFINE(bpf_check_unchanged);

/* Appends OVS_ACTION_ATTR_BPF_CHECK to 'odp_actions': run program 'handle',
 * and recirculate with 'recirc_id' each packet in which one of the 'n'
 * bounded ranges in 'ranges' changed value. */
void
bpf_check_put(struct ofpbuf *odp_actions, uint32_t handle,
              uint32_t recirc_id, const struct bpf_range *ranges, size_t n)
{
    size_t size = (sizeof(struct ovs_action_bpf_check)
                   + n * sizeof(struct ovs_action_bpf_check_range));
    struct ovs_action_bpf_check *check;

    check = nl_msg_put_unspec_zero(odp_actions, OVS_ACTION_ATTR_BPF_CHECK,
                                   size);
    check->handle = handle;
    check->recirc_id = recirc_id;

    struct ovs_action_bpf_check_range *r = (void *) (check + 1);
    for (size_t i = 0; i < n; i++) {
        ovs_assert(ranges[i].end <= UINT16_MAX);
        r[i].start = ranges[i].start;
        r[i].end = ranges[i].end;
    }
}

/* Returns true if 'len' is a valid length for OVS_ACTION_ATTR_BPF_CHECK's
 * argument: the fixed part and 1 to BPF_CHECK_MAX_BYTES ranges (each range
 * holds at least one byte, so more ranges than that would check more than
 * BPF_CHECK_MAX_BYTES bytes). */
bool
bpf_check_valid_len(size_t len)
{
    size_t fixed = sizeof(struct ovs_action_bpf_check);
    size_t range = sizeof(struct ovs_action_bpf_check_range);

    if (len < fixed + range) {
        return false;
    }
    len -= fixed;
    return len % range == 0 && len / range <= BPF_CHECK_MAX_BYTES;
}

/* Returns the ranges of OVS_ACTION_ATTR_BPF_CHECK 'a' and their number in
 * '*n'. */
static const struct ovs_action_bpf_check_range *
bpf_check_ranges(const struct nlattr *a, size_t *n)
{
    const struct ovs_action_bpf_check *check = nl_attr_get(a);
    size_t len = nl_attr_get_size(a);

    *n = (len < sizeof *check ? 0
          : (len - sizeof *check) / sizeof(struct ovs_action_bpf_check_range));
    return (const void *) (check + 1);
}

/* Formats OVS_ACTION_ATTR_BPF_CHECK 'a' into 's'. */
void
bpf_check_format(const struct nlattr *a, struct ds *s)
{
    const struct ovs_action_bpf_check *check = nl_attr_get(a);
    const struct ovs_action_bpf_check_range *r;
    size_t n;

    r = bpf_check_ranges(a, &n);
    ds_put_format(s, "bpf_check(%"PRIu32",recirc=%#"PRIx32",bytes=",
                  check->handle, check->recirc_id);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "[%"PRIu16",%"PRIu16")", r[i].start, r[i].end);
    }
    ds_put_char(s, ')');
}

/* Parses "bpf_check(H,recirc=R,bytes=[A,B)...)" at the start of 's' into
 * 'odp_actions'.  Returns the number of bytes parsed, or 0 if 's' is not
 * such an action (or its ranges hold more than BPF_CHECK_MAX_BYTES
 * bytes). */
int
bpf_check_parse(const char *s, struct ofpbuf *odp_actions)
{
    struct bpf_range ranges[BPF_CHECK_MAX_BYTES];
    uint32_t handle, recirc_id;
    size_t n_ranges = 0;
    uint32_t bytes = 0;
    int n;

    if (!ovs_scan(s, "bpf_check(%"SCNu32",recirc=%"SCNi32",bytes=%n",
                  &handle, &recirc_id, &n)) {
        return 0;
    }
    for (;;) {
        uint16_t start, end;
        int m;

        if (n_ranges < ARRAY_SIZE(ranges)
            && ovs_scan(s + n, "[%"SCNu16",%"SCNu16")%n", &start, &end, &m)
            && start < end
            && bytes + (end - start) <= BPF_CHECK_MAX_BYTES) {
            ranges[n_ranges++] = (struct bpf_range) { start, end };
            bytes += end - start;
            n += m;
        } else if (s[n] == ')' && n_ranges) {
            bpf_check_put(odp_actions, handle, recirc_id, ranges, n_ranges);
            return n + 1;
        } else {
            return 0;
        }
    }
}

/* Copies the bytes of 'packet' in the 'n' ranges 'r' to 'buf' (at least
 * BPF_CHECK_MAX_BYTES long), as far as the packet has them.  The ranges are
 * a few bytes long: byte loops cost less here than calls of memcpy(). */
static void
bpf_check_save(const struct dp_packet *packet,
               const struct ovs_action_bpf_check_range *r, size_t n,
               uint8_t *buf)
{
    const uint8_t *data = dp_packet_data(packet);
    const uint32_t size = dp_packet_size(packet);
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        uint32_t end = MIN(r[i].end, size);

        for (uint32_t j = r[i].start; j < end && k < BPF_CHECK_MAX_BYTES; j++) {
            buf[k++] = data[j];
        }
    }
}

/* Returns true if a byte of 'packet' in the 'n' ranges 'r' differs from
 * what bpf_check_save() saved in 'buf'. */
static bool
bpf_check_changed(const struct dp_packet *packet,
                  const struct ovs_action_bpf_check_range *r, size_t n,
                  const uint8_t *buf)
{
    const uint8_t *data = dp_packet_data(packet);
    const uint32_t size = dp_packet_size(packet);
    uint8_t diff = 0;
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        uint32_t end = MIN(r[i].end, size);

        for (uint32_t j = r[i].start; j < end && k < BPF_CHECK_MAX_BYTES; j++) {
            diff |= data[j] ^ buf[k++];
        }
    }
    return diff != 0;
}

/* Returns how many bytes the 'n' ranges 'r' hold. */
static uint32_t
bpf_check_bytes(const struct ovs_action_bpf_check_range *r, size_t n)
{
    uint32_t bytes = 0;

    for (size_t i = 0; i < n; i++) {
        if (r[i].end > r[i].start) {
            bytes += r[i].end - r[i].start;
        }
    }
    return bytes;
}

/* Runs the program of OVS_ACTION_ATTR_BPF_CHECK 'a' on 'packet' and compares
 * the checked bytes before and after.  Returns -1 if the program did not
 * pass the packet (already counted; the caller drops it), 1 if a checked
 * byte changed value, 0 if none did.  Ranges that hold more than
 * BPF_CHECK_MAX_BYTES bytes cannot all be compared: such a check (or one
 * with no range or a truncated one) counts as changed (a new lookup),
 * whatever the program did.  An action too short to name a program drops
 * the packet (-1). */
int
bpf_check_execute(const struct nlattr *a, struct dp_packet *packet)
{
    const struct ovs_action_bpf_check *check = nl_attr_get(a);
    const struct ovs_action_bpf_check_range *r;
    uint8_t before[BPF_CHECK_MAX_BYTES];
    uint32_t size = dp_packet_size(packet);
    size_t n;

    if (nl_attr_get_size(a) < sizeof *check) {
        return -1;
    }
    r = bpf_check_ranges(a, &n);
    bool uncomparable = (!bpf_check_valid_len(nl_attr_get_size(a))
                     || bpf_check_bytes(r, n) > BPF_CHECK_MAX_BYTES);
    if (!uncomparable) {
        bpf_check_save(packet, r, n, before);
    }
    if (!bpf_action_execute(check->handle, packet)) {
        return -1;
    }
    if (uncomparable || size != dp_packet_size(packet)
        || bpf_check_changed(packet, r, n, before)) {
        COVERAGE_INC(bpf_check_changed);
        return 1;
    }
    COVERAGE_INC(bpf_check_unchanged);
    return 0;
}

/* Runs OVS_ACTION_ATTR_BPF_CHECK 'a' on every packet of 'packets'.  Packets
 * that the program drops are freed, packets whose checked bytes changed are
 * moved to 'changed' with their recirculation ID set, and the others stay
 * in 'packets', in order. */
void
bpf_check_execute_batch(const struct nlattr *a,
                        struct dp_packet_batch *packets,
                        struct dp_packet_batch *changed)
{
    const struct ovs_action_bpf_check *check = nl_attr_get(a);
    const size_t n = dp_packet_batch_size(packets);
    struct dp_packet *packet;
    size_t i;

    DP_PACKET_BATCH_REFILL_FOR_EACH (i, n, packet, packets) {
        int result = bpf_check_execute(a, packet);

        if (!result) {
            dp_packet_batch_refill(packets, packet, i);
        } else if (result > 0) {
            packet->md.recirc_id = check->recirc_id;
            dp_packet_batch_add(changed, packet);
        } else {
            dp_packet_delete(packet);
        }
    }
}

/* Byte ranges, added in increasing order of start. */
struct consulted {
    struct bpf_range *r;
    size_t n, max;
    bool overflow;
};

static void
consulted_add(struct consulted *c, uint32_t start, uint32_t end)
{
    if (c->n && c->r[c->n - 1].end >= start) {
        c->r[c->n - 1].end = MAX(c->r[c->n - 1].end, end);
    } else if (c->n < c->max) {
        c->r[c->n++] = (struct bpf_range) { start, end };
    } else {
        /* Cover the gap: comparing more bytes is only conservative. */
        c->r[c->n - 1].end = MAX(c->r[c->n - 1].end, end);
    }
}

/* Adds the bytes at 'ofs' of a field whose mask is the 'len' bytes at
 * 'mask' for each byte of the mask that is not zero. */
static void
consulted_add_masked(struct consulted *c, uint32_t ofs, const void *mask_,
                     size_t len)
{
    const uint8_t *mask = mask_;

    for (size_t i = 0; i < len; i++) {
        if (mask[i]) {
            consulted_add(c, ofs + i, ofs + i + 1);
        }
    }
}

/* Adds the L4 bytes at 'l4' of a packet with headers 'flow' whose bits in
 * 'm' (the masks) are set. */
static void
consulted_add_l4(struct consulted *c, const struct flow *flow,
                 const struct flow *m, uint32_t l4)
{
    bool ports = m->tp_src || m->tp_dst;

    switch (flow->nw_proto) {
    case IPPROTO_TCP:
        if (ports || m->tcp_flags) {
            consulted_add_masked(c, l4, &m->tp_src, 2);
            consulted_add_masked(c, l4 + 2, &m->tp_dst, 2);
            /* The data offset decides whether flow extraction parses the
             * ports; the flags share its 16 bits. */
            consulted_add(c, l4 + 12, l4 + 14);
        }
        break;
    case IPPROTO_UDP:
    case IPPROTO_SCTP:
        consulted_add_masked(c, l4, &m->tp_src, 2);
        consulted_add_masked(c, l4 + 2, &m->tp_dst, 2);
        break;
    case IPPROTO_ICMP:
        if (ports) {
            consulted_add(c, l4, l4 + 2);
        }
        break;
    case IPPROTO_IGMP:
        if (ports) {
            consulted_add(c, l4, l4 + 2);
        }
        consulted_add_masked(c, l4 + 4, &m->igmp_group_ip4, 4);
        break;
    case IPPROTO_ICMPV6:
        if (ports || ipv6_addr_is_set(&m->nd_target)
            || !eth_addr_is_zero(m->arp_sha)
            || !eth_addr_is_zero(m->arp_tha)) {
            consulted_add(c, l4, BPF_RANGE_UNBOUNDED);
        }
        break;
    default:
        break;
    }
}

/* Stores in 'ranges' (room for 'max', at least 2) and '*n' the bytes of a
 * packet with headers 'flow' in their usual layout (see bpf-policy.c of the
 * flowkey layer) that hold the bits set in 'wc', plus the bytes that decide
 * where flow extraction finds them (Ethertypes and VLAN tags, IPv4 version
 * and header length, total length, fragment fields and protocol, the whole
 * IPv6 header, the TCP data offset, the fixed ARP fields).  Returns false
 * if 'flow' has no such layout (MPLS, NSH, non-Ethernet, IPv6 fragments).
 * Ranges may cover more bytes than that, if there are more than 'max'. */
bool
bpf_check_consulted(const struct flow *flow, const struct flow_wildcards *wc,
                    struct bpf_range *ranges, size_t *n, size_t max)
{
    const struct flow *m = &wc->masks;
    struct consulted c = { .r = ranges, .max = max };
    uint32_t l2 = ETH_HEADER_LEN;

    *n = 0;
    if (flow->packet_type != htonl(PT_ETH)
        || eth_type_mpls(flow->dl_type)
        || flow->dl_type == htons(ETH_TYPE_NSH)
        || (flow->dl_type == htons(ETH_TYPE_IPV6) && flow->nw_frag)) {
        return false;
    }
    for (size_t i = 0; i < FLOW_MAX_VLAN_HEADERS; i++) {
        if (flow->vlans[i].tci & htons(VLAN_CFI)) {
            l2 += VLAN_HEADER_LEN;
        }
    }
    consulted_add_masked(&c, 0, &m->dl_dst, ETH_ADDR_LEN);
    consulted_add_masked(&c, ETH_ADDR_LEN, &m->dl_src, ETH_ADDR_LEN);
    consulted_add(&c, 2 * ETH_ADDR_LEN, l2);

    if (flow->dl_type == htons(ETH_TYPE_IP)) {
        consulted_add(&c, l2, l2 + 1);
        if (m->nw_tos) {
            consulted_add(&c, l2 + 1, l2 + 2);
        }
        consulted_add(&c, l2 + 2, l2 + 4);
        consulted_add(&c, l2 + 6, l2 + 8);
        if (m->nw_ttl) {
            consulted_add(&c, l2 + 8, l2 + 9);
        }
        consulted_add(&c, l2 + 9, l2 + 10);
        consulted_add_masked(&c, l2 + 12, &m->nw_src, 4);
        consulted_add_masked(&c, l2 + 16, &m->nw_dst, 4);
        if (!(flow->nw_frag & FLOW_NW_FRAG_LATER)) {
            consulted_add_l4(&c, flow, m, l2 + IP_HEADER_LEN);
        }
    } else if (flow->dl_type == htons(ETH_TYPE_IPV6)) {
        consulted_add(&c, l2, l2 + IPV6_HEADER_LEN);
        consulted_add_l4(&c, flow, m, l2 + IPV6_HEADER_LEN);
    } else if (flow->dl_type == htons(ETH_TYPE_ARP)
               || flow->dl_type == htons(ETH_TYPE_RARP)) {
        consulted_add(&c, l2, l2 + ARP_ETH_HEADER_LEN);
    } else if (flow->dl_type == htons(FLOW_DL_TYPE_NONE)) {
        consulted_add(&c, l2, l2 + LLC_SNAP_HEADER_LEN);
    }
    *n = c.n;
    return true;
}

/* Stores in 'out' (room for 'max') the bytes that the sorted, disjoint
 * ranges 'a' and 'b' share, and returns how many ranges that is.  If there
 * are more than 'max', the last one covers the rest. */
size_t
bpf_ranges_intersect(const struct bpf_range *a, size_t n_a,
                     const struct bpf_range *b, size_t n_b,
                     struct bpf_range *out, size_t max)
{
    struct consulted c = { .r = out, .max = max };

    for (size_t i = 0, j = 0; i < n_a && j < n_b;) {
        uint32_t start = MAX(a[i].start, b[j].start);
        uint32_t end = MIN(a[i].end, b[j].end);

        if (start < end) {
            consulted_add(&c, start, end);
        }
        if (a[i].end < b[j].end) {
            i++;
        } else {
            j++;
        }
    }
    return c.n;
}

/* Returns how many bytes the 'n' ranges 'r' hold (UINT64_MAX if one is
 * unbounded). */
uint64_t
bpf_ranges_bytes(const struct bpf_range *r, size_t n)
{
    uint64_t total = 0;

    for (size_t i = 0; i < n; i++) {
        if (r[i].end == BPF_RANGE_UNBOUNDED) {
            return UINT64_MAX;
        }
        total += r[i].end - r[i].start;
    }
    return total;
}
