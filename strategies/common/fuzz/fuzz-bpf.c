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

/* libFuzzer target for the BPF extension runtime: untrusted input through
 * loader -> verifier -> interpreter.
 *
 * The first byte of an input selects what the rest is:
 *
 *   2:    bytes that drive the random program generator of
 *         tests/bpf-progen.h: a program made of blocks of the shapes that
 *         stress the verifier's bounds, copies, joins and merging, verified
 *         (merging from the start if the first of these bytes is odd,
 *         precisely first otherwise) and, if accepted, run on four random
 *         packets with the verdict's ranges enforced.
 *
 *   other even: an ELF object, loaded like "ovs-appctl bpf/load" does
 *         (libbpf and libelf parse it, maps are created, the verifier
 *         checks it, the interpreter prepares it); an accepted program then
 *         runs on four packets (empty, 14, 60 and 1514 bytes).
 *
 *   odd:  byte 1 is a packet length L, the next L bytes the packet, and the
 *         rest instructions (8 bytes each), verified against two maps (0: a
 *         hash map, 4-byte keys, 8-byte values, 16 entries; 1: an array map,
 *         16-byte values, 4 entries); an accepted program runs on the
 *         packet twice, sharing its maps.
 *
 * Memory errors in the runtime (built with AddressSanitizer and
 * UndefinedBehaviorSanitizer) crash the fuzzer.  A run-time fault of an
 * accepted program is not a memory error (the interpreter's own checks
 * stopped it), but it means that the verifier accepted an unsafe program or
 * computed read or write ranges that miss an access (they are enforced, as
 * in ovs-vswitchd), which the caches of the variants and a JIT trust: it is
 * a finding, and the target aborts, so that libFuzzer saves the input.
 * With XB_FUZZ_ABORT_ON_FAULT=0 in the environment, faults are only
 * counted.  The counts are printed when the fuzzer exits. */

#include <config.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf.h"
#include "bpf-interp.h"
#include "bpf-map.h"
#include "bpf-progen.h"
#include "bpf-verifier.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "util.h"

static bool abort_on_fault;
static uint64_t n_inputs, n_accepted, n_runs, n_faults, n_range_faults;

/* Prints the counts of this fuzzing process (at exit). */
static void
report(void)
{
    fprintf(stderr, "fuzz-bpf: %"PRIu64" inputs, %"PRIu64" accepted, %"PRIu64
            " runs, %"PRIu64" run-time faults of accepted programs (%"PRIu64
            " outside the verdict's ranges)\n",
            n_inputs, n_accepted, n_runs, n_faults, n_range_faults);
}

int LLVMFuzzerInitialize(int *argc, char **argv[]);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc OVS_UNUSED, char **argv[])
{
    set_program_name((*argv)[0]);
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    abort_on_fault = !getenv("XB_FUZZ_ABORT_ON_FAULT")
                     || strcmp(getenv("XB_FUZZ_ABORT_ON_FAULT"), "0");
    atexit(report);
    return 0;
}

/* Counts a run-time fault of an accepted program, for 'reason' (NULL if
 * unknown), and aborts unless asked not to. */
static void
count_fault(const char *reason)
{
    n_faults++;
    if (reason && strstr(reason, "verifier's")) {
        n_range_faults++;
    }
    if (abort_on_fault) {
        ovs_abort(0, "run-time fault of an accepted program: %s",
                  reason ? reason : "(reason unknown)");
    }
}

/* Loads the 'size' bytes at 'data' as an ELF object; runs it if accepted. */
static void
fuzz_elf(const uint8_t *data, size_t size)
{
    static const size_t sizes[] = { 0, 14, 60, 1514 };
    struct bpf_prog *prog;
    char *error;

    if (bpf_prog_open_mem(data, size, "fuzz", &prog, &error)) {
        free(error);
        return;
    }
    n_accepted++;
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        uint8_t *pkt = xmalloc(sizes[i] ? sizes[i] : 1);

        for (size_t j = 0; j < sizes[i]; j++) {
            pkt[j] = j * 7 + i;
        }
        if (bpf_prog_run_data(prog, pkt, sizes[i], 1) == BPF_RUN_FAULT) {
            count_fault(NULL);
        }
        n_runs++;
        free(pkt);
    }
    bpf_prog_close(prog);
}

/* Verifies the instructions in 'data' and runs them if accepted. */
static void
fuzz_insns(const uint8_t *data, size_t size)
{
    static const struct bpf_map_info infos[2] = {
        { EBPF_MAP_TYPE_HASH, 4, 8, 16 },
        { EBPF_MAP_TYPE_ARRAY, 4, 16, 4 },
    };
    struct ebpf_map *maps[2] = { NULL, NULL };
    struct bpf_verdict verdict = { .reads = NULL };
    struct bpf_interp_prog interp = { .code = NULL };
    char *error = NULL;

    if (size < 1) {
        return;
    }
    size_t pkt_size = MIN(data[0], size - 1);
    const uint8_t *pkt_data = data + 1;
    size_t n_insns = (size - 1 - pkt_size) / sizeof(struct ebpf_insn);
    if (!n_insns) {
        return;
    }
    struct ebpf_insn *insns = xmemdup(data + 1 + pkt_size,
                                      n_insns * sizeof *insns);

    if (bpf_verify(insns, n_insns, infos, ARRAY_SIZE(infos), &verdict,
                   &error)) {
        goto out;
    }
    n_accepted++;
    for (size_t i = 0; i < ARRAY_SIZE(maps); i++) {
        ovs_assert(!ebpf_map_create(i ? "array" : "hash", infos[i].type,
                                    infos[i].key_size, infos[i].value_size,
                                    infos[i].max_entries, &maps[i], &error));
    }
    if (bpf_interp_prepare(&interp, insns, n_insns, maps, ARRAY_SIZE(maps),
                           &error)) {
        /* The verifier accepted what the interpreter refuses: a
         * disagreement to look at, but not a memory error. */
        count_fault(error);
        goto out;
    }
    bpf_interp_enforce_ranges(&interp, &verdict);
    for (int i = 0; i < 2; i++) {
        /* A copy, so that ASan sees accesses past the packet's end. */
        uint8_t *pkt = xmemdup(pkt_data, pkt_size ? pkt_size : 1);
        struct bpf_interp_fault fault;
        uint64_t n_executed = 0;

        if (bpf_interp_run(&interp, pkt, pkt_size, NULL, &n_executed,
                           &fault) == BPF_RUN_FAULT) {
            count_fault(fault.reason);
        }
        n_runs++;
        free(pkt);
    }

out:
    bpf_interp_destroy(&interp);
    for (size_t i = 0; i < ARRAY_SIZE(maps); i++) {
        ebpf_map_destroy(maps[i]);
    }
    bpf_verdict_destroy(&verdict);
    free(error);
    free(insns);
}

/* Generates a program from the 'size' bytes at 'data' (bpf-progen.h),
 * verifies it and runs it on random packets if accepted. */
static void
fuzz_progen(const uint8_t *data, size_t size)
{
    struct bpf_verifier_opts opts = { .merge_only = false };
    struct bpf_verdict verdict = { .reads = NULL };
    struct bpf_interp_prog interp = { .code = NULL };
    struct ebpf_insn *insns;
    struct progen_rng rng;
    char *error = NULL;
    uint8_t *pkt;
    size_t n;
    int k;

    if (size < 1) {
        return;
    }
    opts.merge_only = data[0] & 1;
    opts.merge_threshold = 1 + (data[0] >> 1) % 4;
    progen_init(&rng, data + 1, size - 1, 1);
    insns = xmalloc(PROGEN_MAX_INSNS * sizeof *insns);
    n = progen_program(&rng, insns, &k);
    if (bpf_verify_opts(insns, n, NULL, 0, &opts, &verdict, &error)) {
        goto out;
    }
    n_accepted++;
    if (bpf_interp_prepare(&interp, insns, n, NULL, 0, &error)) {
        count_fault(error);
        goto out;
    }
    bpf_interp_enforce_ranges(&interp, &verdict);
    for (int i = 0; i < 4; i++) {
        size_t pkt_size = (i == 3 ? 256 + progen_below(&rng, 1259)
                           : i == 2 ? progen_below(&rng, 256)
                           : k + progen_below(&rng, 128));
        struct bpf_interp_fault fault;
        uint64_t n_executed = 0;

        /* Exactly the packet's size, so that ASan sees accesses past its
         * end. */
        pkt = xmalloc(pkt_size ? pkt_size : 1);
        progen_packet(&rng, pkt, pkt_size);
        if (bpf_interp_run(&interp, pkt, pkt_size, NULL, &n_executed,
                           &fault) == BPF_RUN_FAULT) {
            count_fault(fault.reason);
        }
        n_runs++;
        free(pkt);
    }

out:
    bpf_interp_destroy(&interp);
    bpf_verdict_destroy(&verdict);
    free(error);
    free(insns);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    n_inputs++;
    if (size >= 1) {
        if (data[0] == 2) {
            fuzz_progen(data + 1, size - 1);
        } else if (data[0] & 1) {
            fuzz_insns(data + 1, size - 1);
        } else {
            fuzz_elf(data + 1, size - 1);
        }
    }
    /* Runs the RCU callbacks that map updates and deletes postponed. */
    ovsrcu_quiesce();
    return 0;
}
