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

#endif /* bpf-action.h */
