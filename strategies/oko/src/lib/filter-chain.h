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

#ifndef FILTER_CHAIN_H
#define FILTER_CHAIN_H 1

/* Filter chains: how cached datapath flows depend on BPF filter programs.
 *
 * A flow may carry a filter ("filter_prog=ID"): a BPF program, loaded on the
 * bridge under that ID, that must return 1 on a packet for the flow to match
 * it.  Translation records, in order, every filter that it evaluated and its
 * result ("filter chain").  The datapath flow made from the translation holds
 * the chain as its first action, OVS_ACTION_ATTR_FILTER_PROGS, whose payload
 * is an array of struct filter_chain_entry; it is printed and parsed as
 * "filter_progs(H=R,...)" where H is a program's datapath-wide handle (see
 * bpf.h) and R its recorded result.  A cached flow (EMC, SMC or megaflow) may
 * serve a packet only if every program of its chain gives the recorded result
 * on that packet (filter_chain_check()); executing the actions skips the
 * chain.  The attribute exists only in the userspace datapath.
 *
 * Each program runs at most once per packet and datapath pass: results are
 * memoized in the packet (struct dp_packet_filter_memo), which translation of
 * the same packet (the upcall) also reads. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dp-packet.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "openvswitch/types.h"

struct bpf_prog;
struct ds;
struct ofpbuf;

/* Longest chain: as many programs as a packet's memo can hold. */
#define FILTER_CHAIN_MAX DP_PACKET_FILTER_MEMO_MAX

/* One filter evaluated by a translation. */
struct filter_chain_entry {
    uint32_t handle;            /* The program's handle (bpf_prog_handle()). */
    uint32_t result;            /* 1 if it returned 1 ("match"), else 0. */
};

/* Returns the filter chain that leads the datapath actions 'actions' (of
 * 'size' bytes), or NULL if they have none. */
static inline const struct nlattr *
filter_chain_from_actions(const struct nlattr *actions, size_t size)
{
    return (size >= NLA_HDRLEN
            && nl_attr_type(actions) == OVS_ACTION_ATTR_FILTER_PROGS
            ? actions : NULL);
}

/* Returns the number of entries in 'chain'. */
static inline size_t
filter_chain_n(const struct nlattr *chain)
{
    return nl_attr_get_size(chain) / sizeof(struct filter_chain_entry);
}

/* Returns the entries of 'chain'. */
static inline const struct filter_chain_entry *
filter_chain_entries(const struct nlattr *chain)
{
    return nl_attr_get(chain);
}

int filter_chain_find(const struct nlattr *chain, uint32_t handle);
void filter_chain_push(struct ofpbuf *odp_actions,
                       const struct filter_chain_entry *, size_t n);
bool filter_chain_check(const struct nlattr *chain, struct dp_packet *);
int filter_run(struct bpf_prog *, struct dp_packet *);
void filter_chain_hash_ufid(ovs_u128 *ufid, const struct nlattr *chain);

bool filter_chain_is_valid(const struct nlattr *chain);
void filter_chain_format(struct ds *, const struct nlattr *chain);
int filter_chain_parse(const char *s, struct ofpbuf *actions);

#endif /* filter-chain.h */
