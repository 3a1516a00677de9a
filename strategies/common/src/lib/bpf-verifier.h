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

#ifndef BPF_VERIFIER_H
#define BPF_VERIFIER_H 1

/* Load-time verifier for XDP-shaped BPF programs.
 *
 * The verifier explores every path of the program by abstract
 * interpretation, in the manner of the Linux kernel's verifier, and computes
 * which bytes of the packet the program may read and may write (see struct
 * bpf_verdict in bpf.h), including the bytes that helpers read through
 * packet pointers passed as map keys or values, and those that the BPF
 * functions it calls (bpf-to-bpf calls) access.  Loops are explored
 * iteration by iteration, as the kernel explores bounded loops: a loop must
 * end within the budget below, and one that comes back to a state it was
 * in is rejected ("infinite loop detected").
 *
 * Global data is a map value (ld_imm64 with EBPF_PSEUDO_MAP_VALUE), and a
 * map with EBPF_MAP_F_RDONLY_PROG (".rodata") may not be written by the
 * program, directly, by atomics or by map_update_elem and map_delete_elem,
 * as in the kernel.  After bpf_xdp_adjust_head() or bpf_xdp_adjust_tail(),
 * every packet pointer is invalid (as in the kernel), and the verdict says
 * that the program may read and write every byte ('changes_len').
 *
 * What it assumes of the runtime: the context is struct xdp_md, read-only,
 * with data_meta == data (no metadata: an access through data_meta is only
 * allowed after a comparison that never holds then); helpers behave as the
 * kernel's (get_prandom_u32 returns a zero-extended 32-bit value); map
 * values are 8-byte aligned, for atomic operations.
 *
 * Where it differs from the kernel's verifier (for a privileged loader):
 * it is stricter in rejecting pointers stored anywhere but the stack or
 * returned, or passed as scalar helper arguments, partial overwrites of
 * spilled pointers, unchecked lookups in arrays with constant keys, helpers
 * other than map_lookup_elem (1), map_update_elem (2), map_delete_elem (3),
 * ktime_get_ns (5), trace_printk (6), get_prandom_u32 (7),
 * get_smp_processor_id (8), csum_diff (28), xdp_adjust_head (44),
 * xdp_adjust_tail (65), ktime_get_boot_ns (125) and trace_vprintk (177)
 * (the others are refused by name), callbacks and kfuncs, and instructions
 * newer than -mcpu=v3; it verifies every BPF function in the context of each
 * call, as the kernel verifies static functions (the kernel verifies global
 * functions once, on their own, from their BTF types); it is more
 * lenient in using the packet length proven by any earlier comparison for
 * every packet pointer (the kernel only uses it for pointers derived from
 * the one compared) and in not exploring branches that earlier
 * comparisons make impossible. */

#include <stddef.h>
#include <stdint.h>
#include "bpf.h"
#include "bpf-insn.h"

/* Largest program accepted, in instructions (an ld_imm64 counts as two). */
#define BPF_VERIFIER_MAX_INSNS 65536

/* Bounds on the work of the verifier (path explosion).  It first explores
 * every path precisely, processing at most BPF_VERIFIER_PRECISE_PROCESSED
 * instructions over all paths, comparing at most
 * BPF_VERIFIER_PRECISE_COMPARED pairs of states at join points, and using at
 * most BPF_VERIFIER_PRECISE_CPU_MS of CPU time.  If that is not enough, it
 * starts again and merges states that differ only in scalar values once a
 * join point holds BPF_VERIFIER_MERGE_THRESHOLD states (which loses
 * precision where those scalars matter, but keeps programs with many
 * independent branches verifiable), and gives up after
 * BPF_VERIFIER_MAX_PROCESSED instructions (the kernel's
 * BPF_COMPLEXITY_LIMIT_INSNS) or BPF_VERIFIER_MAX_COMPARED comparisons in
 * that pass, or when the verification has used BPF_VERIFIER_MAX_CPU_MS of
 * CPU time in all (the calling thread's: in ovs-vswitchd, the thread that
 * loads programs, see bpf.c).  The message of
 * such a rejection says "verification budget exceeded" and names the
 * budget. */
#define BPF_VERIFIER_PRECISE_PROCESSED 250000
#define BPF_VERIFIER_PRECISE_COMPARED 1000000
#define BPF_VERIFIER_PRECISE_CPU_MS 400
#define BPF_VERIFIER_MERGE_THRESHOLD 8
#define BPF_VERIFIER_MAX_PROCESSED 1000000
#define BPF_VERIFIER_MAX_COMPARED 4000000
#define BPF_VERIFIER_MAX_CPU_MS 1000

/* Largest number of branches waiting to be explored at once, as the
 * kernel's BPF_COMPLEXITY_LIMIT_JMP_SEQ. */
#define BPF_VERIFIER_MAX_PENDING 8192

/* States kept at join points to prune paths already covered: at most this
 * many per instruction and in total (each takes about 6 kB).  At these
 * limits the verifier drops, to make room, a kept state that rarely prunes
 * or the oldest one in progress at the instruction (in a loop, that of the
 * earliest iteration of the current path); failing that, it keeps
 * exploring, only with less pruning. */
#define BPF_VERIFIER_MAX_STATES_PER_INSN 32
#define BPF_VERIFIER_MAX_STATES 4096

/* Most BPF functions a program may have, itself included (as the kernel's
 * BPF_MAX_SUBPROGS). */
#define BPF_VERIFIER_MAX_SUBPROGS 256

/* Largest map value accepted, in bytes.  Keys must fit in the stack. */
#define BPF_VERIFIER_MAX_VALUE_SIZE (1u << 20)

/* A map, as the verifier needs to know it. */
struct bpf_map_info {
    uint32_t type;              /* EBPF_MAP_TYPE_*. */
    uint32_t key_size;          /* In bytes. */
    uint32_t value_size;        /* In bytes. */
    uint32_t max_entries;
    uint32_t flags;             /* EBPF_MAP_F_*: with EBPF_MAP_F_RDONLY_PROG,
                                 * the program may not write values. */
};

/* Verifies 'insns' (after map relocation: a map reference is an ld_imm64
 * with src == EBPF_PSEUDO_MAP_FD and imm == index into 'maps').  r1 is a
 * pointer to struct xdp_md (EBPF_XDP_MD_*), r10 the frame pointer of a
 * 512-byte stack.  Returns 0 and fills 'verdict' if accepted; otherwise a
 * positive errno and a malloc'd message in '*errorp' ("insn N: reason"). */
int bpf_verify(const struct ebpf_insn *insns, size_t n_insns,
               const struct bpf_map_info *maps, size_t n_maps,
               struct bpf_verdict *verdict, char **errorp);

/* Choices that tests make to reach the verifier's rarer paths. */
struct bpf_verifier_opts {
    bool merge_only;            /* Skip the precise pass: merge states from
                                 * the start. */
    unsigned int merge_threshold;   /* States a join point holds before
                                     * merging (0: the default,
                                     * BPF_VERIFIER_MERGE_THRESHOLD). */
};

int bpf_verify_opts(const struct ebpf_insn *insns, size_t n_insns,
                    const struct bpf_map_info *maps, size_t n_maps,
                    const struct bpf_verifier_opts *opts,
                    struct bpf_verdict *verdict, char **errorp);

/* Returns the CPU time that the calling thread has used, in ns (0 if the
 * clock is unavailable).  The verifier's CPU budgets use this clock. */
long long int bpf_thread_cpu_ns(void);

/* Frees the ranges in 'verdict' (not 'verdict' itself). */
void bpf_verdict_destroy(struct bpf_verdict *verdict);

#endif /* bpf-verifier.h */
