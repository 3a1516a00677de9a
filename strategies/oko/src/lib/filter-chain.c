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

#include "filter-chain.h"

#include <errno.h>
#include <string.h>

#include "bpf.h"
#include "coverage.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"

/* Programs actually run as filters (memo misses), chains checked on cache
 * hits, and checks that failed (the hit became a miss). */
COVERAGE_DEFINE(filter_prog_run);
COVERAGE_DEFINE(filter_chain_check);
COVERAGE_DEFINE(filter_chain_mismatch);

/* Returns the result recorded for the program with 'handle' in 'chain' (0 or
 * 1), or -1 if 'chain' (which may be NULL) does not have it. */
int
filter_chain_find(const struct nlattr *chain, uint32_t handle)
{
    if (chain) {
        const struct filter_chain_entry *e = filter_chain_entries(chain);
        size_t n = filter_chain_n(chain);

        for (size_t i = 0; i < n; i++) {
            if (e[i].handle == handle) {
                return e[i].result;
            }
        }
    }
    return -1;
}

/* Inserts a filter chain of the 'n' (nonzero) entries in 'entries' in front
 * of the datapath actions in 'odp_actions'. */
void
filter_chain_push(struct ofpbuf *odp_actions,
                  const struct filter_chain_entry *entries, size_t n)
{
    nl_msg_push_unspec(odp_actions, OVS_ACTION_ATTR_FILTER_PROGS, entries,
                       n * sizeof *entries);
}

/* Runs filter program 'prog', whose handle is 'handle', on 'packet' and
 * memoizes the result in 'packet'.  Returns the result: 1 if the program
 * returned 1, 0 otherwise (including a run-time fault). */
static int
filter_run__(struct bpf_prog *prog, uint32_t handle, struct dp_packet *packet)
{
    int result;

    COVERAGE_INC(filter_prog_run);
    result = bpf_prog_run(prog, packet) == 1;
    dp_packet_filter_memo_put(packet, handle, result);
    return result;
}

/* Returns the result of filter program 'prog' on 'packet': 1 if it returns
 * 1, 0 otherwise (including a run-time fault).  Runs it only if 'packet''s
 * memo does not have its result yet, and then records the result there. */
int
filter_run(struct bpf_prog *prog, struct dp_packet *packet)
{
    uint32_t handle = bpf_prog_handle(prog);
    int result = dp_packet_filter_memo_get(packet, handle);

    return result >= 0 ? result : filter_run__(prog, handle, packet);
}

/* Returns true if every program in 'chain' gives its recorded result on
 * 'packet', in order, stopping at the first difference.  A program that is
 * no longer loaded is a difference. */
bool
filter_chain_check(const struct nlattr *chain, struct dp_packet *packet)
{
    const struct filter_chain_entry *e = filter_chain_entries(chain);
    size_t n = filter_chain_n(chain);

    COVERAGE_INC(filter_chain_check);
    for (size_t i = 0; i < n; i++) {
        int result = dp_packet_filter_memo_get(packet, e[i].handle);

        if (result < 0) {
            struct bpf_prog *prog = bpf_registry_get(e[i].handle);

            result = prog ? filter_run__(prog, e[i].handle, packet) : -1;
        }
        if (result != e[i].result) {
            COVERAGE_INC(filter_chain_mismatch);
            return false;
        }
    }
    return true;
}

/* Replaces '*ufid', the flow identifier of a datapath flow, by one that also
 * depends on the flow's 'chain'.  Two flows for the same packet that differ
 * only in their chains (because a filter's result changed) then get different
 * identifiers. */
void
filter_chain_hash_ufid(ovs_u128 *ufid, const struct nlattr *chain)
{
    uint8_t buf[sizeof *ufid
                + FILTER_CHAIN_MAX * sizeof(struct filter_chain_entry)];
    size_t size = MIN(nl_attr_get_size(chain), sizeof buf - sizeof *ufid);

    memcpy(buf, ufid, sizeof *ufid);
    memcpy(buf + sizeof *ufid, nl_attr_get(chain), size);
    hash_bytes128(buf, sizeof *ufid + size, 0, ufid);
}

/* Returns true if 'chain' is a well-formed OVS_ACTION_ATTR_FILTER_PROGS
 * attribute: 1 to FILTER_CHAIN_MAX entries with results 0 or 1. */
bool
filter_chain_is_valid(const struct nlattr *chain)
{
    size_t size = nl_attr_get_size(chain);
    size_t n = size / sizeof(struct filter_chain_entry);

    if (size % sizeof(struct filter_chain_entry) || !n
        || n > FILTER_CHAIN_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (filter_chain_entries(chain)[i].result > 1) {
            return false;
        }
    }
    return true;
}

/* Appends "filter_progs(H=R,...)" for 'chain' to 's'. */
void
filter_chain_format(struct ds *s, const struct nlattr *chain)
{
    if (!filter_chain_is_valid(chain)) {
        ds_put_format(s, "filter_progs(bad length %"PRIuSIZE")",
                      nl_attr_get_size(chain));
        return;
    }

    const struct filter_chain_entry *e = filter_chain_entries(chain);
    size_t n = filter_chain_n(chain);

    ds_put_cstr(s, "filter_progs(");
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "%s%"PRIu32"=%"PRIu32, i ? "," : "", e[i].handle,
                      e[i].result);
    }
    ds_put_char(s, ')');
}

/* Parses "filter_progs(H=R,...)" at the start of 's' and appends the chain
 * to 'actions'.  Returns the number of bytes parsed, or -EINVAL if 's' does
 * not start with a valid chain (1 to FILTER_CHAIN_MAX entries, each result 0
 * or 1). */
int
filter_chain_parse(const char *s, struct ofpbuf *actions)
{
    static const char prefix[] = "filter_progs(";
    struct filter_chain_entry entries[FILTER_CHAIN_MAX];
    const char *p = s + strlen(prefix);
    size_t n = 0;

    if (strncmp(s, prefix, strlen(prefix))) {
        return -EINVAL;
    }
    while (*p != ')') {
        uint32_t handle, result;
        int len;

        if (n >= FILTER_CHAIN_MAX
            || !ovs_scan(p, "%"SCNu32"=%"SCNu32"%n", &handle, &result, &len)
            || result > 1) {
            return -EINVAL;
        }
        entries[n].handle = handle;
        entries[n].result = result;
        n++;
        p += len;
        if (*p == ',') {
            p++;
        } else if (*p != ')') {
            return -EINVAL;
        }
    }
    if (!n) {
        return -EINVAL;
    }
    nl_msg_put_unspec(actions, OVS_ACTION_ATTR_FILTER_PROGS, entries,
                      n * sizeof *entries);
    return p + 1 - s;
}
