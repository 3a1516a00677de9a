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

#ifndef BPF_INTERP_H
#define BPF_INTERP_H 1

/* Interpreter of the extension runtime: runs a verified XDP program on a
 * packet, with the Linux kernel's semantics.
 *
 * The program sees r1 = a pointer to an xdp_md-shaped context; 4-byte loads
 * of its fields are translated at run time as the kernel's verifier rewrites
 * them: 'data' and 'data_meta' yield the packet's first byte, 'data_end' the
 * byte after its last, as full 64-bit pointers.  Every memory access is
 * bounds-checked against the packet, the 512-byte stack, the context (read
 * only) and the map values that map_lookup_elem returned during this run;
 * an access outside them stops the run with a fault.  So does, once
 * bpf_interp_enforce_ranges() was called, a packet access outside the
 * verifier's read or write ranges.  Programs whose
 * control-flow graph has a loop are refused when they are prepared, so every
 * run terminates and executes each instruction at most once.
 *
 * Helpers (Linux numbers, see bpf-insn.h): map_lookup_elem (1),
 * map_update_elem (2), map_delete_elem (3), ktime_get_ns (5, CLOCK_MONOTONIC)
 * and get_prandom_u32 (7). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf.h"
#include "bpf-insn.h"

struct ebpf_map;

/* An instruction as the interpreter runs it: the fields of struct ebpf_insn
 * as whole bytes, and 'imm' sign-extended to 64 bits (for ld_imm64, the
 * 64-bit value, a map reference resolved to the map's address). */
struct bpf_interp_insn {
    uint8_t opcode;
    uint8_t dst;
    uint8_t src;
    int16_t offset;
    uint64_t imm;
};

/* A program, prepared with bpf_interp_prepare(). */
struct bpf_interp_prog {
    struct bpf_interp_insn *code;   /* One per instruction. */
    size_t n_insns;
    struct ebpf_map **maps;     /* ld_imm64 with EBPF_PSEUDO_MAP_FD: index. */
    size_t n_maps;
    size_t n_lookups;           /* Number of map_lookup_elem call sites. */

    /* With 'enforce_ranges', packet accesses must lie in these ranges. */
    bool enforce_ranges;
    const struct bpf_range *reads;
    size_t n_reads;
    const struct bpf_range *writes;
    size_t n_writes;
};

/* The parts of the context that are not the packet. */
struct bpf_interp_ctx {
    uint32_t ingress_ifindex;
    uint32_t rx_queue_index;
};

/* Why a run stopped early. */
struct bpf_interp_fault {
    size_t pc;                  /* Index of the faulting instruction. */
    const char *reason;         /* Static string. */
};

/* Largest program accepted by bpf_interp_prepare(). */
#define BPF_INTERP_MAX_INSNS (1u << 20)

int bpf_interp_prepare(struct bpf_interp_prog *, const struct ebpf_insn *,
                       size_t n_insns, struct ebpf_map **maps, size_t n_maps,
                       char **errorp);
void bpf_interp_destroy(struct bpf_interp_prog *);
void bpf_interp_enforce_ranges(struct bpf_interp_prog *,
                               const struct bpf_verdict *);
uint64_t bpf_interp_run(const struct bpf_interp_prog *, void *data,
                        size_t size, const struct bpf_interp_ctx *,
                        uint64_t *n_insnsp, struct bpf_interp_fault *);

#endif /* bpf-interp.h */
