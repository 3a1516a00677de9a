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

#ifndef BPF_ACTION_H
#define BPF_ACTION_H 1

/* Datapath side of the OpenFlow "bpf" action.
 *
 * Translation turns "bpf(prog=ID)" into the userspace-only datapath action
 * OVS_ACTION_ATTR_BPF, whose argument is the program's datapath-wide handle
 * (see bpf.h).  The datapath runs the program on every packet that the
 * action applies to: XDP_PASS lets the packet go on to the next action,
 * XDP_DROP drops it (coverage counter "bpf_drop"), and any other return
 * value, a run-time fault (BPF_RUN_FAULT) included, drops it as an error
 * ("bpf_error").  A handle that no longer names a loaded program (the
 * program was unloaded or replaced and revalidation has not yet updated the
 * datapath flow) drops the packet too ("bpf_stale_handle"). */

#include <stdbool.h>
#include <stdint.h>

struct dp_packet;
struct dp_packet_batch;

bool bpf_action_execute(uint32_t handle, struct dp_packet *);
void bpf_action_execute_batch(uint32_t handle, struct dp_packet_batch *);

/* Argument of OVS_ACTION_ATTR_BPF_GUARD, "bpf_guard(l3=L3,l4=L4,recirc=ID)".
 *
 * A policy may decide that no new lookup is needed after a bpf action only
 * for packets whose headers have the layout that the translated flow
 * suggests: no LLC/SNAP header, no IPv4 options, no IPv6 extension headers.
 * The flow key cannot tell those apart, so translation then puts this guard
 * first in the datapath actions: a packet whose network header does not
 * start at 'l3_ofs' and whose transport header does not start at 'l4_ofs'
 * (as flow extraction found them; UINT16_MAX for none) skips the remaining
 * actions and is recirculated with 'recirc_id', whose translation restarts
 * the same pipeline stage without that assumption. */
struct ovs_action_bpf_guard {
    uint16_t l3_ofs;
    uint16_t l4_ofs;
    uint32_t recirc_id;
};

bool bpf_guard_matches(const struct ovs_action_bpf_guard *,
                       const struct dp_packet *);

#endif /* bpf-action.h */
