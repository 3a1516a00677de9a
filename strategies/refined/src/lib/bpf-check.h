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

#ifndef BPF_CHECK_H
#define BPF_CHECK_H 1

/* The refined variant's run-time check after a bpf action.
 *
 * Translation of the stages after a bpf action assumes that the program
 * changed nothing.  It records which flow key bits those stages consulted;
 * bpf_check_consulted() maps them to packet bytes, which translation
 * intersects with the bytes that the verifier says the program may write.
 * If the intersection is empty, the datapath flow runs the program with the
 * plain "bpf(H)" action.  Otherwise it uses OVS_ACTION_ATTR_BPF_CHECK,
 * "bpf_check(H,recirc=R,bytes=[a,b)...)": for each packet the datapath
 * saves those bytes, runs the program, and compares.  A packet whose saved
 * bytes all kept their values goes on with the following actions (coverage
 * "bpf_check_unchanged"); any other packet leaves the batch and is
 * recirculated with R (coverage "bpf_check_changed"), whose frozen state
 * continues the pipeline right after the bpf action on the re-parsed
 * headers. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bpf_range;
struct dp_packet;
struct dp_packet_batch;
struct ds;
struct flow;
struct flow_wildcards;
struct nlattr;
struct ofpbuf;

/* At most this many bytes are compared per packet: translation checks at
 * run time only programs whose writes are this small. */
#define BPF_CHECK_MAX_BYTES 64

/* Fixed part of OVS_ACTION_ATTR_BPF_CHECK's argument, which is followed by
 * one or more 'struct ovs_action_bpf_check_range'. */
struct ovs_action_bpf_check {
    uint32_t handle;            /* Program, as in OVS_ACTION_ATTR_BPF. */
    uint32_t recirc_id;         /* For packets whose checked bytes changed. */
};

struct ovs_action_bpf_check_range {
    uint16_t start;
    uint16_t end;
};

void bpf_check_put(struct ofpbuf *odp_actions, uint32_t handle,
                   uint32_t recirc_id, const struct bpf_range *, size_t n);
void bpf_check_format(const struct nlattr *, struct ds *);
int bpf_check_parse(const char *, struct ofpbuf *odp_actions);
bool bpf_check_valid_len(size_t len);

void bpf_check_execute_batch(const struct nlattr *,
                             struct dp_packet_batch *packets,
                             struct dp_packet_batch *changed);
int bpf_check_execute(const struct nlattr *, struct dp_packet *);

bool bpf_check_consulted(const struct flow *, const struct flow_wildcards *,
                         struct bpf_range *, size_t *n, size_t max);
size_t bpf_ranges_intersect(const struct bpf_range *a, size_t n_a,
                            const struct bpf_range *b, size_t n_b,
                            struct bpf_range *out, size_t max);
uint64_t bpf_ranges_bytes(const struct bpf_range *, size_t n);

#endif /* bpf-check.h */
