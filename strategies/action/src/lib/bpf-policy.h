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

#ifndef BPF_POLICY_H
#define BPF_POLICY_H 1

/* When the OpenFlow "bpf" action re-classifies the packet.
 *
 * After a program that may have rewritten the packet, the headers that
 * translation holds in its 'struct flow' may be stale.  Translation then
 * "freezes" the remaining actions: the datapath recirculates the packet, and
 * the rest of the pipeline is looked up again on its new headers.  Each
 * variant that uses the bpf action decides when, in its own bpf-policy.c:
 *
 *   - softflow: after every bpf action, unless the flow sets "coalesce";
 *
 *   - verifier: iff the verifier's load-time verdict says the program may
 *     write bytes that OVS's flow extraction parses for this packet.
 *
 * Translation never runs the program: the decision depends only on the
 * program's verdict and on the translated flow, so the datapath flow that
 * carries it is valid for every packet that it matches.  The one exception
 * is BPF_POLICY_CONTINUE_GUARDED, whose run-time guard (struct
 * ovs_action_bpf_guard in bpf-action.h) sends the packets for which the
 * decision does not hold back through translation in "conservative" mode. */

#include <stdbool.h>

struct bpf_prog;
struct ds;
struct flow;
struct flow_wildcards;

/* What translation does after a bpf action that other actions follow. */
enum bpf_policy_decision {
    /* No new lookup: the remaining actions run on the same classification. */
    BPF_POLICY_CONTINUE,

    /* No new lookup for the packets whose headers have the layout that the
     * translated flow suggests (no LLC/SNAP header, IPv4 options or IPv6
     * extension headers), which a run-time guard checks; the others start
     * the pipeline stage over, in conservative mode.  Only when not
     * 'conservative'. */
    BPF_POLICY_CONTINUE_GUARDED,

    /* New lookup: freeze the remaining actions and recirculate. */
    BPF_POLICY_RECIRCULATE,
};

/* The variant whose policy this is, for messages. */
const char *bpf_policy_name(void);

/* Whether this variant accepts the bpf action's "coalesce" flag. */
bool bpf_policy_allows_coalesce(void);

enum bpf_policy_decision bpf_policy_decide(const struct bpf_prog *,
                                           bool coalesce,
                                           const struct flow *,
                                           struct flow_wildcards *,
                                           bool conservative,
                                           struct ds *why);

#endif /* bpf-policy.h */
