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

/* SoftFlow's re-classification policy (Jackson et al., USENIX ATC '16): the
 * packet is looked up again after every bpf action, unless the flow's author
 * set "coalesce" and so vouched that the program changes nothing that the
 * rest of the pipeline matches on. */

#include <config.h>
#include "bpf-policy.h"

#include "openvswitch/dynamic-string.h"
#include "util.h"

/* Returns the name of this variant, for messages. */
const char *
bpf_policy_name(void)
{
    return "softflow";
}

/* Returns true: SoftFlow's flow author may waive re-classification. */
bool
bpf_policy_allows_coalesce(void)
{
    return true;
}

/* Returns what translation does after the bpf action that runs 'prog': a
 * new lookup (BPF_POLICY_RECIRCULATE) unless the action sets 'coalesce'.
 * The program, the translated 'flow', its wildcards 'wc' and 'conservative'
 * play no part.  If 'why' is nonnull, appends the reason to it. */
enum bpf_policy_decision
bpf_policy_decide(const struct bpf_prog *prog OVS_UNUSED, bool coalesce,
                  const struct flow *flow OVS_UNUSED,
                  struct flow_wildcards *wc OVS_UNUSED,
                  bool conservative OVS_UNUSED, struct ds *why)
{
    if (why) {
        ds_put_cstr(why, coalesce
                    ? "no new lookup: the flow sets coalesce"
                    : "new lookup: softflow looks up after every bpf action");
    }
    return coalesce ? BPF_POLICY_CONTINUE : BPF_POLICY_RECIRCULATE;
}
