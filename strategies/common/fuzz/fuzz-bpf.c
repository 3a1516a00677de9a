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
 * counted.  The counts are printed when the fuzzer exits.
 *
 * With XB_FUZZ_JIT=1 in the environment, every accepted program also runs
 * as JIT code, with proofs (bpf-jit.h) and with every check kept, each on
 * its own copy of the packet and its own maps: the return values, the
 * packet bytes and (for instruction streams, unless the program calls
 * ktime_get_ns or get_prandom_u32) the maps afterwards must equal the
 * interpreter's, or the target aborts. */

#include <config.h>
#include <alloca.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf.h"
#include "bpf-interp.h"
#include "bpf-jit.h"
#include "bpf-map.h"
#include "bpf-progen.h"
#include "bpf-verifier.h"
#include "openvswitch/vlog.h"
#include "openvswitch/dynamic-string.h"
#include "ovs-rcu.h"
#include "util.h"

static bool abort_on_fault;
static bool fuzz_jit;
static uint64_t n_inputs, n_accepted, n_runs, n_faults, n_jit_runs;
static uint64_t n_addr_dependent, n_range_faults;

/* Prints the counts of this fuzzing process (at exit). */
static void
report(void)
{
    fprintf(stderr, "fuzz-bpf: %"PRIu64" inputs, %"PRIu64" accepted, %"PRIu64
            " runs, %"PRIu64" run-time faults of accepted programs (%"PRIu64
            " outside the verdict's ranges), %"PRIu64" JIT runs compared, %"
            PRIu64" programs not compared (results depend on addresses)\n",
            n_inputs, n_accepted, n_runs, n_faults, n_range_faults,
            n_jit_runs, n_addr_dependent);
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
    fuzz_jit = getenv("XB_FUZZ_JIT") && !strcmp(getenv("XB_FUZZ_JIT"), "1");
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

/* Returns true if a value derived from the frame pointer r10 (whose address
 * differs between the interpreter and the JIT) may flow into anything but
 * an address: a comparison, an ALU operation other than mov and adding or
 * subtracting a constant, a store (a spill, reloaded as a scalar), an
 * atomic operand or the return value.  The verifier allows some of these
 * (e.g. comparing r10 with data_end), and such programs give different
 * results in different places: they are not compared.  A flow-sensitive
 * pass over the 'n' instructions, in order (an instruction that a later one
 * jumps back to assumes every register derived). */
static bool
uses_frame_address(const struct ebpf_insn *insns, size_t n)
{
    uint16_t *in = xcalloc(n + 1, sizeof *in);
    bool *reached = xcalloc(n + 1, sizeof *reached);
    bool *back = xcalloc(n + 1, sizeof *back);
    bool uses = false;

    for (size_t k = 0; k < n; k++) {
        const struct ebpf_insn *j = &insns[k];
        uint8_t jc = EBPF_CLASS(j->opcode);
        int64_t t = (int64_t) k + 1 + j->offset;

        if ((jc == EBPF_CLS_JMP || jc == EBPF_CLS_JMP32)
            && j->opcode != (EBPF_CLS_JMP | EBPF_JMP_CALL)
            && j->opcode != (EBPF_CLS_JMP | EBPF_JMP_EXIT)
            && t >= 0 && t <= (int64_t) k) {
            back[t] = true;
        }
    }
    reached[0] = true;
    in[0] = 1u << 10;
    for (size_t pc = 0; pc < n && !uses; pc++) {
        const struct ebpf_insn *insn = &insns[pc];
        uint8_t op = insn->opcode, cls = EBPF_CLASS(op);
        uint16_t s = reached[pc] ? in[pc] : 0;
        uint16_t dst = 1u << (insn->dst & 15), src = 1u << (insn->src & 15);
        size_t next = pc + 1, target = SIZE_MAX;
        bool falls = true;

        if (back[pc]) {
            s = 0xffff;
        }
        if (cls == EBPF_CLS_ALU64 || cls == EBPF_CLS_ALU) {
            bool k_form = EBPF_SRC(op) == EBPF_SRC_K;

            if (op == (EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X)) {
                s = (s & ~dst) | (s & src ? dst : 0);
            } else if (op == (EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K)
                       || op == (EBPF_CLS_ALU64 | EBPF_ALU_SUB | EBPF_SRC_K)) {
                /* Stays derived. */
            } else if (s & dst || (!k_form && s & src)) {
                uses = true;
            } else {
                s &= ~dst;
            }
        } else if (cls == EBPF_CLS_LD) {
            s &= ~dst;
            next = pc + 2;
        } else if (cls == EBPF_CLS_LDX) {
            s &= ~dst;
        } else if (cls == EBPF_CLS_STX) {
            uses = (s & src) != 0;
            if (EBPF_MODE(op) == EBPF_MODE_ATOMIC) {
                s &= insn->imm == EBPF_ATOMIC_CMPXCHG ? ~1u : ~src;
            }
        } else if (cls == EBPF_CLS_JMP || cls == EBPF_CLS_JMP32) {
            if (op == (EBPF_CLS_JMP | EBPF_JMP_EXIT)) {
                uses = (s & 1) != 0;
                falls = false;
            } else if (op == (EBPF_CLS_JMP | EBPF_JMP_CALL)) {
                if (insn->src == EBPF_PSEUDO_CALL) {
                    /* The callee: its arguments, and its own r10. */
                    int64_t callee = (int64_t) pc + 1 + insn->imm;

                    if (callee >= 0 && callee < (int64_t) n) {
                        in[callee] |= (s & 0x3eu) | (1u << 10);
                        reached[callee] = true;
                        if ((size_t) callee <= pc) {
                            uses = true;    /* Not followed backwards. */
                        }
                    }
                }
                s &= ~0x3fu;
            } else {
                target = pc + 1 + insn->offset;
                if (op == (EBPF_CLS_JMP | EBPF_JMP_JA)) {
                    falls = false;
                } else {
                    uses = (s & dst) || (EBPF_SRC(op) == EBPF_SRC_X
                                         && (s & src));
                }
            }
        }
        if (falls && next <= n) {
            in[next] |= s;
            reached[next] = true;
        }
        if (target != SIZE_MAX && target > pc && target <= n) {
            in[target] |= s;
            reached[target] = true;
        }
    }
    free(back);
    free(reached);
    free(in);
    return uses;
}

/* Returns true if one of the 'n' instructions calls ktime_get_ns or
 * get_prandom_u32 (whose results differ between executors). */
static bool
calls_time_or_random(const struct ebpf_insn *insns, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (insns[i].opcode == (EBPF_CLS_JMP | EBPF_JMP_CALL)
            && (insns[i].imm == EBPF_FUNC_ktime_get_ns
                || insns[i].imm == EBPF_FUNC_get_prandom_u32)) {
            return true;
        }
    }
    return false;
}

/* Returns the contents of 'maps' as a string (the caller frees it). */
static char *
format_maps(struct ebpf_map **maps, size_t n)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < n; i++) {
        ebpf_map_format(maps[i], &s);
        ds_put_char(&s, '\n');
    }
    return ds_steal_cstr(&s);
}

/* Executors of the JIT comparison: the interpreter (the reference), the
 * interpreter again twice on another packet buffer and at another stack
 * depth (probes: a program whose results depend on addresses, e.g. one that
 * compares the frame pointer with data_end, which the verifier allows,
 * gives different results there, and is not compared), then the JIT with
 * proofs and the JIT with every check.  Each has its own maps. */
enum { EX_INTERP, EX_PROBE1, EX_PROBE2, EX_JIT, EX_JIT_CHECKED, N_EX };

/* Stack depth added below the probes' runs. */
static const size_t probe_shift[N_EX] = { 0, 200, 4168, 0, 0 };

/* What an executor runs. */
struct exec_args {
    struct bpf_prog *prog;                  /* ELF mode. */
    const struct bpf_interp_prog *interp;   /* Instruction mode. */
    const struct bpf_jit_prog *jit;         /* Instruction mode, JIT. */
    uint8_t *pkt;
    size_t size;
};

/* Runs 'a' with 'shift' more bytes of stack in use; stores the reason of a
 * fault (or NULL) in '*reasonp' if it is nonnull. */
static uint64_t __attribute__((noinline))
run_shifted(size_t shift, const struct exec_args *a, const char **reasonp)
{
    volatile uint8_t *pad = alloca(shift + 1);
    struct bpf_interp_fault fault;
    uint64_t n_executed = 0;
    uint64_t ret;

    pad[0] = 0;
    if (a->prog) {
        ret = bpf_prog_run_data(a->prog, a->pkt, a->size, 1);
    } else if (a->jit) {
        ret = bpf_jit_run(a->jit, a->pkt, a->size, NULL, &n_executed, &fault);
    } else {
        ret = bpf_interp_run(a->interp, a->pkt, a->size, NULL, &n_executed,
                             &fault);
    }
    pad[0] = 1;
    if (reasonp) {
        *reasonp = ret == BPF_RUN_FAULT && !a->prog ? fault.reason : NULL;
    }
    return ret;
}

/* Results of one packet on every executor. */
struct exec_results {
    uint64_t rets[N_EX];
    const char *reasons[N_EX];  /* Fault reasons (NULL: none or unknown). */
    uint8_t *outs[N_EX];
};

/* Runs every executor on the 'size' bytes at 'pkt_data' ('args' without
 * the packet), into 'res'.  Executors other than the probes share one
 * buffer (restored in between), so that they see the same addresses. */
static void
run_all(struct exec_args args[N_EX], size_t n_ex, const uint8_t *pkt_data,
        size_t size, struct exec_results *res)
{
    uint8_t *shared = xmalloc(size ? size : 1);

    for (size_t e = 0; e < n_ex; e++) {
        bool probe = e == EX_PROBE1 || e == EX_PROBE2;
        uint8_t *pkt = probe ? xmalloc((size ? size : 1) + e * 8) + e * 8
                             : shared;

        memcpy(pkt, pkt_data, size);
        args[e].pkt = pkt;
        args[e].size = size;
        res->rets[e] = run_shifted(probe_shift[e], &args[e], &res->reasons[e]);
        res->outs[e] = xmemdup(pkt, size ? size : 1);
        if (probe) {
            free(pkt - e * 8);
        }
    }
    free(shared);
}

/* Returns true if executor 'e' gave the reference's results in 'res' for a
 * packet of 'size' bytes. */
static bool
same_result(const struct exec_results *res, size_t e, size_t size)
{
    return (res->rets[e] == res->rets[EX_INTERP]
            && !memcmp(res->outs[e], res->outs[EX_INTERP], size));
}

/* Aborts: a JIT executor's result differs from the interpreter's. */
static void
jit_mismatch(const char *what, size_t e, size_t pkt_size)
{
    ovs_abort(0, "JIT (%s) and interpreter differ: %s (packet of %"PRIuSIZE
              " bytes)", e == EX_JIT ? "proofs" : "all checks", what,
              pkt_size);
}

/* Reruns the reference interpreter elsewhere (other buffers, stack depths
 * and maps): returns true if a rerun's results differ from the reference's
 * in 'res' ('n' packets), i.e. the results depend on addresses. */
typedef bool recheck_func(void *aux, const struct exec_results *res,
                          size_t n);

/* Number of reruns of a recheck_func, and the stack depth and buffer
 * offset of rerun 'k'. */
#define N_RECHECKS 16
#define RECHECK_SHIFT(K) ((K) * 1032 + (K) * (K) * 8)
#define RECHECK_OFFSET(K) ((K) * 8 % 64)

/* Compares the 'n' packets' results in 'res' (freeing them) and, if
 * 'maps_differ' is nonnull, the maps: aborts if a JIT executor differs
 * from the interpreter while both probes agree with it, and so do
 * N_RECHECKS more runs of the interpreter elsewhere ('recheck').  With
 * 'addr_dependent', only counts the program as not compared. */
static void
check_results(struct exec_results *res, size_t n, const size_t *sizes,
              const bool *maps_differ, bool addr_dependent,
              recheck_func *recheck, void *aux)
{
    bool probes_agree = !addr_dependent;
    const char *what = NULL;
    size_t what_e = 0, what_size = 0;

    for (size_t i = 0; i < n; i++) {
        probes_agree = (probes_agree && same_result(&res[i], EX_PROBE1, sizes[i])
                        && same_result(&res[i], EX_PROBE2, sizes[i]));
    }
    if (maps_differ) {
        probes_agree = (probes_agree && !maps_differ[EX_PROBE1]
                        && !maps_differ[EX_PROBE2]);
    }
    for (size_t i = 0; i < n && probes_agree; i++) {
        for (size_t e = EX_JIT; e < N_EX; e++) {
            n_jit_runs++;
            if (what) {
                continue;
            } else if (res[i].rets[e] != res[i].rets[EX_INTERP]) {
                what = "return value";
            } else if (!same_result(&res[i], e, sizes[i])) {
                what = "packet bytes";
            }
            what_e = e;
            what_size = sizes[i];
        }
    }
    for (size_t e = EX_JIT; e < N_EX && probes_agree && maps_differ; e++) {
        if (!what && maps_differ[e]) {
            what = "maps";
            what_e = e;
        }
    }
    if (!probes_agree || (what && recheck(aux, res, n))) {
        n_addr_dependent++;
    } else if (what) {
        jit_mismatch(what, what_e, what_size);
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t e = 0; e < N_EX; e++) {
            free(res[i].outs[e]);
        }
    }
}

/* The fill pattern of packet 'i' of 'size' bytes in ELF mode, into 'pkt'. */
static void
fill_elf_packet(uint8_t *pkt, size_t size, size_t i)
{
    for (size_t j = 0; j < size; j++) {
        pkt[j] = j * 7 + i;
    }
}

/* ELF mode's packet sizes. */
static const size_t elf_sizes[] = { 0, 14, 60, 1514 };

/* An ELF object to recheck. */
struct elf_recheck {
    const uint8_t *data;
    size_t size;
};

/* recheck_func for ELF mode. */
static bool
elf_recheck(void *aux_, const struct exec_results *res, size_t n)
{
    const struct elf_recheck *aux = aux_;

    bpf_set_jit_mode(BPF_JIT_OFF);
    for (size_t k = 1; k <= N_RECHECKS; k++) {
        struct exec_args args;
        bool differs = false;
        char *error;

        memset(&args, 0, sizeof args);
        ovs_assert(!bpf_prog_open_mem(aux->data, aux->size, "fuzz",
                                      &args.prog, &error));
        for (size_t i = 0; i < n && !differs; i++) {
            size_t size = elf_sizes[i];
            uint8_t *buf = xmalloc(size + 64);

            args.pkt = buf + RECHECK_OFFSET(k);
            args.size = size;
            fill_elf_packet(args.pkt, size, i);
            differs = (run_shifted(RECHECK_SHIFT(k), &args, NULL)
                       != res[i].rets[EX_INTERP]
                       || memcmp(args.pkt, res[i].outs[EX_INTERP], size));
            free(buf);
        }
        bpf_prog_close(args.prog);
        if (differs) {
            return true;
        }
    }
    return false;
}

/* Loads the 'size' bytes at 'data' as an ELF object; runs it if accepted
 * (with XB_FUZZ_JIT=1, also on the other executors). */
static void
fuzz_elf(const uint8_t *data, size_t size)
{
    const size_t *sizes = elf_sizes;
    static const enum bpf_jit_mode modes[N_EX] = {
        BPF_JIT_OFF, BPF_JIT_OFF, BPF_JIT_OFF, BPF_JIT_ON, BPF_JIT_CHECKED
    };
    struct exec_args args[N_EX];
    struct exec_results res[ARRAY_SIZE(elf_sizes)];
    struct elf_recheck aux = { data, size };
    size_t n_ex = fuzz_jit ? N_EX : 1;
    char *error;

    memset(args, 0, sizeof args);
    for (size_t e = 0; e < n_ex; e++) {
        if (bpf_prog_open_mem(data, size, "fuzz", &args[e].prog, &error)) {
            free(error);
            ovs_assert(!e);
            return;
        }
    }
    n_accepted++;
    for (size_t i = 0; i < ARRAY_SIZE(elf_sizes); i++) {
        uint8_t *pkt = xmalloc(sizes[i] ? sizes[i] : 1);

        fill_elf_packet(pkt, sizes[i], i);
        for (size_t e = 0; e < n_ex; e++) {
            /* The mode is global: run the executors one by one. */
            struct exec_results one;

            bpf_set_jit_mode(modes[e]);
            run_all(&args[e], 1, pkt, sizes[i], &one);
            res[i].rets[e] = one.rets[0];
            res[i].outs[e] = one.outs[0];
        }
        bpf_set_jit_mode(BPF_JIT_OFF);
        if (res[i].rets[EX_INTERP] == BPF_RUN_FAULT) {
            count_fault(NULL);
        }
        n_runs++;
        free(pkt);
    }
    if (fuzz_jit) {
        check_results(res, ARRAY_SIZE(elf_sizes), sizes, NULL, false,
                      elf_recheck, &aux);
    } else {
        for (size_t i = 0; i < ARRAY_SIZE(elf_sizes); i++) {
            free(res[i].outs[0]);
        }
    }
    for (size_t e = 0; e < n_ex; e++) {
        bpf_prog_close(args[e].prog);
    }
}

/* An instruction stream to recheck. */
struct insns_recheck {
    const struct ebpf_insn *insns;
    size_t n_insns;
    const struct bpf_verdict *verdict;
    const struct bpf_map_info *infos;
    size_t n_maps;
    const uint8_t *pkt_data;
    size_t pkt_size;
    const char *ref_maps;       /* NULL: maps not compared. */
};

/* recheck_func for instruction streams. */
static bool
insns_recheck(void *aux_, const struct exec_results *res, size_t n)
{
    const struct insns_recheck *aux = aux_;

    for (size_t k = 1; k <= N_RECHECKS; k++) {
        struct ebpf_map *maps[2];
        struct bpf_interp_prog interp;
        struct exec_args args;
        bool differs = false;
        char *error;

        ovs_assert(aux->n_maps == ARRAY_SIZE(maps));
        for (size_t i = 0; i < aux->n_maps; i++) {
            ovs_assert(!ebpf_map_create(i ? "array" : "hash",
                                        aux->infos[i].type,
                                        aux->infos[i].key_size,
                                        aux->infos[i].value_size,
                                        aux->infos[i].max_entries, 0,
                                        &maps[i], &error));
        }
        ovs_assert(!bpf_interp_prepare(&interp, aux->insns, aux->n_insns,
                                       maps, aux->n_maps, &error));
        bpf_interp_enforce_ranges(&interp, aux->verdict);
        memset(&args, 0, sizeof args);
        args.interp = &interp;
        for (size_t i = 0; i < n && !differs; i++) {
            uint8_t *buf = xmalloc(aux->pkt_size + 64);

            args.pkt = buf + RECHECK_OFFSET(k);
            args.size = aux->pkt_size;
            memcpy(args.pkt, aux->pkt_data, aux->pkt_size);
            differs = (run_shifted(RECHECK_SHIFT(k), &args, NULL)
                       != res[i].rets[EX_INTERP]
                       || memcmp(args.pkt, res[i].outs[EX_INTERP],
                                 aux->pkt_size));
            free(buf);
        }
        if (!differs && aux->ref_maps) {
            char *other = format_maps(maps, aux->n_maps);

            differs = strcmp(other, aux->ref_maps) != 0;
            free(other);
        }
        bpf_interp_destroy(&interp);
        for (size_t i = 0; i < aux->n_maps; i++) {
            ebpf_map_destroy(maps[i]);
        }
        if (differs) {
            return true;
        }
    }
    return false;
}

/* Verifies the instructions in 'data' and runs them if accepted (with
 * XB_FUZZ_JIT=1, also on the other executors). */
static void
fuzz_insns(const uint8_t *data, size_t size)
{
    static const struct bpf_map_info infos[2] = {
        { EBPF_MAP_TYPE_HASH, 4, 8, 16 },
        { EBPF_MAP_TYPE_ARRAY, 4, 16, 4 },
    };
    struct ebpf_map *maps[N_EX][2];
    struct bpf_verdict verdict = { .reads = NULL };
    struct bpf_interp_prog interp[N_EX];
    struct bpf_jit_prog *jits[N_EX];
    struct exec_args args[N_EX];
    size_t n_ex = fuzz_jit ? N_EX : 1;
    size_t n_prepared = 0;
    char *error = NULL;

    memset(maps, 0, sizeof maps);
    memset(jits, 0, sizeof jits);
    memset(args, 0, sizeof args);
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
    for (size_t e = 0; e < n_ex; e++) {
        for (size_t i = 0; i < ARRAY_SIZE(infos); i++) {
            ovs_assert(!ebpf_map_create(i ? "array" : "hash", infos[i].type,
                                        infos[i].key_size,
                                        infos[i].value_size,
                                        infos[i].max_entries, 0,
                                        &maps[e][i], &error));
        }
        if (bpf_interp_prepare(&interp[e], insns, n_insns, maps[e],
                               ARRAY_SIZE(infos), &error)) {
            /* The verifier accepted what the interpreter refuses: a
             * disagreement to look at, but not a memory error. */
            ovs_assert(!e);
            count_fault(error);
            goto out;
        }
        n_prepared++;
        bpf_interp_enforce_ranges(&interp[e], &verdict);
        args[e].interp = &interp[e];
        if (e >= EX_JIT) {
            ovs_assert(!bpf_jit_compile(&interp[e], e == EX_JIT_CHECKED,
                                        &jits[e], &error));
            args[e].jit = jits[e];
        }
    }

    struct exec_results res[2];
    size_t sizes[2] = { pkt_size, pkt_size };
    for (int i = 0; i < 2; i++) {
        run_all(args, n_ex, pkt_data, pkt_size, &res[i]);
        if (res[i].rets[EX_INTERP] == BPF_RUN_FAULT) {
            count_fault(res[i].reasons[EX_INTERP]);
        }
        n_runs++;
    }
    if (fuzz_jit) {
        bool maps_differ[N_EX] = { false };
        struct insns_recheck aux = {
            insns, n_insns, &verdict, infos, ARRAY_SIZE(infos), pkt_data,
            pkt_size, NULL
        };
        char *ref = NULL;

        if (!calls_time_or_random(insns, n_insns)) {
            ref = format_maps(maps[0], ARRAY_SIZE(infos));
            for (size_t e = 1; e < n_ex; e++) {
                char *other = format_maps(maps[e], ARRAY_SIZE(infos));

                maps_differ[e] = strcmp(ref, other) != 0;
                free(other);
            }
        }
        aux.ref_maps = ref;
        check_results(res, 2, sizes, maps_differ,
                      uses_frame_address(insns, n_insns), insns_recheck,
                      &aux);
        free(ref);
    } else {
        for (int i = 0; i < 2; i++) {
            free(res[i].outs[0]);
        }
    }

out:
    for (size_t e = 0; e < N_EX; e++) {
        bpf_jit_destroy(jits[e]);
        if (e < n_prepared) {
            bpf_interp_destroy(&interp[e]);
        }
        for (size_t i = 0; i < ARRAY_SIZE(infos); i++) {
            ebpf_map_destroy(maps[e][i]);
        }
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
