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
#include "bpf-action.h"

#include "bpf.h"
#include "coverage.h"
#include "dp-packet.h"

COVERAGE_DEFINE(bpf_drop);
COVERAGE_DEFINE(bpf_error);
COVERAGE_DEFINE(bpf_guard_miss);
COVERAGE_DEFINE(bpf_stale_handle);

/* Accounts for the return value 'ret' of a BPF program run.  Returns true if
 * the packet continues (XDP_PASS), false if it must be dropped. */
static bool
bpf_action_verdict(uint64_t ret)
{
    if (ret == BPF_XDP_PASS) {
        return true;
    } else if (ret == BPF_XDP_DROP) {
        COVERAGE_INC(bpf_drop);
    } else {
        COVERAGE_INC(bpf_error);
    }
    return false;
}

/* Runs the program whose datapath handle is 'handle' on 'packet', which it
 * may modify in place.  Returns true if the packet passes and must go on
 * to the next action, false if the caller must drop it (already counted). */
bool
bpf_action_execute(uint32_t handle, struct dp_packet *packet)
{
    struct bpf_prog *prog = bpf_registry_get(handle);

    if (!prog) {
        COVERAGE_INC(bpf_stale_handle);
        return false;
    }
    return bpf_action_verdict(bpf_prog_run(prog, packet));
}

/* Returns true if the headers of 'packet' have the layout that 'guard'
 * expects, as flow extraction found it.  Counts the packets that do not
 * ("bpf_guard_miss"). */
bool
bpf_guard_matches(const struct ovs_action_bpf_guard *guard,
                  const struct dp_packet *packet)
{
    if (packet->l3_ofs == guard->l3_ofs && packet->l4_ofs == guard->l4_ofs) {
        return true;
    }
    COVERAGE_INC(bpf_guard_miss);
    return false;
}

/* Runs the program whose datapath handle is 'handle' on every packet of
 * 'batch', in order.  Packets that the program does not pass are removed
 * from 'batch' and freed; the others stay in 'batch', in order, possibly
 * modified. */
void
bpf_action_execute_batch(uint32_t handle, struct dp_packet_batch *batch)
{
    const size_t n = dp_packet_batch_size(batch);
    struct bpf_prog *prog = bpf_registry_get(handle);
    struct dp_packet *packet;
    size_t i;

    if (!prog) {
        COVERAGE_ADD(bpf_stale_handle, n);
        dp_packet_delete_batch(batch, true);
        return;
    }

    DP_PACKET_BATCH_REFILL_FOR_EACH (i, n, packet, batch) {
        if (bpf_action_verdict(bpf_prog_run(prog, packet))) {
            dp_packet_batch_refill(batch, packet, i);
        } else {
            dp_packet_delete(packet);
        }
    }
}
