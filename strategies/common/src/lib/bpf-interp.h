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
 * verifier's read or write ranges.
 *
 * Bpf-to-bpf calls (EBPF_PSEUDO_CALL) give the callee a frame of its own:
 * a zeroed 512-byte stack that r10 points to, r6-r9 and r10 restored on
 * return; a call beyond EBPF_MAX_CALL_FRAMES frames faults.  Loops are run
 * as they come: the verifier proved that they end, and a run that executes
 * more than BPF_INTERP_MAX_RUN_INSNS instructions faults all the same, so
 * that a verifier bug cannot hang the thread that runs the program.
 *
 * Helpers (Linux numbers, see bpf-insn.h): map_lookup_elem (1),
 * map_update_elem (2), map_delete_elem (3), ktime_get_ns (5, CLOCK_MONOTONIC)
 * and get_prandom_u32 (7) here, and those of bpf-helpers.c: trace_printk
 * (6), get_smp_processor_id (8), csum_diff (28), xdp_adjust_head (44),
 * xdp_adjust_tail (65), ktime_get_boot_ns (125) and trace_vprintk (177).
 *
 * Global data (ld_imm64 with EBPF_PSEUDO_MAP_VALUE) is an area of every run:
 * the value of each single-entry array that such an instruction refers to,
 * writable unless the map is EBPF_MAP_F_RDONLY_PROG. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf.h"
#include "bpf-insn.h"
#include "util.h"

struct ebpf_map;

/* An instruction as the interpreter runs it: the fields of struct ebpf_insn
 * as whole bytes, and 'imm' sign-extended to 64 bits (for ld_imm64, the
 * 64-bit value, a map reference resolved to the map's address). */
struct bpf_interp_insn {
    uint8_t opcode;
    uint8_t dst;
    uint8_t src;
    uint8_t handler;            /* The interpreter's handler: 'opcode', or
                                 * one that checks the length of the run
                                 * first (jumps back: loops). */
    int16_t offset;
    uint64_t imm;
};

/* A map value that is an area of every run (global data). */
struct bpf_interp_global {
    uintptr_t start;
    size_t size;
    bool writable;
};

/* A program, prepared with bpf_interp_prepare(). */
struct bpf_interp_prog {
    struct bpf_interp_insn *code;   /* One per instruction. */
    size_t n_insns;
    struct ebpf_map **maps;     /* ld_imm64 with EBPF_PSEUDO_MAP_FD: index. */
    size_t n_maps;
    size_t n_lookups;           /* Number of map_lookup_elem call sites. */
    struct bpf_interp_global *globals;  /* Global data areas. */
    size_t n_globals;
    const char *file;           /* For messages (bpf_trace_printk()), or */
    const char *name;           /* NULL: the object and program names. */
    bool may_repeat;            /* Has loops or calls: an instruction may run
                                 * more than once in a run. */
    bool has_calls;             /* Has bpf-to-bpf calls. */

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

/* A map value that map_lookup_elem returned during a run. */
struct bpf_interp_region {
    uintptr_t start;
    size_t size;
};

/* The memory areas of one run, against which every access and helper
 * argument is checked: the packet (and the enforced ranges of 'prog'), the
 * 512-byte stack, the context and this run's map values.  The interpreter
 * keeps one per run; the JIT's code calls the same checks through it for
 * every access it does not prove safe. */
struct bpf_interp_areas {
    const struct bpf_interp_prog *prog;
    uintptr_t pkt;              /* First byte of the packet. */
    size_t pkt_size;
    size_t headroom;            /* Bytes in front of and after the packet */
    size_t tailroom;            /* that it may grow into, if */
    bool resizable;             /* its length may change at all. */
    uintptr_t stack;            /* Lowest byte of the program's stack. */
    size_t stack_stride;        /* Frame i of a call chain has its stack at
                                 * 'stack' + i * 'stack_stride'. */
    size_t n_frames;            /* Frames in use (1 outside calls). */
    uintptr_t ctx;              /* The context r1 points to. */
    const struct bpf_interp_ctx *xdp;   /* NULL: zeros. */
    struct bpf_interp_region *regions;
    size_t n_regions;
    size_t alloc_regions;       /* Room in 'regions'. */
    bool regions_owned;         /* 'regions' was malloc'd. */
    const char *fault;          /* Static string, nonnull after a fault. */
};

/* Regions of a run: bpf_interp_regions_init() gives 'a' room for 'n' in
 * 'local', or for 'min' in a malloc'd array if they do not fit there;
 * bpf_interp_add_region() adds one, making room as needed;
 * bpf_interp_regions_destroy() frees what they allocated. */
static inline void
bpf_interp_regions_init(struct bpf_interp_areas *a,
                        struct bpf_interp_region *local, size_t n, size_t min)
{
    a->n_regions = 0;
    a->regions_owned = min > n;
    a->alloc_regions = a->regions_owned ? min : n;
    a->regions = (a->regions_owned
                  ? xmalloc(a->alloc_regions * sizeof *a->regions) : local);
}

static inline void
bpf_interp_regions_destroy(struct bpf_interp_areas *a)
{
    if (a->regions_owned) {
        free(a->regions);
    }
}
void bpf_interp_add_region(struct bpf_interp_areas *, uintptr_t start,
                           size_t size);

/* Returns the size in bytes of the load, store or atomic 'opcode'. */
static inline size_t
bpf_interp_access_size(uint8_t opcode)
{
    switch (EBPF_SIZE(opcode)) {
    case EBPF_SIZE_B:
        return 1;
    case EBPF_SIZE_H:
        return 2;
    case EBPF_SIZE_W:
        return 4;
    default:
        return 8;
    }
}

/* Returns true if the 'size' bytes at packet offset 'ofs' lie within one of
 * the 'n' 'ranges'. */
static inline bool
bpf_interp_in_ranges(const struct bpf_range *ranges, size_t n, uint64_t ofs,
                     size_t size)
{
    for (size_t i = 0; i < n; i++) {
        if (ofs >= ranges[i].start && ofs + size <= ranges[i].end) {
            return true;
        }
    }
    return false;
}

/* Returns true if 'prog' may read (or write, if 'write') the 'size' bytes at
 * packet offset 'ofs': always, unless its ranges are enforced. */
static inline bool
bpf_interp_pkt_allowed(const struct bpf_interp_prog *prog, uint64_t ofs,
                       size_t size, bool write)
{
    return (!prog->enforce_ranges
            || (write
                ? bpf_interp_in_ranges(prog->writes, prog->n_writes, ofs, size)
                : bpf_interp_in_ranges(prog->reads, prog->n_reads, ofs,
                                       size)));
}

/* The interpreter's checks.  On a bad access each sets 'a->fault'. */
void *bpf_interp_mem_ptr(struct bpf_interp_areas *a, uint64_t addr,
                         size_t size, bool write);
bool bpf_interp_load(struct bpf_interp_areas *a, uint64_t addr, size_t size,
                     uint64_t *valuep);
void *bpf_interp_atomic_ptr(struct bpf_interp_areas *a, uint64_t addr,
                            size_t size);

/* Helpers with checked arguments, r1..r5 as the program passes them.  The
 * caller must test 'a->fault' afterwards.  The JIT's code calls them
 * directly. */
uint64_t bpf_interp_map_lookup(uint64_t r1, uint64_t r2, uint64_t r3,
                               uint64_t r4, uint64_t r5,
                               struct bpf_interp_areas *a);
uint64_t bpf_interp_map_update(uint64_t r1, uint64_t r2, uint64_t r3,
                               uint64_t r4, uint64_t r5,
                               struct bpf_interp_areas *a);
uint64_t bpf_interp_map_delete(uint64_t r1, uint64_t r2, uint64_t r3,
                               uint64_t r4, uint64_t r5,
                               struct bpf_interp_areas *a);
uint64_t bpf_interp_ktime_get_ns(void);
uint64_t bpf_interp_get_prandom_u32(void);

/* The helpers of bpf-helpers.c.  The two that change the packet's length
 * update 'a->pkt', 'a->pkt_size', 'a->headroom' and 'a->tailroom'. */
uint64_t bpf_interp_trace_printk(uint64_t r1, uint64_t r2, uint64_t r3,
                                 uint64_t r4, uint64_t r5,
                                 struct bpf_interp_areas *a);
uint64_t bpf_interp_csum_diff(uint64_t r1, uint64_t r2, uint64_t r3,
                              uint64_t r4, uint64_t r5,
                              struct bpf_interp_areas *a);
uint64_t bpf_interp_xdp_adjust_head(uint64_t r1, uint64_t r2, uint64_t r3,
                                    uint64_t r4, uint64_t r5,
                                    struct bpf_interp_areas *a);
uint64_t bpf_interp_xdp_adjust_tail(uint64_t r1, uint64_t r2, uint64_t r3,
                                    uint64_t r4, uint64_t r5,
                                    struct bpf_interp_areas *a);
uint64_t bpf_interp_trace_vprintk(uint64_t r1, uint64_t r2, uint64_t r3,
                                  uint64_t r4, uint64_t r5,
                                  struct bpf_interp_areas *a);
uint64_t bpf_interp_get_smp_processor_id(void);
uint64_t bpf_interp_ktime_get_boot_ns(void);

/* Stores in 'buf' where the packet of the run with areas 'a' is now (the
 * program may have changed its length). */
static inline void
bpf_interp_buf_update(struct bpf_packet_buf *buf,
                      const struct bpf_interp_areas *a)
{
    if (buf->data) {
        buf->data = (void *) a->pkt;
        buf->size = a->pkt_size;
        buf->headroom = a->headroom;
        buf->tailroom = a->tailroom;
    }
}

/* Largest program accepted by bpf_interp_prepare(). */
#define BPF_INTERP_MAX_INSNS (1u << 20)

/* The stacks of the frames of bpf-to-bpf calls lie this far apart (the
 * interpreter's and the JIT's alike, so that an access that strays from
 * one frame into another faults in both). */
#define BPF_INTERP_FRAME_STRIDE 640

/* A run faults once it has executed more instructions than this (16 times
 * the verifier's budget of instructions explored). */
#define BPF_INTERP_MAX_RUN_INSNS (1u << 24)

int bpf_interp_prepare(struct bpf_interp_prog *, const struct ebpf_insn *,
                       size_t n_insns, struct ebpf_map **maps, size_t n_maps,
                       char **errorp);
void bpf_interp_destroy(struct bpf_interp_prog *);
void bpf_interp_enforce_ranges(struct bpf_interp_prog *,
                               const struct bpf_verdict *);
uint64_t bpf_interp_run(const struct bpf_interp_prog *, void *data,
                        size_t size, const struct bpf_interp_ctx *,
                        uint64_t *n_insnsp, struct bpf_interp_fault *);
uint64_t bpf_interp_run_buf(const struct bpf_interp_prog *,
                            struct bpf_packet_buf *, bool resizable,
                            const struct bpf_interp_ctx *,
                            uint64_t *n_insnsp, struct bpf_interp_fault *);

#endif /* bpf-interp.h */
