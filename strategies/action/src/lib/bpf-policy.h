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
 * carries it is valid for every packet that it matches. */

#include <stdbool.h>

struct bpf_prog;
struct ds;
struct flow;
struct flow_wildcards;

/* The variant whose policy this is, for messages. */
const char *bpf_policy_name(void);

/* Whether this variant accepts the bpf action's "coalesce" flag. */
bool bpf_policy_allows_coalesce(void);

bool bpf_policy_must_recirculate(const struct bpf_prog *, bool coalesce,
                                 const struct flow *,
                                 const struct flow_wildcards *,
                                 struct ds *why);

#endif /* bpf-policy.h */
