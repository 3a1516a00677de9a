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

#ifndef FILTER_FOLD_H
#define FILTER_FOLD_H 1

/* Folding filters into megaflows (variant oko-fold, on top of oko's filter
 * chains, lib/filter-chain.h).
 *
 * A filter is "foldable" if the verifier proves that its result is a
 * function of packet bytes that flow fields hold, for packets with the usual
 * header layout: it writes no packet byte, calls no helper (no map, time or
 * random number), reads no context field but data, data_end, data_meta and
 * ingress_ifindex (the datapath in_port, which every megaflow matches
 * exactly), does not use the packet's length as a value, compares the
 * packet's end only with pointers at bounded offsets, and reads only bytes
 * that flow fields hold in some usual layout (filter_fold_classify()).
 *
 * Translation folds a foldable filter it evaluates on a packet of a usual
 * layout (filter_fold_mask()): the bytes it reads become exact-match bytes of
 * the megaflow (through the flow fields that hold them), its result is
 * decided once, and the datapath flow's chain records it as "folded", which
 * the caches never run.  The flow key cannot tell a usual layout from one
 * that shifts the headers (VLAN tags, LLC/SNAP, IPv4 options, IPv6
 * extension headers), nor a long packet from a short one, nor a packet whose
 * L4 header is complete from one whose L4 header is truncated (flow
 * extraction then leaves the L4 fields 0 although bytes may follow, e.g.
 * Ethernet padding), so the chain starts with a guard entry that checks the
 * packet's L3 and L4 offsets, its minimum length and, if a folded filter
 * reads L4 bytes, that flow extraction parsed the L4 header (its L4 size,
 * trimmed to the IP length, holds the whole header; for TCP, a data offset
 * of at least 5 words within it): a packet that fails it misses the flow.
 *
 * Encoding, in the OVS_ACTION_ATTR_FILTER_PROGS payload (struct
 * filter_chain_entry[]): a guard entry has handle FILTER_FOLD_GUARD and
 * 'result' = l3 << 26 | l4_hdr << 24 | l4 << 16 | min_len (l3 < 64, l4 0xff:
 * none, l4_hdr one of FILTER_FOLD_L4HDR_*); a folded entry has
 * FILTER_FOLD_FOLDED set in 'result'.  Folded entries come last.  Text:
 * "filter_progs(guard(l3=14,l4=34,len=42[,l4len=8]),H=R,...,folded(H=R,...))"
 * with l4len 8, 12 or tcp (20 and the data offset). */

#include <stdbool.h>
#include <stdint.h>
#include "filter-chain.h"

struct bpf_verdict;
struct dp_packet;
struct ds;
struct flow;
struct flow_wildcards;
struct ofpbuf;

#define FILTER_FOLD_GUARD 0         /* Handle of a guard entry. */
#define FILTER_FOLD_FOLDED 2        /* Flag in a folded entry's result. */
#define FILTER_FOLD_L4_NONE 0xff    /* A guard's l4 when there is none. */

/* The L4 header that a guard requires flow extraction to have parsed. */
enum filter_fold_l4hdr {
    FILTER_FOLD_L4HDR_ANY = 0,  /* Nothing required. */
    FILTER_FOLD_L4HDR_8 = 1,    /* 8 bytes: UDP, ICMP, ICMPv6, IGMP. */
    FILTER_FOLD_L4HDR_SCTP = 2, /* 12 bytes. */
    FILTER_FOLD_L4HDR_TCP = 3,  /* 20 bytes, data offset >= 5 and within. */
};

/* A packet's header layout, as flow extraction found it, and the L4 header
 * that a guard requires. */
struct filter_fold_layout {
    uint16_t l3_ofs;
    uint16_t l4_ofs;            /* UINT16_MAX: none. */
    uint8_t l4_hdr;             /* enum filter_fold_l4hdr. */
};

void filter_fold_init(void);
bool filter_fold_classify(const struct bpf_verdict *, struct ds *why);
bool filter_fold_needs_guard(const struct bpf_verdict *);
bool filter_fold_mask(const struct bpf_verdict *, const struct flow *,
                      const struct filter_fold_layout *,
                      const struct dp_packet *,
                      struct flow_wildcards *, uint8_t *l4_hdr,
                      struct ds *why);
bool filter_fold_l4_complete(const struct dp_packet *, uint8_t l4_hdr);

uint32_t filter_fold_guard_encode(const struct filter_fold_layout *,
                                  uint32_t min_len);
void filter_fold_guard_decode(uint32_t, struct filter_fold_layout *,
                              uint32_t *min_len);

const struct filter_chain_entry *filter_fold_chain_find(
    const struct nlattr *chain, uint32_t handle);
const struct filter_chain_entry *filter_fold_chain_find_guard(
    const struct nlattr *chain);
void filter_fold_chain_push(struct ofpbuf *odp_actions,
                            const struct filter_chain_entry *, size_t n,
                            const uint32_t *guard);
bool filter_fold_chain_check(const struct nlattr *chain, struct dp_packet *);
bool filter_fold_chain_is_valid(const struct nlattr *chain);
void filter_fold_chain_format(struct ds *, const struct nlattr *chain);
int filter_fold_chain_parse(const char *s, struct ofpbuf *actions);

#endif /* filter-fold.h */
