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

/* Load-time verifier for XDP-shaped BPF programs.
 *
 * The verifier works in passes:
 *
 *   1. A static pass checks every instruction on its own: known opcode,
 *      reserved fields zero, registers r0..r10, well-formed ld_imm64, known
 *      helper, no division by a zero constant, no oversized shift.
 *
 *   2. A control-flow pass finds the BPF functions (the program, and the
 *      target of every bpf-to-bpf call), checks that jumps stay inside
 *      their function, that no function calls itself, even indirectly, that
 *      every instruction is reachable, and computes which registers are
 *      live at each instruction (a fixpoint, for loops) and which
 *      instructions are join points.
 *
 *   3. An abstract interpreter explores every path, depth first.  Each
 *      register has a type (scalar, context, stack, packet, packet end,
 *      map, map value, map value or NULL) and scalars, as well as the
 *      variable part of pointers, carry unsigned and signed bounds and known
 *      bits ("tnum").  The stack is tracked byte by byte (uninitialised,
 *      data, spilled register).  Comparisons refine bounds in each branch
 *      and prove packet accesses against data_end, either through the
 *      minimum packet length (for pointers at a constant offset from the
 *      packet start) or through a range shared by all pointers derived from
 *      the same variable base (an "id").  At join points the current state
 *      is compared with the states already explored there: if one of them
 *      subsumes it, the path is pruned (dead registers, from a liveness
 *      analysis, do not count).  Every packet access seen on a path is
 *      recorded as a byte range, which gives the verdict.  Pruning keeps the
 *      verdict sound: a pruned state only reaches accesses within those of
 *      the state that subsumes it.
 *
 *      A call pushes a frame (registers and stack) for the callee, as in
 *      the kernel: r1-r5 are its arguments, r10 points to its own stack,
 *      and pointers to a caller's stack keep pointing there (a register
 *      says which frame).  Packet accesses in any frame go into the same
 *      verdict.  After exploring, the combined stack of every chain of
 *      calls must fit in 512 bytes and 8 frames, as in the kernel.
 *
 *      Loops are unrolled: a state is kept at each join point, and only a
 *      state whose exploration is complete may prune another (one still
 *      being explored is an ancestor of the current path, reached again
 *      through a loop).  A path that comes back to a state equal to such an
 *      ancestor would loop forever and is rejected; any other loop runs
 *      until it ends or the budget runs out, as in the kernel.  When the
 *      states kept at an instruction reach their limit, one that rarely
 *      prunes, or else the oldest one in progress (an early iteration of a
 *      loop), makes room (evict_state()), so that the states of the latest
 *      iterations, which are the ones that prune the other paths through
 *      them, are kept.
 *
 *   4. Only if the exploration of step 3 runs out of its budget (path
 *      explosion, see bpf-verifier.h), it starts again and, once a join
 *      point holds several states, merges a new state into one that differs
 *      from it only in scalar values (hull of the bounds, widened after two
 *      merges; two scalars stay linked only if they are in both states),
 *      if that state's exploration is complete.
 *      The kernel avoids the same explosion with precision tracking;
 *      merging is simpler and still sound, at the cost of precision where
 *      those scalars matter.  Both passes also forget, at join points, the
 *      bounds of scalars whose value cannot matter (insn_precise()), and
 *      both are bounded in instructions, state comparisons and CPU time
 *      (see bpf-verifier.h).
 *
 * Variable offsets are bounded (|offset| < 2^29, as in the kernel), so the
 * verdict's ranges always have a finite end in practice.
 *
 * Error messages follow the Linux verifier's wording where one exists, so
 * that a rejection can be compared with the kernel's log. */

#include <config.h>
#include "bpf-verifier.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpf-helpers.h"
#include "util.h"

/* Largest absolute fixed or variable offset of a pointer (as the kernel's
 * BPF_MAX_VAR_OFF). */
#define MAX_VAR_OFF (INT64_C(1) << 29)

/* Number of 8-byte slots in the stack frame. */
#define N_SLOTS (EBPF_STACK_SIZE / 8)

/* An internal jump operation: the negation of EBPF_JMP_JSET. */
#define JMP_JSET_NOT 0x100

/* Per-instruction flags computed by the control-flow pass. */
enum {
    INSN_LDDW2 = 1 << 0,        /* Second half of an ld_imm64. */
    INSN_PRUNE = 1 << 1,        /* Jump target: a join point. */
};

/* Register types.  The names are the kernel's. */
enum reg_type {
    REG_NOT_INIT,
    REG_SCALAR,
    REG_CTX,
    REG_STACK,
    REG_PKT,
    REG_PKT_META,
    REG_PKT_END,
    REG_MAP_PTR,
    REG_MAP_VALUE,
    REG_MAP_VALUE_OR_NULL,
};

static const char *const reg_type_names[] = {
    [REG_NOT_INIT] = "?",
    [REG_SCALAR] = "scalar",
    [REG_CTX] = "ctx",
    [REG_STACK] = "fp",
    [REG_PKT] = "pkt",
    [REG_PKT_META] = "pkt_meta",
    [REG_PKT_END] = "pkt_end",
    [REG_MAP_PTR] = "map_ptr",
    [REG_MAP_VALUE] = "map_value",
    [REG_MAP_VALUE_OR_NULL] = "map_value_or_null",
};

/* ALU operation names, indexed by EBPF_OP() >> 4, as the kernel prints
 * them. */
static const char *const alu_names[16] = {
    "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=",
    "neg", "%=", "^=", "=", "s>>=", "endian", "?", "?",
};

/* A "tristate number": the bits of a value that are known.  Bit i of the
 * value is unknown if bit i of 'mask' is 1, otherwise it is bit i of
 * 'value'. */
struct tnum {
    uint64_t value;
    uint64_t mask;
};

/* What is known about a 64-bit value: every bound holds at once. */
struct scalar {
    uint64_t umin, umax;        /* Unsigned bounds. */
    int64_t smin, smax;         /* Signed bounds. */
    struct tnum t;              /* Known bits. */
};

/* The abstract value of a register (or of a spilled register). */
struct reg {
    struct scalar s;            /* Scalar: the value.  Pointer: the
                                 * variable part of the offset. */
    uint8_t type;               /* enum reg_type. */
    uint32_t id;                /* Scalar: copies share an id.  Packet:
                                 * pointers with the same variable base
                                 * share an id (0: no variable part).  Map
                                 * value or NULL: copies of one lookup
                                 * result share an id. */
    int32_t off;                /* Pointer: fixed offset. */
    uint32_t range;             /* Packet, id != 0: bytes [var, var + range)
                                 * are inside the packet. */
    uint32_t map;               /* Map pointer or value: index of the map. */
    uint8_t frameno;            /* Stack pointer: the frame it points into
                                 * (0: the program's, 1: the function it
                                 * called, ...). */
};

/* Byte types on the stack. */
enum {
    STACK_INVALID,              /* Never written. */
    STACK_MISC,                 /* Initialised data. */
    STACK_SPILL,                /* Part of a spilled register. */
};

/* The abstract state of one function call: its registers and its stack
 * frame. */
struct frame {
    struct reg regs[EBPF_N_REGS];
    uint32_t callsite;          /* The call instruction, in the caller (0 in
                                 * frame 0). */
    uint32_t subprog;           /* Index of the function (0: the program). */
    uint8_t stype[EBPF_STACK_SIZE];     /* Byte i is at r10 - 512 + i. */
    uint8_t spill_pos[N_SLOTS];         /* Spill's first byte in its slot. */
    uint8_t spill_size[N_SLOTS];        /* Spill's size (0: none). */
    struct reg spills[N_SLOTS];         /* At most one spill per slot. */
};

/* The abstract state of the machine at one instruction: the frames of the
 * calls in progress, innermost last.  Allocated with room for 'n_frames'
 * frames (state_size()). */
struct state {
    uint32_t len_min;           /* The packet has at least this many bytes */
    uint32_t len_max;           /* ...and at most this many. */
    uint32_t pc;                /* Next instruction to execute. */
    uint32_t n_frames;          /* 1 to BPF_VERIFIER_MAX_CALL_FRAMES. */
    struct explored *parent;    /* The last state kept on this path, whose
                                 * exploration is therefore in progress. */
    struct frame fr[];
};

/* A state kept at a join point for pruning.  Its exploration is in
 * progress while 'branches' > 0: paths that went through it are still
 * being explored (in a depth-first exploration, it is then an ancestor of
 * the current path).  Only a state whose exploration is complete may prune
 * another: one in progress may be reached again only by a loop, whose
 * termination is not proven yet. */
struct explored {
    struct explored *next;
    struct explored *parent;    /* 'parent' of the state when it was kept. */
    unsigned int n_joins;       /* Times other states were merged into it. */
    unsigned int branches;      /* Paths from it still being explored. */
    unsigned int hits;          /* Paths it pruned. */
    unsigned int misses;        /* States it was compared with, complete,
                                 * and did not prune. */
    struct state *st;
};

/* Returns the size of a state with 'n_frames' frames. */
static size_t
state_size(uint32_t n_frames)
{
    return sizeof(struct state) + n_frames * sizeof(struct frame);
}

/* Returns a copy of 'st'. */
static struct state *
state_clone(const struct state *st)
{
    return xmemdup(st, state_size(st->n_frames));
}

/* Returns the innermost frame of 'st', whose code is being executed. */
static struct frame *
cur_frame(struct state *st)
{
    return &st->fr[st->n_frames - 1];
}

/* The registers of the function being executed in 'ST'. */
#define REGS(ST) (cur_frame(ST)->regs)

/* A growing list of packet byte ranges. */
struct range_list {
    struct bpf_range *r;
    size_t n;
    size_t alloc;
};

/* A pair of ids matched while comparing two states. */
struct id_pair {
    uint32_t old;
    uint32_t cur;
};

struct verifier {
    const struct ebpf_insn *insns;
    size_t n_insns;
    const struct bpf_map_info *maps;
    size_t n_maps;

    uint8_t *flags;             /* INSN_* for each instruction. */
    uint16_t *live;             /* Registers read before written, from each
                                 * instruction on some path (bit i: ri). */
    uint16_t *precise;          /* Registers whose value may matter for
                                 * safety or for the verdict, from each
                                 * instruction on some path (bit i: ri). */
    struct explored **explored; /* States kept at each join point. */
    uint16_t *n_explored;       /* Number of states in each list. */
    struct explored *dropped;   /* States in progress dropped from their
                                 * list (see evict_state()). */
    size_t n_stored;            /* Total number of frames in kept states. */

    uint32_t *subprogs;         /* First instruction of each function, in
                                 * order; [0] is 0, the program itself. */
    size_t n_subprogs;
    uint32_t *stack_depth;      /* Deepest byte of its frame that each
                                 * function may access, in bytes. */
    bool has_loops;             /* The control-flow graph has a loop. */

    struct state **pending;     /* Branches still to explore. */
    size_t n_pending;
    size_t alloc_pending;

    uint32_t id_gen;            /* Last id handed out. */
    uint64_t processed;         /* Instructions interpreted so far. */
    uint64_t max_processed;     /* Limit on 'processed' for this pass. */
    uint64_t compared;          /* States compared so far, this pass. */
    uint64_t max_compared;      /* Limit on 'compared' for this pass. */
    long long int cpu_start;    /* Thread CPU time at the start (ns). */
    long long int cpu_limit;    /* Limit on the CPU time of this pass, in ns
                                 * since 'cpu_start'. */
    uint64_t total_processed;   /* Instructions interpreted, all passes. */
    uint64_t total_compared;    /* States compared, all passes. */
    bool merge;                 /* Merge states that differ in scalars. */
    unsigned int merge_threshold;   /* States at a join point before. */
    size_t pc;                  /* Instruction being checked. */

    struct range_list reads;
    struct range_list writes;
    size_t first_write;         /* Lowest 'pc' that wrote the packet, or
                                 * SIZE_MAX. */
    uint64_t helpers;           /* See struct bpf_verdict. */
    uint32_t ctx_reads;
    uint32_t len_compared;
    bool uses_len;
    size_t first_len;           /* Lowest 'pc' that may change the packet's
                                 * length, or SIZE_MAX. */

    struct id_pair *idmap;      /* Used while comparing states. */
    size_t n_idmap;
    size_t alloc_idmap;

    char *error;                /* First error, "insn N: reason". */
};

/* Returns the CPU time used by the calling thread, in ns. */
long long int
bpf_thread_cpu_ns(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)) {
        return 0;
    }
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Records the first error, formatted from 'format', for the instruction
 * being checked by 'v', and returns 'err'. */
static int OVS_PRINTF_FORMAT(3, 4)
verr(struct verifier *v, int err, const char *format, ...)
{
    if (!v->error) {
        va_list args;
        char *msg;

        va_start(args, format);
        msg = xvasprintf(format, args);
        va_end(args);
        v->error = xasprintf("insn %"PRIuSIZE": %s", v->pc, msg);
        free(msg);
    }
    return err;
}

/* Tristate numbers. */

/* Returns the tnum of the constant 'value'. */
static struct tnum
tn_const(uint64_t value)
{
    return (struct tnum) { value, 0 };
}

/* Returns the tnum of a value of which no bit is known. */
static struct tnum
tn_unknown(void)
{
    return (struct tnum) { 0, UINT64_MAX };
}

/* Returns the known bits common to every value in ['min', 'max']. */
static struct tnum
tn_range(uint64_t min, uint64_t max)
{
    uint64_t chi = min ^ max;
    int bits = 64 - clz64(chi);
    uint64_t delta;

    if (bits > 63) {
        return tn_unknown();
    }
    delta = (UINT64_C(1) << bits) - 1;
    return (struct tnum) { min & ~delta, delta };
}

/* Returns the known bits of 'a' + 'b'. */
static struct tnum
tn_add(struct tnum a, struct tnum b)
{
    uint64_t sm = a.mask + b.mask;
    uint64_t sv = a.value + b.value;
    uint64_t carries = (sm + sv) ^ sv;
    uint64_t mu = carries | a.mask | b.mask;

    return (struct tnum) { sv & ~mu, mu };
}

/* Returns the known bits of 'a' - 'b'. */
static struct tnum
tn_sub(struct tnum a, struct tnum b)
{
    uint64_t dv = a.value - b.value;
    uint64_t alpha = dv + a.mask;
    uint64_t beta = dv - b.mask;
    uint64_t mu = (alpha ^ beta) | a.mask | b.mask;

    return (struct tnum) { dv & ~mu, mu };
}

/* Returns the known bits of 'a' & 'b'. */
static struct tnum
tn_and(struct tnum a, struct tnum b)
{
    uint64_t alpha = a.value | a.mask;
    uint64_t beta = b.value | b.mask;
    uint64_t v = a.value & b.value;

    return (struct tnum) { v, alpha & beta & ~v };
}

/* Returns the known bits of 'a' | 'b'. */
static struct tnum
tn_or(struct tnum a, struct tnum b)
{
    uint64_t v = a.value | b.value;
    uint64_t mu = a.mask | b.mask;

    return (struct tnum) { v, mu & ~v };
}

/* Returns the known bits of 'a' ^ 'b'. */
static struct tnum
tn_xor(struct tnum a, struct tnum b)
{
    uint64_t mu = a.mask | b.mask;

    return (struct tnum) { (a.value ^ b.value) & ~mu, mu };
}

/* Returns the known bits of 'a' << 'shift'. */
static struct tnum
tn_lsh(struct tnum a, unsigned int shift)
{
    return (struct tnum) { a.value << shift, a.mask << shift };
}

/* Returns the known bits of 'a' >> 'shift' (logical). */
static struct tnum
tn_rsh(struct tnum a, unsigned int shift)
{
    return (struct tnum) { a.value >> shift, a.mask >> shift };
}

/* Returns the known bits of 'a' >> 'shift' (arithmetic, 64 bits). */
static struct tnum
tn_arsh(struct tnum a, unsigned int shift)
{
    /* An unknown sign bit makes every bit shifted in unknown, and a known
     * one makes them known: an arithmetic shift of each field does that. */
    return (struct tnum) { (uint64_t) ((int64_t) a.value >> shift),
                           (uint64_t) ((int64_t) a.mask >> shift) };
}

/* Returns whether 'a' and 'b' disagree on a bit that both know. */
static bool
tn_conflict(struct tnum a, struct tnum b)
{
    return ((a.value ^ b.value) & ~(a.mask | b.mask)) != 0;
}

/* Returns the bits known by 'a' or by 'b' (which must not conflict). */
static struct tnum
tn_intersect(struct tnum a, struct tnum b)
{
    uint64_t v = a.value | b.value;
    uint64_t mu = a.mask & b.mask;

    return (struct tnum) { v & ~mu, mu };
}

/* Returns whether every value that 'b' allows is allowed by 'a'. */
static bool
tn_in(struct tnum a, struct tnum b)
{
    if (b.mask & ~a.mask) {
        return false;
    }
    return (b.value & ~a.mask) == a.value;
}

/* Returns the known bits of the low 32 bits of 'a', zero-extended. */
static struct tnum
tn_cast32(struct tnum a)
{
    return (struct tnum) { a.value & UINT32_MAX, a.mask & UINT32_MAX };
}

/* Scalars. */

/* Sets 's' to "any 64-bit value". */
static void
sc_unknown(struct scalar *s)
{
    s->umin = 0;
    s->umax = UINT64_MAX;
    s->smin = INT64_MIN;
    s->smax = INT64_MAX;
    s->t = tn_unknown();
}

/* Sets 's' to the constant 'value'. */
static void
sc_const(struct scalar *s, uint64_t value)
{
    s->umin = s->umax = value;
    s->smin = s->smax = (int64_t) value;
    s->t = tn_const(value);
}

/* Returns whether 's' (synced) allows exactly one value. */
static bool
sc_is_const(const struct scalar *s)
{
    return s->umin == s->umax;
}

/* Tightens each bound of 's' using the others.  Returns false if no value
 * satisfies them all, that is, if the path that led to 's' is
 * infeasible. */
static bool
sc_sync(struct scalar *s)
{
    const uint64_t sign = UINT64_C(1) << 63;
    int i;

    for (i = 0; i < 2; i++) {
        struct tnum r;

        /* Known bits bound the value both ways. */
        s->umin = MAX(s->umin, s->t.value);
        s->umax = MIN(s->umax, s->t.value | s->t.mask);
        s->smin = MAX(s->smin,
                      (int64_t) (s->t.value | (s->t.mask & sign)));
        s->smax = MIN(s->smax,
                      (int64_t) (s->t.value | (s->t.mask & ~sign)));

        /* Signed and unsigned order agree within each half of the range. */
        if (s->smin >= 0 || s->smax < 0) {
            s->umin = MAX(s->umin, (uint64_t) s->smin);
            s->umax = MIN(s->umax, (uint64_t) s->smax);
        }
        if ((s->umin & sign) == (s->umax & sign)) {
            s->smin = MAX(s->smin, (int64_t) s->umin);
            s->smax = MIN(s->smax, (int64_t) s->umax);
        }
        if (s->umin > s->umax || s->smin > s->smax) {
            return false;
        }

        /* The bounds give known high bits. */
        r = tn_range(s->umin, s->umax);
        if (tn_conflict(s->t, r)) {
            return false;
        }
        s->t = tn_intersect(s->t, r);
    }
    return s->umin <= s->umax && s->smin <= s->smax;
}

/* Sets 's' to the values in ['lo', 'hi'] (unsigned). */
static void
sc_urange(struct scalar *s, uint64_t lo, uint64_t hi)
{
    sc_unknown(s);
    s->umin = lo;
    s->umax = hi;
    sc_sync(s);
}

/* Returns whether 'cur' allows only values that 'old' allows. */
static bool
sc_within(const struct scalar *old, const struct scalar *cur)
{
    return (old->umin <= cur->umin && cur->umax <= old->umax
            && old->smin <= cur->smin && cur->smax <= old->smax
            && tn_in(old->t, cur->t));
}

/* Replaces 's' by the bounds of its low 32 bits, zero-extended. */
static void
sc_zext32(struct scalar *s)
{
    uint64_t lo, hi;
    struct tnum t;

    if (s->umax <= UINT32_MAX) {
        return;
    }
    t = tn_cast32(s->t);
    if ((s->umin >> 32) == (s->umax >> 32)) {
        lo = s->umin & UINT32_MAX;
        hi = s->umax & UINT32_MAX;
    } else {
        lo = 0;
        hi = UINT32_MAX;
    }
    sc_urange(s, lo, hi);
    if (!tn_conflict(s->t, t)) {
        s->t = tn_intersect(s->t, t);
        sc_sync(s);
    }
}

/* Replaces 's' by the bounds of its low 32 bits, sign-extended. */
static void
sc_sext32(struct scalar *s)
{
    if (s->smin >= INT32_MIN && s->smax <= INT32_MAX) {
        return;
    }
    sc_zext32(s);
    if (s->umax <= INT32_MAX) {
        return;
    } else if (s->umin > INT32_MAX) {
        struct tnum t = s->t;

        s->smin = (int32_t) (uint32_t) s->umin;
        s->smax = (int32_t) (uint32_t) s->umax;
        s->umin = (uint64_t) s->smin;
        s->umax = (uint64_t) s->smax;
        s->t = (struct tnum) { t.value | ~(uint64_t) UINT32_MAX, t.mask };
    } else {
        sc_unknown(s);
        s->smin = INT32_MIN;
        s->smax = INT32_MAX;
    }
    sc_sync(s);
}

/* Applies the 64-bit ALU operation 'op' (EBPF_ALU_*) to 'd' and 's', and
 * leaves the result in 'd'. */
static void
sc_alu64(int op, struct scalar *d, const struct scalar *s)
{
    struct scalar r;

    sc_unknown(&r);
    switch (op) {
    case EBPF_ALU_ADD:
        if (!__builtin_add_overflow(d->umin, s->umin, &r.umin)
            && !__builtin_add_overflow(d->umax, s->umax, &r.umax)) {
            /* No wrap-around. */
        } else {
            r.umin = 0;
            r.umax = UINT64_MAX;
        }
        if (__builtin_add_overflow(d->smin, s->smin, &r.smin)
            || __builtin_add_overflow(d->smax, s->smax, &r.smax)) {
            r.smin = INT64_MIN;
            r.smax = INT64_MAX;
        }
        r.t = tn_add(d->t, s->t);
        break;

    case EBPF_ALU_SUB:
        if (d->umin >= s->umax) {
            r.umin = d->umin - s->umax;
            r.umax = d->umax - s->umin;
        }
        if (__builtin_sub_overflow(d->smin, s->smax, &r.smin)
            || __builtin_sub_overflow(d->smax, s->smin, &r.smax)) {
            r.smin = INT64_MIN;
            r.smax = INT64_MAX;
        }
        r.t = tn_sub(d->t, s->t);
        break;

    case EBPF_ALU_MUL:
        if (d->umax <= UINT32_MAX && s->umax <= UINT32_MAX) {
            r.umin = d->umin * s->umin;
            r.umax = d->umax * s->umax;
        }
        if (sc_is_const(d) && sc_is_const(s)) {
            r.t = tn_const(d->umin * s->umin);
        } else if (sc_is_const(s) && is_pow2(s->umin)) {
            r.t = tn_lsh(d->t, ctz64(s->umin));
        } else if (sc_is_const(d) && is_pow2(d->umin)) {
            r.t = tn_lsh(s->t, ctz64(d->umin));
        }
        break;

    case EBPF_ALU_DIV:
        /* Division by zero yields zero. */
        if (s->umax == 0) {
            sc_const(&r, 0);
        } else if (s->umin == 0) {
            r.umin = 0;
            r.umax = d->umax;
        } else {
            r.umin = d->umin / s->umax;
            r.umax = d->umax / s->umin;
        }
        break;

    case EBPF_ALU_MOD:
        /* Modulo by zero leaves the dividend unchanged. */
        if (s->umax == 0 || (s->umin > 0 && d->umax < s->umin)) {
            r = *d;
        } else if (s->umin == 0) {
            r.umin = 0;
            r.umax = d->umax;
        } else {
            r.umin = 0;
            r.umax = MIN(d->umax, s->umax - 1);
        }
        break;

    case EBPF_ALU_AND:
        r.t = tn_and(d->t, s->t);
        r.umin = r.t.value;
        r.umax = MIN(d->umax, s->umax);
        break;

    case EBPF_ALU_OR:
        r.t = tn_or(d->t, s->t);
        r.umin = MAX(d->umin, s->umin);
        break;

    case EBPF_ALU_XOR:
        r.t = tn_xor(d->t, s->t);
        break;

    case EBPF_ALU_LSH:
        if (sc_is_const(s) && s->umin < 64) {
            unsigned int k = s->umin;

            r.t = tn_lsh(d->t, k);
            if (k == 0) {
                r = *d;
            } else {
                /* If the bits shifted out are the same for every value,
                 * the shift keeps the values' unsigned order; if every
                 * value fits in 64 - k signed bits, it keeps their signed
                 * order (a multiplication by 2^k that does not overflow),
                 * as a sign extension "<<= 32, s>>= 32" needs. */
                if ((d->umin >> (64 - k)) == (d->umax >> (64 - k))) {
                    r.umin = d->umin << k;
                    r.umax = d->umax << k;
                }
                if (d->smin >= (INT64_MIN >> k)
                    && d->smax <= (INT64_MAX >> k)) {
                    r.smin = (int64_t) ((uint64_t) d->smin << k);
                    r.smax = (int64_t) ((uint64_t) d->smax << k);
                }
            }
        }
        break;

    case EBPF_ALU_RSH:
        if (sc_is_const(s) && s->umin < 64) {
            unsigned int k = s->umin;

            r.t = tn_rsh(d->t, k);
            r.umin = d->umin >> k;
            r.umax = d->umax >> k;
        } else {
            /* A logical right shift never makes a value larger. */
            r.umax = d->umax;
        }
        break;

    case EBPF_ALU_ARSH:
        if (sc_is_const(s) && s->umin < 64) {
            unsigned int k = s->umin;

            r.t = tn_arsh(d->t, k);
            r.smin = d->smin >> k;
            r.smax = d->smax >> k;
        } else {
            /* An arithmetic shift moves a value towards 0 or -1. */
            r.smin = MIN(d->smin, 0);
            r.smax = MAX(d->smax, 0);
        }
        break;

    case EBPF_ALU_NEG:
        r.t = tn_sub(tn_const(0), d->t);
        if (d->smin != INT64_MIN) {
            r.smin = -d->smax;
            r.smax = -d->smin;
        }
        break;

    case EBPF_ALU_MOV:
        r = *s;
        break;

    default:
        OVS_NOT_REACHED();
    }
    if (!sc_sync(&r)) {
        /* Only an inconsistent input can get here; stay sound. */
        sc_unknown(&r);
    }
    *d = r;
}

/* Applies the 32-bit ALU operation 'op' to 'd' and 's': the operation
 * reads the low 32 bits of each operand and zero-extends its result. */
static void
sc_alu32(int op, struct scalar *d, const struct scalar *s_)
{
    struct scalar s = *s_;

    sc_zext32(&s);
    if ((op == EBPF_ALU_LSH || op == EBPF_ALU_RSH || op == EBPF_ALU_ARSH)
        && s.umax >= 32) {
        /* Shift amounts of 32 or more are masked at run time. */
        sc_urange(d, 0, UINT32_MAX);
        return;
    }
    if (op == EBPF_ALU_ARSH) {
        sc_sext32(d);
    } else {
        sc_zext32(d);
    }
    sc_alu64(op, d, &s);
    sc_zext32(d);
}

/* Applies a byte-order conversion of 'bits' bits to 'd', to big endian if
 * 'to_be', otherwise to little endian (the host's order). */
static void
sc_endian(struct scalar *d, int bits, bool to_be)
{
    uint64_t mask = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;

    if (!to_be) {
        struct scalar m;

        sc_const(&m, mask);
        sc_alu64(EBPF_ALU_AND, d, &m);
    } else if (sc_is_const(d)) {
        uint64_t x = d->umin;

        sc_const(d, (bits == 16 ? __builtin_bswap16(x)
                     : bits == 32 ? __builtin_bswap32(x)
                     : __builtin_bswap64(x)));
    } else {
        sc_urange(d, 0, mask);
    }
}

/* Registers. */

/* Marks 'r' as never written. */
static void
reg_not_init(struct reg *r)
{
    memset(r, 0, sizeof *r);
    r->type = REG_NOT_INIT;
}

/* Sets 'r' to an unknown scalar. */
static void
reg_unknown(struct reg *r)
{
    memset(r, 0, sizeof *r);
    r->type = REG_SCALAR;
    sc_unknown(&r->s);
}

/* Sets 'r' to the scalar constant 'value'. */
static void
reg_const(struct reg *r, uint64_t value)
{
    memset(r, 0, sizeof *r);
    r->type = REG_SCALAR;
    sc_const(&r->s, value);
}

/* Sets 'r' to an unknown scalar zero-extended from 'size' bytes. */
static void
reg_unknown_sized(struct reg *r, int size)
{
    reg_unknown(r);
    if (size < 8) {
        sc_urange(&r->s, 0, (UINT64_C(1) << (size * 8)) - 1);
    }
}

/* Sets 'r' to a pointer of 'type' (to map 'map', for map pointers and
 * values) at offset 0. */
static void
reg_ptr(struct reg *r, enum reg_type type, uint32_t map)
{
    memset(r, 0, sizeof *r);
    r->type = type;
    r->map = map;
    sc_const(&r->s, 0);
}

/* Returns whether 'r' holds a pointer. */
static bool
reg_is_ptr(const struct reg *r)
{
    return r->type != REG_NOT_INIT && r->type != REG_SCALAR;
}

/* Returns whether 'r' is the scalar constant 'value'. */
static bool
reg_is_const(const struct reg *r, uint64_t value)
{
    return (r->type == REG_SCALAR && sc_is_const(&r->s)
            && r->s.umin == value);
}

/* Returns the abstract value of slot 'i' of frame 'f' as a register, or
 * NULL if the slot holds no spilled register. */
static struct reg *
spilled_reg(struct frame *f, int i)
{
    return f->spill_size[i] ? &f->spills[i] : NULL;
}

/* Number of registers and spill slots of a frame, for FOR_EACH_REG. */
#define N_FRAME_REGS (EBPF_N_REGS + N_SLOTS)

/* Returns register or spill slot 'i' of frame 'f' (see FOR_EACH_REG), or
 * NULL if slot 'i' holds no spilled register. */
static struct reg *
frame_reg(struct frame *f, int i)
{
    return i < EBPF_N_REGS ? &f->regs[i] : spilled_reg(f, i - EBPF_N_REGS);
}

/* Runs BODY with R pointing to each register and spilled register of
 * every frame of state ST in turn. */
#define FOR_EACH_REG(ST, R, BODY)                               \
    do {                                                        \
        uint32_t f_;                                            \
        int i_;                                                 \
        for (f_ = 0; f_ < (ST)->n_frames; f_++) {               \
            for (i_ = 0; i_ < N_FRAME_REGS; i_++) {             \
                struct reg *R = frame_reg(&(ST)->fr[f_], i_);   \
                if (R) {                                        \
                    BODY;                                       \
                }                                               \
            }                                                   \
        }                                                       \
    } while (0)

/* Gives the scalar in 'r' an id shared with its copies, so that what a
 * comparison teaches about one applies to all. */
static void
link_scalar(struct verifier *v, struct reg *r)
{
    if (r->type == REG_SCALAR && !sc_is_const(&r->s) && !r->id) {
        r->id = ++v->id_gen;
    }
}

/* Copies the bounds of scalar 'r' to every copy of it in 'st'. */
static void
propagate_scalar(struct state *st, const struct reg *r)
{
    struct reg copy = *r;

    if (!copy.id) {
        return;
    }
    FOR_EACH_REG (st, x, {
        if (x->type == REG_SCALAR && x->id == copy.id) {
            x->s = copy.s;
        }
    });
}

/* Verdict ranges. */

/* qsort() comparison function for struct bpf_range 'a_' and 'b_'. */
static int
range_cmp(const void *a_, const void *b_)
{
    const struct bpf_range *a = a_;
    const struct bpf_range *b = b_;

    return (a->start < b->start ? -1 : a->start > b->start ? 1
            : a->end < b->end ? -1 : a->end > b->end);
}

/* Sorts 'l' and merges its overlapping and adjacent ranges. */
static void
ranges_compact(struct range_list *l)
{
    size_t i, n = 0;

    if (!l->n) {
        return;
    }
    qsort(l->r, l->n, sizeof *l->r, range_cmp);
    for (i = 1; i < l->n; i++) {
        if (l->r[i].start <= l->r[n].end) {
            l->r[n].end = MAX(l->r[n].end, l->r[i].end);
        } else {
            l->r[++n] = l->r[i];
        }
    }
    l->n = n + 1;
}

/* Adds packet bytes ['lo', 'hi') to 'l'. */
static void
ranges_add(struct range_list *l, int64_t lo, int64_t hi)
{
    struct bpf_range r;

    r.start = lo;
    r.end = hi >= BPF_RANGE_UNBOUNDED ? BPF_RANGE_UNBOUNDED : hi;
    if (l->n && l->r[l->n - 1].start == r.start
        && l->r[l->n - 1].end == r.end) {
        return;
    }
    if (l->n >= l->alloc) {
        ranges_compact(l);
        if (l->n >= l->alloc / 2) {
            l->r = x2nrealloc(l->r, &l->alloc, sizeof *l->r);
        }
    }
    l->r[l->n++] = r;
}

/* Memory accesses. */

enum access {
    ACC_READ,
    ACC_WRITE,
};

/* Checks that register 'regno' of 'st' was written.  Returns 0 or an
 * errno. */
static int
check_reg_init(struct verifier *v, struct state *st, int regno)
{
    if (REGS(st)[regno].type == REG_NOT_INIT) {
        return verr(v, EACCES, "R%d !read_ok", regno);
    }
    return 0;
}

/* Returns the size in bytes of the memory access of 'opcode'. */
static int
insn_size(uint8_t opcode)
{
    switch (EBPF_SIZE(opcode)) {
    case EBPF_SIZE_B: return 1;
    case EBPF_SIZE_H: return 2;
    case EBPF_SIZE_W: return 4;
    default: return 8;
    }
}

/* Checks an access of 'size' bytes at 'off' from packet pointer 'r' (in
 * register 'regno') in 'st', and records it in the verdict ('write' says
 * which list).  For metadata pointers nothing is recorded: the metadata
 * area is not part of the packet. */
static int
check_pkt_access(struct verifier *v, const struct state *st, int regno,
                 const struct reg *r, int off, int size, bool write)
{
    int64_t rel = (int64_t) r->off + off;
    int64_t lo = rel + r->s.smin;
    int64_t hi = rel + r->s.smax + size;
    bool ok = false;

    if (r->s.smin < 0) {
        return verr(v, EACCES, "R%d min value is negative, either use "
                    "unsigned index or do a if (index >=0) check.", regno);
    }
    if (lo >= 0) {
        if ((r->id || r->type == REG_PKT_META) && rel >= 0
            && rel + size <= r->range) {
            ok = true;
        } else if (r->type == REG_PKT && hi <= st->len_min) {
            ok = true;
        }
    }
    if (!ok) {
        return verr(v, EACCES, "invalid access to packet, off=%d size=%d, "
                    "R%d(id=%"PRIu32",off=%"PRId32",r=%"PRIu32")", off,
                    size, regno, r->id, r->off,
                    r->id || r->type != REG_PKT ? r->range : st->len_min);
    }
    if (r->type == REG_PKT) {
        ranges_add(write ? &v->writes : &v->reads, lo, hi);
        if (write) {
            v->first_write = MIN(v->first_write, v->pc);
        }
    }
    return 0;
}

/* Checks an access of 'size' bytes at 'off' from map value pointer 'r'
 * (register 'regno'), a write if 'write'. */
static int
check_map_access(struct verifier *v, int regno, const struct reg *r,
                 int off, int size, bool write)
{
    uint32_t value_size = v->maps[r->map].value_size;
    int64_t rel = (int64_t) r->off + off;

    if (write && v->maps[r->map].flags & EBPF_MAP_F_RDONLY_PROG) {
        return verr(v, EACCES, "write into map forbidden, value_size=%"PRIu32
                    " off=%"PRId64" size=%d", value_size, rel, size);
    }
    if (r->s.smin < 0) {
        return verr(v, EACCES, "R%d min value is negative, either use "
                    "unsigned index or do a if (index >=0) check.", regno);
    }
    if (rel + r->s.smin < 0 || rel + r->s.smax + size > value_size) {
        return verr(v, EACCES, "invalid access to map value, "
                    "value_size=%"PRIu32" off=%"PRId64" size=%d",
                    value_size, rel + (rel < 0 ? 0 : r->s.smax), size);
    }
    return 0;
}

/* Turns the spill in slot 'slot' of frame 'st' into plain data. */
static void
unspill(struct frame *st, int slot)
{
    int i;

    for (i = 0; i < st->spill_size[slot]; i++) {
        st->stype[slot * 8 + st->spill_pos[slot] + i] = STACK_MISC;
    }
    st->spill_size[slot] = 0;
    reg_not_init(&st->spills[slot]);
}

/* Checks that 'size' bytes at stack pointer 'r' (register 'regno') plus
 * 'off' fit in its frame in 'st', aligned to 'size' if 'align' (as the
 * kernel requires of loads and stores on the stack), and records how deep
 * the function of that frame uses its stack.  Stores in '*absp' the lowest
 * offset from r10 that may be accessed and in '*spanp' the number of bytes
 * that may be accessed: 'size', unless the offset is variable.  'what'
 * names the access for the message. */
static int
check_stack_bounds(struct verifier *v, struct state *st, int regno,
                   const struct reg *r, int off, uint32_t size, bool align,
                   const char *what, int *absp, int *spanp)
{
    int64_t base = (int64_t) r->off + off;
    uint32_t *depth;
    int64_t lo = base + r->s.smin;
    int64_t hi = base + r->s.smax + size;

    if (lo < -EBPF_STACK_SIZE || hi > 0) {
        if (sc_is_const(&r->s)) {
            return verr(v, EACCES, "invalid %s stack R%d off=%"PRId64" "
                        "size=%"PRIu32, what, regno, lo, size);
        }
        return verr(v, EACCES, "invalid variable-offset %s stack R%d "
                    "off=%"PRId64"..%"PRId64" size=%"PRIu32, what, regno,
                    lo, hi - size, size);
    }
    if (align && ((base + (int64_t) r->s.t.value) % size
                  || r->s.t.mask & (size - 1))) {
        return verr(v, EACCES, "misaligned stack access off %"PRId32"+%d "
                    "size %"PRIu32, r->off, off, size);
    }
    /* The function whose frame this is uses it down to here. */
    depth = &v->stack_depth[st->fr[r->frameno].subprog];
    *depth = MAX(*depth, -lo);
    *absp = lo;
    *spanp = hi - lo;
    return 0;
}

/* Checks that the 'span' bytes at 'abs' (from r10) of the stack of frame
 * 'st' may be read as data, for a read of 'size' bytes through register
 * 'regno' at a variable offset, or through a helper ('indirect'): no byte
 * belongs to a spilled pointer.  Bytes never written may be read, as the
 * kernel allows privileged programs (padding in a hash key on the stack,
 * for example): they hold unknown data. */
static int
check_stack_init(struct verifier *v, const struct frame *st, int regno,
                 int abs, int span, uint32_t size, bool indirect)
{
    int i;

    for (i = 0; i < span; i++) {
        int b = EBPF_STACK_SIZE + abs + i;

        if (st->stype[b] == STACK_SPILL
            && st->spills[b / 8].type != REG_SCALAR) {
            return verr(v, EACCES, "invalid %sread from stack R%d off %d+%d "
                        "size %"PRIu32, indirect ? "indirect " : "", regno,
                        abs, i, size);
        }
    }
    return 0;
}

/* Accounts for a write of unknown data to some of the 'span' bytes at 'abs'
 * (from r10) of the stack of frame 'st', at a variable offset: spilled
 * scalars there become plain data, and bytes never written stay so (the
 * write may have missed them). */
static int
stack_write_var(struct verifier *v, struct frame *st, int abs, int span)
{
    int i;

    for (i = 0; i < span; i++) {
        int b = EBPF_STACK_SIZE + abs + i;

        if (st->stype[b] == STACK_SPILL) {
            if (st->spills[b / 8].type != REG_SCALAR) {
                return verr(v, EACCES,
                            "attempt to corrupt spilled pointer on stack");
            }
            unspill(st, b / 8);
        }
    }
    return 0;
}

/* Reads 'size' bytes at 'abs' (from r10, aligned) from the stack of frame
 * 'st' into 'out'. */
static int
stack_read(struct verifier *v, struct frame *st, int abs, int size,
           struct reg *out)
{
    int b = EBPF_STACK_SIZE + abs;
    int slot = b / 8;
    int pos = b % 8;
    int i;

    if (st->spill_size[slot] && st->spill_pos[slot] == pos
        && st->spill_size[slot] == size) {
        *out = st->spills[slot];
        return 0;
    }
    if (st->spill_size[slot] && st->spills[slot].type == REG_SCALAR
        && pos >= st->spill_pos[slot]
        && pos + size <= st->spill_pos[slot] + st->spill_size[slot]) {
        /* Part of a spilled scalar: its low bytes, or any bytes of a
         * constant, are known (the stack is little-endian). */
        const struct scalar *sp = &st->spills[slot].s;
        int shift = (pos - st->spill_pos[slot]) * 8;
        uint64_t mask = (UINT64_C(1) << (size * 8)) - 1;

        if (sc_is_const(sp)) {
            reg_const(out, (sp->umin >> shift) & mask);
            return 0;
        } else if (!shift) {
            struct scalar m;

            reg_unknown(out);
            out->s = *sp;
            sc_const(&m, mask);
            sc_alu64(EBPF_ALU_AND, &out->s, &m);
            return 0;
        }
    }
    /* Bytes never written read as unknown data (see
     * check_stack_init()). */
    for (i = 0; i < size; i++) {
        if (st->stype[b + i] == STACK_SPILL
            && st->spills[slot].type != REG_SCALAR) {
            return verr(v, EACCES, "invalid size of register fill");
        }
    }
    reg_unknown_sized(out, size);
    return 0;
}

/* Writes 'size' bytes at 'abs' (from r10, aligned) to the stack of frame
 * 'st'.  'val' is the value written, or NULL for unknown data. */
static int
stack_write(struct verifier *v, struct frame *st, int abs, int size,
            const struct reg *val)
{
    int b = EBPF_STACK_SIZE + abs;
    int slot = b / 8;
    int pos = b % 8;
    bool spill = val != NULL;
    int i;

    if (st->spill_size[slot]) {
        int sp_lo = st->spill_pos[slot];
        int sp_hi = sp_lo + st->spill_size[slot];

        if (pos < sp_hi && pos + size > sp_lo) {
            if (st->spills[slot].type != REG_SCALAR
                && !(pos == sp_lo && size == st->spill_size[slot])) {
                return verr(v, EACCES,
                            "attempt to corrupt spilled pointer on stack");
            }
            unspill(st, slot);
        } else if (spill) {
            /* One spill per slot: the older one becomes plain data. */
            unspill(st, slot);
        }
    }

    if (spill) {
        struct reg r = *val;

        if (reg_is_ptr(&r) && size != 8) {
            return verr(v, EACCES, "invalid size of register spill");
        }
        if (r.type == REG_SCALAR && size < 8) {
            uint64_t max = (UINT64_C(1) << (size * 8)) - 1;

            if (r.s.umax > max) {
                /* Only the low bytes are stored. */
                if (size == 4) {
                    sc_zext32(&r.s);
                } else if (sc_is_const(&r.s)) {
                    sc_const(&r.s, r.s.umin & max);
                } else {
                    sc_urange(&r.s, 0, max);
                }
                r.id = 0;
            }
        }
        st->spills[slot] = r;
        st->spill_pos[slot] = pos;
        st->spill_size[slot] = size;
    }
    for (i = 0; i < size; i++) {
        st->stype[b + i] = spill ? STACK_SPILL : STACK_MISC;
    }
    return 0;
}

/* Checks a context read of 'size' bytes at 'off' from 'r' (register
 * 'regno'), and stores the value read in 'out'. */
static int
ctx_read(struct verifier *v, int regno, const struct reg *r, int off,
         int size, struct reg *out)
{
    if (r->off || !sc_is_const(&r->s) || r->s.umin) {
        return verr(v, EACCES, "dereference of modified ctx ptr R%d "
                    "off=%"PRId32" disallowed", regno, r->off);
    }
    if (size != 4 || off < 0 || off % 4
        || off >= EBPF_XDP_MD_EGRESS_IFINDEX) {
        /* egress_ifindex is only valid for devmap programs. */
        return verr(v, EACCES, "invalid bpf_context access off=%d size=%d",
                    off, size);
    }
    v->ctx_reads |= 1u << (off / 4);
    switch (off) {
    case EBPF_XDP_MD_DATA:
        reg_ptr(out, REG_PKT, 0);
        break;
    case EBPF_XDP_MD_DATA_END:
        reg_ptr(out, REG_PKT_END, 0);
        break;
    case EBPF_XDP_MD_DATA_META:
        reg_ptr(out, REG_PKT_META, 0);
        break;
    default:
        reg_unknown_sized(out, 4);
        break;
    }
    return 0;
}

/* Checks a load of 'size' bytes at 'off' from register 'regno' of 'st' and
 * stores the value loaded in 'out'. */
static int
mem_read(struct verifier *v, struct state *st, int regno, int off,
         int size, struct reg *out)
{
    const struct reg *r = &REGS(st)[regno];
    struct frame *f = &st->fr[r->frameno];
    int abs, span, err;

    switch (r->type) {
    case REG_CTX:
        return ctx_read(v, regno, r, off, size, out);

    case REG_STACK:
        err = check_stack_bounds(v, st, regno, r, off, size, true,
                                 "read from", &abs, &span);
        if (err) {
            return err;
        } else if (span > size) {
            err = check_stack_init(v, f, regno, abs, span, size, false);
            if (!err) {
                reg_unknown_sized(out, size);
            }
            return err;
        }
        return stack_read(v, f, abs, size, out);

    case REG_PKT:
    case REG_PKT_META:
        err = check_pkt_access(v, st, regno, r, off, size, false);
        if (!err) {
            reg_unknown_sized(out, size);
        }
        return err;

    case REG_MAP_VALUE:
        err = check_map_access(v, regno, r, off, size, false);
        if (!err) {
            reg_unknown_sized(out, size);
        }
        return err;

    default:
        return verr(v, EACCES, "R%d invalid mem access '%s'", regno,
                    reg_type_names[r->type]);
    }
}

/* Checks a store of 'size' bytes of 'val' ('valno' is its register, or -1
 * for an immediate) at 'off' from register 'regno' of 'st'. */
static int
mem_write(struct verifier *v, struct state *st, int regno, int off,
          int size, const struct reg *val, int valno)
{
    const struct reg *r = &REGS(st)[regno];
    struct frame *f = &st->fr[r->frameno];
    int abs, span, err;

    switch (r->type) {
    case REG_CTX:
        /* The context is read-only. */
        return verr(v, EACCES, "invalid bpf_context access off=%d size=%d",
                    off, size);

    case REG_STACK:
        err = check_stack_bounds(v, st, regno, r, off, size, true,
                                 "write to", &abs, &span);
        if (err) {
            return err;
        } else if (span > size) {
            if (reg_is_ptr(val)) {
                return verr(v, EACCES, "R%d spilled at a variable offset",
                            valno);
            }
            return stack_write_var(v, f, abs, span);
        }
        if (val->type == REG_STACK && r->frameno != st->n_frames - 1) {
            /* It would outlive the frame it points to. */
            return verr(v, EINVAL, "cannot spill pointers to stack into "
                        "stack frame of the caller");
        }
        return stack_write(v, f, abs, size, val);

    case REG_PKT:
    case REG_PKT_META:
        if (reg_is_ptr(val)) {
            return verr(v, EACCES, "R%d leaks addr into packet", valno);
        }
        return check_pkt_access(v, st, regno, r, off, size, true);

    case REG_MAP_VALUE:
        if (reg_is_ptr(val)) {
            return verr(v, EACCES, "R%d leaks addr into map", valno);
        }
        return check_map_access(v, regno, r, off, size, true);

    default:
        return verr(v, EACCES, "R%d invalid mem access '%s'", regno,
                    reg_type_names[r->type]);
    }
}

/* Checks the atomic operation 'insn' in 'st'. */
static int
do_atomic(struct verifier *v, struct state *st, const struct ebpf_insn *insn)
{
    int size = insn_size(insn->opcode);
    struct reg *r = &REGS(st)[insn->dst];
    struct frame *f = &st->fr[r->frameno];
    bool cmpxchg = insn->imm == EBPF_ATOMIC_CMPXCHG;
    struct reg old;
    int abs, span, err;

    err = check_reg_init(v, st, insn->dst);
    if (!err) {
        err = check_reg_init(v, st, insn->src);
    }
    if (!err && cmpxchg) {
        err = check_reg_init(v, st, 0);
    }
    if (err) {
        return err;
    }
    if (reg_is_ptr(&REGS(st)[insn->src])) {
        return verr(v, EACCES, "R%d leaks addr into mem", insn->src);
    }
    if (cmpxchg && reg_is_ptr(&REGS(st)[0])) {
        return verr(v, EACCES, "R0 leaks addr into mem");
    }

    switch (r->type) {
    case REG_STACK:
        err = check_stack_bounds(v, st, insn->dst, r, insn->offset, size,
                                 true, "write to", &abs, &span);
        if (!err && span > size) {
            err = verr(v, EACCES, "R%d variable-offset atomic access on "
                       "the stack is not supported", insn->dst);
        }
        if (!err) {
            err = stack_read(v, f, abs, size, &old);
        }
        if (!err && reg_is_ptr(&old)) {
            err = verr(v, EACCES,
                       "attempt to corrupt spilled pointer on stack");
        }
        if (!err) {
            err = stack_write(v, f, abs, size, NULL);
        }
        break;

    case REG_MAP_VALUE:
        /* Atomic operations must be naturally aligned. */
        if (((int64_t) r->off + insn->offset) % size
            || (r->s.t.value | r->s.t.mask) & (size - 1)) {
            err = verr(v, EACCES, "misaligned value access off %"PRId32"+%d "
                       "size %d", r->off, insn->offset, size);
        } else {
            err = check_map_access(v, insn->dst, r, insn->offset, size,
                                   true);
        }
        break;

    case REG_CTX:
    case REG_PKT:
    case REG_PKT_META:
        err = verr(v, EACCES, "BPF_ATOMIC stores into R%d %s is not allowed",
                   insn->dst, reg_type_names[r->type]);
        break;

    default:
        err = verr(v, EACCES, "R%d invalid mem access '%s'", insn->dst,
                   reg_type_names[r->type]);
        break;
    }
    if (err) {
        return err;
    }

    /* The fetching forms return the old value, zero-extended. */
    if (cmpxchg) {
        reg_unknown_sized(&REGS(st)[0], size);
    } else if (insn->imm & EBPF_ATOMIC_FETCH) {
        reg_unknown_sized(&REGS(st)[insn->src], size);
    }
    return 0;
}

/* Pointer arithmetic. */

/* Computes in 'dst' pointer 'ptr' plus or minus ('op') scalar 'k'.  'regno'
 * is the destination register, for messages. */
static int
ptr_arith(struct verifier *v, int regno, struct reg *dst,
          const struct reg *ptr_, const struct scalar *k, int op)
{
    struct reg ptr = *ptr_;
    const char *name = reg_type_names[ptr.type];

    switch (ptr.type) {
    case REG_CTX:
    case REG_STACK:
    case REG_PKT:
    case REG_PKT_META:
    case REG_MAP_VALUE:
        break;
    case REG_MAP_VALUE_OR_NULL:
        return verr(v, EACCES, "R%d pointer arithmetic on %s prohibited, "
                    "null-check it first", regno, name);
    default:
        return verr(v, EACCES, "R%d pointer arithmetic on %s prohibited",
                    regno, name);
    }

    if (sc_is_const(k)) {
        int64_t val = (int64_t) k->umin;
        int64_t off;

        if (val >= MAX_VAR_OFF || val <= -MAX_VAR_OFF) {
            return verr(v, EACCES, "math between %s pointer and %"PRId64
                        " is not allowed", name, val);
        }
        off = ptr.off + (op == EBPF_ALU_SUB ? -val : val);
        if (off >= MAX_VAR_OFF || off <= -MAX_VAR_OFF) {
            return verr(v, EACCES, "math between %s pointer and %"PRId64
                        " is not allowed", name, val);
        }
        ptr.off = off;
    } else {
        struct scalar var = ptr.s;

        if (k->smin == INT64_MIN) {
            return verr(v, EACCES, "math between %s pointer and register "
                        "with unbounded min value is not allowed", name);
        }
        if (k->smin <= -MAX_VAR_OFF || k->smax >= MAX_VAR_OFF) {
            return verr(v, EACCES, "value %"PRId64" makes %s pointer be "
                        "out of bounds",
                        k->smax >= MAX_VAR_OFF ? k->smax : k->smin, name);
        }
        sc_alu64(op, &var, k);
        if (var.smin <= -MAX_VAR_OFF || var.smax >= MAX_VAR_OFF) {
            return verr(v, EACCES, "value %"PRId64" makes %s pointer be "
                        "out of bounds",
                        var.smax >= MAX_VAR_OFF ? var.smax : var.smin,
                        name);
        }
        ptr.s = var;
        if (ptr.type == REG_PKT || ptr.type == REG_PKT_META) {
            /* A new variable base: nothing is known to be in range. */
            ptr.id = ++v->id_gen;
            ptr.range = 0;
        }
    }
    *dst = ptr;
    return 0;
}

/* Returns whether 'r' points to (or to the end of) the packet. */
static bool
is_pkt_family(const struct reg *r)
{
    return (r->type == REG_PKT || r->type == REG_PKT_END
            || r->type == REG_PKT_META);
}

/* Checks the ALU instruction 'insn' in 'st'. */
static int
do_alu(struct verifier *v, struct state *st, const struct ebpf_insn *insn)
{
    bool is64 = EBPF_CLASS(insn->opcode) == EBPF_CLS_ALU64;
    int op = EBPF_OP(insn->opcode);
    /* For BPF_END, the source bit selects the byte order instead. */
    bool x = EBPF_SRC(insn->opcode) == EBPF_SRC_X && op != EBPF_ALU_END;
    struct reg *dst = &REGS(st)[insn->dst];
    struct reg imm, *src;
    int err;

    if (x) {
        err = check_reg_init(v, st, insn->src);
        if (err) {
            return err;
        }
        src = &REGS(st)[insn->src];
    } else {
        reg_const(&imm, is64 ? (uint64_t) (int64_t) insn->imm
                             : (uint32_t) insn->imm);
        src = &imm;
    }

    if (op == EBPF_ALU_MOV) {
        if (is64) {
            link_scalar(v, src);
            *dst = *src;
        } else if (reg_is_ptr(src)) {
            return verr(v, EACCES, "R%d partial copy of pointer",
                        insn->src);
        } else {
            bool same = src->s.umax <= UINT32_MAX;
            struct reg r = *src;

            if (same) {
                link_scalar(v, src);
                r = *src;
            } else {
                r.id = 0;
                sc_zext32(&r.s);
            }
            *dst = r;
        }
        return 0;
    }

    err = check_reg_init(v, st, insn->dst);
    if (err) {
        return err;
    }
    if (op == EBPF_ALU_NEG || op == EBPF_ALU_END) {
        if (dst->type != REG_SCALAR) {
            return verr(v, EACCES, "R%d pointer arithmetic prohibited",
                        insn->dst);
        }
        if (op == EBPF_ALU_END) {
            sc_endian(&dst->s, insn->imm,
                      EBPF_SRC(insn->opcode) == EBPF_SRC_X);
        } else if (is64) {
            sc_alu64(op, &dst->s, &dst->s);
        } else {
            sc_alu32(op, &dst->s, &dst->s);
        }
        dst->id = 0;
        return 0;
    }

    if (dst->type == REG_SCALAR && src->type == REG_SCALAR) {
        struct scalar s = src->s;

        if (is64) {
            sc_alu64(op, &dst->s, &s);
        } else {
            sc_alu32(op, &dst->s, &s);
        }
        dst->id = 0;
        return 0;
    }

    /* At least one operand is a pointer.  The distance between two packet
     * pointers is harmless: clang computes "ctx->data_end - ctx->data" in
     * 32 bits, since both fields are __u32. */
    if (op == EBPF_ALU_SUB && is_pkt_family(dst) && is_pkt_family(src)) {
        v->uses_len = true;
        if (is64) {
            reg_unknown(dst);
        } else {
            reg_unknown_sized(dst, 4);
        }
        return 0;
    }
    if (!is64) {
        return verr(v, EACCES, "R%d 32-bit pointer arithmetic prohibited",
                    insn->dst);
    }
    if (reg_is_ptr(dst) && reg_is_ptr(src)) {
        return verr(v, EACCES, "R%d pointer %s pointer prohibited",
                    insn->dst, alu_names[op >> 4]);
    }
    if (op == EBPF_ALU_AND || op == EBPF_ALU_OR || op == EBPF_ALU_XOR) {
        return verr(v, EACCES, "R%d bitwise operator %s on pointer "
                    "prohibited", insn->dst, alu_names[op >> 4]);
    }
    if (op != EBPF_ALU_ADD && op != EBPF_ALU_SUB) {
        return verr(v, EACCES, "R%d pointer arithmetic with %s operator "
                    "prohibited", insn->dst, alu_names[op >> 4]);
    }
    if (!reg_is_ptr(dst)) {
        struct scalar k = dst->s;

        if (op == EBPF_ALU_SUB) {
            return verr(v, EACCES, "R%d tried to subtract pointer from "
                        "scalar", insn->dst);
        }
        return ptr_arith(v, insn->dst, dst, src, &k, op);
    }
    return ptr_arith(v, insn->dst, dst, dst, &src->s, op);
}

/* Helper calls. */

/* Checks that register 'regno' of 'st' points to 'size' readable bytes,
 * as a helper's memory argument (a map helper's key or value).  Spilled
 * pointers on the stack may be read only if 'ptrs_ok' (for a helper that
 * only prints them). */
static int
check_helper_mem__(struct verifier *v, struct state *st, int regno,
                   uint32_t size, bool ptrs_ok)
{
    const struct reg *r = &REGS(st)[regno];
    int abs, span, err;

    switch (r->type) {
    case REG_STACK:
        err = check_stack_bounds(v, st, regno, r, 0, size, false,
                                 "read from", &abs, &span);
        return (err ? err
                : ptrs_ok ? 0
                : check_stack_init(v, &st->fr[r->frameno], regno, abs, span,
                                   size, true));

    case REG_PKT:
    case REG_PKT_META:
        return check_pkt_access(v, st, regno, r, 0, size, false);

    case REG_MAP_VALUE:
        return check_map_access(v, regno, r, 0, size, false);

    default:
        return verr(v, EACCES, "R%d type=%s expected=fp, pkt, map_value",
                    regno, reg_type_names[r->type]);
    }
}

/* check_helper_mem__() for a helper that reads what it is given as data. */
static int
check_helper_mem(struct verifier *v, struct state *st, int regno,
                 uint32_t size)
{
    return check_helper_mem__(v, st, regno, size, false);
}

/* Checks that register 'regno' of 'st' points to as many readable bytes as
 * register 'size_regno' may say (a helper's memory argument and its size),
 * with a size of 0 allowed if 'zero_ok' (and then a NULL pointer too), and
 * spilled pointers if 'ptrs_ok' (see check_helper_mem__()). */
static int
check_helper_mem_sized(struct verifier *v, struct state *st, int regno,
                       int size_regno, bool zero_ok, bool ptrs_ok)
{
    const struct reg *size = &REGS(st)[size_regno];
    const struct reg *ptr = &REGS(st)[regno];

    if (size->type != REG_SCALAR) {
        return verr(v, EACCES, "R%d type=%s expected=scalar", size_regno,
                    reg_type_names[size->type]);
    }
    if (size->s.smin < 0) {
        return verr(v, EACCES, "R%d min value is negative, either use "
                    "unsigned or 'var &= const'", size_regno);
    }
    if (size->s.umax >= MAX_VAR_OFF) {
        return verr(v, EACCES, "R%d unbounded memory access, use 'var &= "
                    "const' or 'if (var < const)'", size_regno);
    }
    if (!size->s.umin && !zero_ok) {
        return verr(v, EACCES, "R%d invalid zero-sized read: u64=[%"PRIu64
                    ",%"PRIu64"]", size_regno, size->s.umin, size->s.umax);
    }
    if (!size->s.umax) {
        /* Nothing is read: any pointer, or NULL. */
        return (reg_is_ptr(ptr) || reg_is_const(ptr, 0) ? 0
                : verr(v, EACCES, "R%d type=%s expected=fp, pkt, map_value",
                       regno, reg_type_names[ptr->type]));
    }
    return check_helper_mem__(v, st, regno, size->s.umax, ptrs_ok);
}

/* Checks that register 'regno' of 'st' holds a scalar, for a helper
 * argument that may be anything (the kernel lets a privileged program pass
 * a pointer there; OVS does not). */
static int
check_helper_scalar(struct verifier *v, struct state *st, int regno)
{
    if (reg_is_ptr(&REGS(st)[regno])) {
        return verr(v, EACCES, "R%d leaks addr into helper function", regno);
    }
    return 0;
}

/* Marks every packet pointer of 'st', in registers and spilled, as never
 * written, and forgets what is known of the packet's length, after a helper
 * that may change the packet (as the kernel's clear_all_pkt_pointers()). */
static void
invalidate_pkt_pointers(struct state *st)
{
    FOR_EACH_REG (st, r, {
        if (is_pkt_family(r)) {
            reg_not_init(r);
        }
    });
    st->len_min = 0;
    st->len_max = UINT32_MAX;
}

/* Returns the number of arguments of helper 'func'. */
static int
helper_n_args(int32_t func)
{
    switch (func) {
    case EBPF_FUNC_map_lookup_elem: return 2;
    case EBPF_FUNC_map_update_elem: return 4;
    case EBPF_FUNC_map_delete_elem: return 2;
    case EBPF_FUNC_trace_printk: return 2;
    case EBPF_FUNC_csum_diff: return 5;
    case EBPF_FUNC_xdp_adjust_head: return 2;
    case EBPF_FUNC_xdp_adjust_tail: return 2;
    case EBPF_FUNC_trace_vprintk: return 4;
    default: return 0;
    }
}

/* Returns true if helper 'func' takes a map (r1) and a key (r2). */
static bool
is_map_helper(int32_t func)
{
    return (func == EBPF_FUNC_map_lookup_elem
            || func == EBPF_FUNC_map_update_elem
            || func == EBPF_FUNC_map_delete_elem);
}

/* Checks the arguments of a call of helper 'func' other than a map helper
 * in 'st'. */
static int
check_other_helper_args(struct verifier *v, struct state *st, int32_t func)
{
    const struct reg *r1 = &REGS(st)[1];
    int err;

    switch (func) {
    case EBPF_FUNC_trace_printk:
        /* fmt, fmt_size; the kernel does not check r3..r5. */
        return check_helper_mem_sized(v, st, 1, 2, false, false);

    case EBPF_FUNC_trace_vprintk:
        /* fmt, fmt_size, data (the arguments, which may be pointers for
         * "%s" and "%p") or NULL, data_len. */
        err = check_helper_mem_sized(v, st, 1, 2, false, false);
        return err ? err : check_helper_mem_sized(v, st, 3, 4, true, true);

    case EBPF_FUNC_csum_diff:
        err = check_helper_mem_sized(v, st, 1, 2, true, false);
        if (!err) {
            err = check_helper_mem_sized(v, st, 3, 4, true, false);
        }
        return err ? err : check_helper_scalar(v, st, 5);

    case EBPF_FUNC_xdp_adjust_head:
    case EBPF_FUNC_xdp_adjust_tail:
        if (r1->type != REG_CTX) {
            return verr(v, EACCES, "R1 type=%s expected=ctx",
                        reg_type_names[r1->type]);
        }
        if (r1->off || !sc_is_const(&r1->s) || r1->s.umin) {
            return verr(v, EACCES, "dereference of modified ctx ptr R1 "
                        "off=%"PRId32" disallowed", r1->off);
        }
        return check_helper_scalar(v, st, 2);

    default:
        return 0;
    }
}

/* Records in 'v' that the program may change the packet's length at
 * instruction 'v->pc': it may then read and write every byte, and its
 * length matters. */
static void
note_len_change(struct verifier *v)
{
    ranges_add(&v->reads, 0, BPF_RANGE_UNBOUNDED);
    ranges_add(&v->writes, 0, BPF_RANGE_UNBOUNDED);
    v->first_write = MIN(v->first_write, v->pc);
    v->first_len = MIN(v->first_len, v->pc);
    v->uses_len = true;
    v->len_compared = BPF_RANGE_UNBOUNDED;
}

/* Checks the helper call 'insn' in 'st'. */
static int
do_call(struct verifier *v, struct state *st, const struct ebpf_insn *insn)
{
    int32_t func = insn->imm;
    int n_args = helper_n_args(func);
    const struct bpf_map_info *map = NULL;
    int err, i;

    v->helpers |= func >= 0 && func < 64 ? UINT64_C(1) << func : UINT64_MAX;

    for (i = 1; i <= n_args; i++) {
        err = check_reg_init(v, st, i);
        if (err) {
            return err;
        }
    }
    if (is_map_helper(func)) {
        const struct reg *r1 = &REGS(st)[1];

        if (r1->type != REG_MAP_PTR) {
            return verr(v, EACCES, "R1 type=%s expected=map_ptr",
                        reg_type_names[r1->type]);
        }
        map = &v->maps[r1->map];
        if (func != EBPF_FUNC_map_lookup_elem
            && map->flags & EBPF_MAP_F_RDONLY_PROG) {
            return verr(v, EACCES, "write into map forbidden");
        }
        err = check_helper_mem(v, st, 2, map->key_size);
        if (err) {
            return err;
        }
    } else {
        err = check_other_helper_args(v, st, func);
        if (err) {
            return err;
        }
    }
    if (func == EBPF_FUNC_map_update_elem) {
        err = check_helper_mem(v, st, 3, map->value_size);
        if (!err && reg_is_ptr(&REGS(st)[4])) {
            err = verr(v, EACCES, "R4 type=%s expected=scalar",
                       reg_type_names[REGS(st)[4].type]);
        }
        if (err) {
            return err;
        }
    }

    /* The caller-saved registers are clobbered. */
    for (i = 1; i <= 5; i++) {
        reg_not_init(&REGS(st)[i]);
    }
    switch (func) {
    case EBPF_FUNC_map_lookup_elem:
        reg_ptr(&REGS(st)[0], REG_MAP_VALUE_OR_NULL, map - v->maps);
        REGS(st)[0].id = ++v->id_gen;
        break;
    case EBPF_FUNC_get_prandom_u32:
    case EBPF_FUNC_get_smp_processor_id:
        reg_unknown_sized(&REGS(st)[0], 4);
        break;
    case EBPF_FUNC_xdp_adjust_head:
    case EBPF_FUNC_xdp_adjust_tail:
        invalidate_pkt_pointers(st);
        note_len_change(v);
        reg_unknown(&REGS(st)[0]);
        break;
    default:
        reg_unknown(&REGS(st)[0]);
        break;
    }
    return 0;
}

/* Bpf-to-bpf calls. */

/* Returns the index of the function that contains instruction 'pc'. */
static size_t
subprog_of(const struct verifier *v, size_t pc)
{
    size_t lo = 0, hi = v->n_subprogs;

    /* The last function that starts at or before 'pc'. */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;

        if (v->subprogs[mid] <= pc) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Checks the call of a BPF function 'insn' in '*stp': the callee gets a
 * frame of its own, with the caller's r1-r5 as its arguments, an empty
 * stack and r10 pointing to it; the caller's r0-r5 are clobbered (r0 gets
 * the callee's r0 when it returns, see do_return()).  Pointers to the
 * caller's stack may be passed: they keep pointing to the caller's frame.
 * '*stp' may be reallocated. */
static int
do_bpf_call(struct verifier *v, struct state **stp,
            const struct ebpf_insn *insn)
{
    struct state *st = *stp;
    size_t target = st->pc + 1 + insn->imm;
    struct frame *caller, *callee;
    int i;

    if (st->n_frames >= EBPF_MAX_CALL_FRAMES) {
        return verr(v, E2BIG, "the call stack of %"PRIu32" frames is too "
                    "deep", st->n_frames + 1);
    }
    st = *stp = xrealloc(st, state_size(st->n_frames + 1));
    caller = &st->fr[st->n_frames - 1];
    callee = &st->fr[st->n_frames];
    memset(callee, 0, sizeof *callee);
    for (i = 0; i < EBPF_N_REGS; i++) {
        reg_not_init(&callee->regs[i]);
    }
    for (i = 0; i < N_SLOTS; i++) {
        reg_not_init(&callee->spills[i]);
    }
    for (i = 1; i <= 5; i++) {
        callee->regs[i] = caller->regs[i];
    }
    reg_ptr(&callee->regs[EBPF_N_REGS - 1], REG_STACK, 0);
    callee->regs[EBPF_N_REGS - 1].frameno = st->n_frames;
    callee->callsite = st->pc;
    callee->subprog = subprog_of(v, target);
    for (i = 0; i <= 5; i++) {
        reg_not_init(&caller->regs[i]);
    }
    st->n_frames++;
    st->pc = target;
    return 0;
}

/* Returns from the BPF function being executed in 'st' to its caller,
 * which gets its r0. */
static int
do_return(struct verifier *v, struct state *st)
{
    struct frame *callee = cur_frame(st);
    struct frame *caller = callee - 1;

    if (callee->regs[0].type == REG_STACK) {
        /* As the kernel: even a pointer to the caller's stack. */
        return verr(v, EINVAL, "cannot return stack pointer to the caller");
    }
    caller->regs[0] = callee->regs[0];
    st->pc = callee->callsite + 1;
    st->n_frames--;
    return 0;
}

/* Conditional jumps. */

/* Returns the jump operation that holds exactly when 'op' does not. */
static int
negate_jmp(int op)
{
    switch (op) {
    case EBPF_JMP_JEQ: return EBPF_JMP_JNE;
    case EBPF_JMP_JNE: return EBPF_JMP_JEQ;
    case EBPF_JMP_JGT: return EBPF_JMP_JLE;
    case EBPF_JMP_JLE: return EBPF_JMP_JGT;
    case EBPF_JMP_JGE: return EBPF_JMP_JLT;
    case EBPF_JMP_JLT: return EBPF_JMP_JGE;
    case EBPF_JMP_JSGT: return EBPF_JMP_JSLE;
    case EBPF_JMP_JSLE: return EBPF_JMP_JSGT;
    case EBPF_JMP_JSGE: return EBPF_JMP_JSLT;
    case EBPF_JMP_JSLT: return EBPF_JMP_JSGE;
    case EBPF_JMP_JSET: return JMP_JSET_NOT;
    case JMP_JSET_NOT: return EBPF_JMP_JSET;
    default: OVS_NOT_REACHED();
    }
}

/* Returns the operation equivalent to 'op' with its operands swapped. */
static int
swap_jmp(int op)
{
    switch (op) {
    case EBPF_JMP_JGT: return EBPF_JMP_JLT;
    case EBPF_JMP_JLT: return EBPF_JMP_JGT;
    case EBPF_JMP_JGE: return EBPF_JMP_JLE;
    case EBPF_JMP_JLE: return EBPF_JMP_JGE;
    case EBPF_JMP_JSGT: return EBPF_JMP_JSLT;
    case EBPF_JMP_JSLT: return EBPF_JMP_JSGT;
    case EBPF_JMP_JSGE: return EBPF_JMP_JSLE;
    case EBPF_JMP_JSLE: return EBPF_JMP_JSGE;
    default: return op;
    }
}

/* Returns whether jump operation 'op' compares signed values. */
static bool
is_signed_jmp(int op)
{
    return (op == EBPF_JMP_JSGT || op == EBPF_JMP_JSGE
            || op == EBPF_JMP_JSLT || op == EBPF_JMP_JSLE);
}

/* Removes 'c' from the values of 's', if it is at one of its bounds. */
static bool
sc_exclude(struct scalar *s, uint64_t c)
{
    if (sc_is_const(s) && s->umin == c) {
        return false;
    }
    if (s->umin == c) {
        s->umin++;
    } else if (s->umax == c) {
        s->umax--;
    }
    if ((uint64_t) s->smin == c) {
        s->smin++;
    } else if ((uint64_t) s->smax == c) {
        s->smax--;
    }
    return true;
}

/* Refines 'a' and 'b' with the knowledge that "a OP b" holds.  Returns
 * false if it cannot hold. */
static bool
sc_refine(struct scalar *a, struct scalar *b, int op)
{
    switch (op) {
    case EBPF_JMP_JEQ:
        if (tn_conflict(a->t, b->t)) {
            return false;
        }
        a->umin = b->umin = MAX(a->umin, b->umin);
        a->umax = b->umax = MIN(a->umax, b->umax);
        a->smin = b->smin = MAX(a->smin, b->smin);
        a->smax = b->smax = MIN(a->smax, b->smax);
        a->t = b->t = tn_intersect(a->t, b->t);
        break;

    case EBPF_JMP_JNE:
        if (sc_is_const(b) && !sc_exclude(a, b->umin)) {
            return false;
        }
        if (sc_is_const(a) && !sc_exclude(b, a->umin)) {
            return false;
        }
        break;

    case EBPF_JMP_JGT:
        if (!a->umax || b->umin == UINT64_MAX) {
            return false;
        }
        a->umin = MAX(a->umin, b->umin + 1);
        b->umax = MIN(b->umax, a->umax - 1);
        break;

    case EBPF_JMP_JGE:
        a->umin = MAX(a->umin, b->umin);
        b->umax = MIN(b->umax, a->umax);
        break;

    case EBPF_JMP_JSGT:
        if (a->smax == INT64_MIN || b->smin == INT64_MAX) {
            return false;
        }
        a->smin = MAX(a->smin, b->smin + 1);
        b->smax = MIN(b->smax, a->smax - 1);
        break;

    case EBPF_JMP_JSGE:
        a->smin = MAX(a->smin, b->smin);
        b->smax = MIN(b->smax, a->smax);
        break;

    case EBPF_JMP_JLT:
    case EBPF_JMP_JLE:
    case EBPF_JMP_JSLT:
    case EBPF_JMP_JSLE:
        return sc_refine(b, a, swap_jmp(op));

    case EBPF_JMP_JSET:
        if (sc_is_const(b) && !((a->t.value | a->t.mask) & b->umin)) {
            return false;
        }
        if (sc_is_const(a) && !((b->t.value | b->t.mask) & a->umin)) {
            return false;
        }
        break;

    case JMP_JSET_NOT:
        if (sc_is_const(b)) {
            if (a->t.value & b->umin) {
                return false;
            }
            a->t.mask &= ~b->umin;
        }
        if (sc_is_const(a)) {
            if (b->t.value & a->umin) {
                return false;
            }
            b->t.mask &= ~a->umin;
        }
        break;

    default:
        OVS_NOT_REACHED();
    }
    return sc_sync(a) && sc_sync(b);
}

/* Returns whether scalar 's' equals its own 32-bit view (zero-extended,
 * or sign-extended if 'sign'), so that a 32-bit comparison refines it. */
static bool
sc_exact32(const struct scalar *s, bool sign)
{
    return (sign ? s->smin >= INT32_MIN && s->smax <= INT32_MAX
            : s->umax <= UINT32_MAX);
}

/* Refines 's', which is not equal to its own 32-bit view, with 'view', the
 * refined bounds of that view (sign-extended if 'sign', otherwise
 * zero-extended): the low 32 bits of 's' take only the values of 'view'.
 * The known bits of the view's low 32 bits always carry over; its range
 * carries over if the high 32 bits of 's' are known (for example after a
 * 32-bit ALU operation, which zeroes them) and the range does not cross
 * the view's sign boundary.  Returns true if 's' changed. */
static bool
sc_refine_low32(struct scalar *s, const struct scalar *view, bool sign)
{
    const uint64_t low = UINT32_MAX;
    struct scalar r = *s;
    struct tnum t;

    t.value = (r.t.value & ~low) | (view->t.value & low);
    t.mask = (r.t.mask & ~low) | (view->t.mask & low);
    if (tn_conflict(r.t, t)) {
        return false;
    }
    r.t = tn_intersect(r.t, t);
    if (!(r.t.mask >> 32)) {
        uint64_t high = r.t.value & ~low;
        uint64_t lo, hi;
        bool ok;

        if (!sign) {
            lo = view->umin;
            hi = view->umax;
            ok = hi <= UINT32_MAX;
        } else {
            lo = (uint32_t) view->smin;
            hi = (uint32_t) view->smax;
            ok = (view->smin >= INT32_MIN && view->smax <= INT32_MAX
                  && (view->smin >= 0 || view->smax < 0));
        }
        if (ok) {
            /* The high 32 bits are constant, so the values form one
             * interval on both the unsigned and the signed scale. */
            r.umin = MAX(r.umin, high | lo);
            r.umax = MIN(r.umax, high | hi);
            r.smin = MAX(r.smin, (int64_t) (high | lo));
            r.smax = MIN(r.smax, (int64_t) (high | hi));
        }
    }
    if (!sc_sync(&r)) {
        /* No value is left; keeping 's' as it was is sound. */
        return false;
    }
    if (!memcmp(&r, s, sizeof r)) {
        return false;
    }
    *s = r;
    return true;
}

/* Refines the scalar operands of 'insn' in 'st' with the knowledge that
 * "dst OP src" holds ('is32': in their low 32 bits).  Returns false if it
 * cannot hold. */
static bool
refine_scalars(struct state *st, const struct ebpf_insn *insn, int op,
               bool is32)
{
    bool x = EBPF_SRC(insn->opcode) == EBPF_SRC_X;
    bool sign = is_signed_jmp(op);
    struct reg *dst = &REGS(st)[insn->dst];
    struct reg *src = x ? &REGS(st)[insn->src] : NULL;
    struct scalar a = dst->s;
    struct scalar b;

    if (x) {
        b = src->s;
    } else if (is32 && !sign) {
        sc_const(&b, (uint32_t) insn->imm);
    } else {
        sc_const(&b, (uint64_t) (int64_t) insn->imm);
    }
    if (is32) {
        if (sign) {
            sc_sext32(&a);
            sc_sext32(&b);
        } else {
            sc_zext32(&a);
            sc_zext32(&b);
        }
    }
    if (!sc_refine(&a, &b, op)) {
        return false;
    }
    if (!is32 || sc_exact32(&dst->s, sign)) {
        dst->s = a;
        propagate_scalar(st, dst);
    } else if (sc_refine_low32(&dst->s, &a, sign)) {
        propagate_scalar(st, dst);
    }
    if (x && (!is32 || sc_exact32(&src->s, sign))) {
        src = &REGS(st)[insn->src];
        src->s = b;
        propagate_scalar(st, src);
    } else if (x) {
        src = &REGS(st)[insn->src];
        if (sc_refine_low32(&src->s, &b, sign)) {
            propagate_scalar(st, src);
        }
    }
    return true;
}

/* Marks every copy of the lookup result 'id' in 'st' as NULL ('is_null')
 * or as a valid map value pointer. */
static void
mark_null(struct state *st, uint32_t id, bool is_null)
{
    FOR_EACH_REG (st, r, {
        if (r->type == REG_MAP_VALUE_OR_NULL && r->id == id) {
            if (is_null) {
                reg_const(r, 0);
            } else {
                r->type = REG_MAP_VALUE;
                r->id = 0;
            }
        }
    });
}

/* Learns from "lo OP pkt_end" (packet pointer 'lo' against the end of the
 * packet) in 'st'.  Returns false if it cannot hold. */
static bool
refine_pkt_end(struct state *st, const struct reg *lo_, int op)
{
    struct reg lo = *lo_;
    int64_t min = (int64_t) lo.off + lo.s.smin;   /* Lowest offset. */
    int64_t max = (int64_t) lo.off + lo.s.smax;   /* Highest offset. */
    int64_t new_range = -1;                       /* Range learned. */
    int64_t len_min = st->len_min;
    int64_t len_max = st->len_max;

    switch (op) {
    case EBPF_JMP_JLE:
    case EBPF_JMP_JEQ:
        /* pkt + off <= end: 'off' bytes from the base are in the packet. */
        new_range = lo.off;
        len_min = MAX(len_min, min);
        break;
    case EBPF_JMP_JLT:
        new_range = (int64_t) lo.off + 1;
        len_min = MAX(len_min, min + 1);
        break;
    case EBPF_JMP_JGT:
        /* pkt + off > end: the packet is shorter than that. */
        if (lo.id && lo.off <= (int64_t) lo.range) {
            return false;
        }
        len_max = MIN(len_max, max - 1);
        break;
    case EBPF_JMP_JGE:
        if (lo.id && lo.off < (int64_t) lo.range) {
            return false;
        }
        len_max = MIN(len_max, max);
        break;
    default:
        return true;
    }
    if (len_min > len_max) {
        return false;
    }
    st->len_min = len_min;
    st->len_max = len_max;
    if (lo.id && new_range > 0) {
        FOR_EACH_REG (st, r, {
            if (r->type == REG_PKT && r->id == lo.id) {
                r->range = MAX(r->range, MIN(new_range, UINT32_MAX));
            }
        });
    }
    return true;
}

/* Learns from "meta OP data" (metadata pointer 'lo' against a pointer
 * 'data' to the start of the packet) in 'st'. */
static void
refine_pkt_meta(struct state *st, const struct reg *lo, const struct reg *hi,
                int op)
{
    int64_t new_range;

    if (hi->id || !sc_is_const(&hi->s) || hi->s.umin || hi->off
        || (op != EBPF_JMP_JLE && op != EBPF_JMP_JLT
            && op != EBPF_JMP_JEQ)) {
        return;
    }
    new_range = (int64_t) lo->off + (op == EBPF_JMP_JLT);
    if (new_range > 0) {
        uint32_t id = lo->id;

        FOR_EACH_REG (st, r, {
            if (r->type == REG_PKT_META && r->id == id) {
                r->range = MAX(r->range, MIN(new_range, UINT32_MAX));
            }
        });
    }
}

/* Refines 'st' with the knowledge that the condition of jump 'insn', with
 * operation 'op' (maybe negated), holds.  Returns false if it cannot
 * hold, that is, if this branch is never taken. */
static bool
branch_refine(struct state *st, const struct ebpf_insn *insn, int op)
{
    bool is32 = EBPF_CLASS(insn->opcode) == EBPF_CLS_JMP32;
    bool x = EBPF_SRC(insn->opcode) == EBPF_SRC_X;
    struct reg *dst = &REGS(st)[insn->dst];
    struct reg *src = x ? &REGS(st)[insn->src] : NULL;
    bool src_zero = x ? reg_is_const(src, 0) : insn->imm == 0;

    if (dst->type == REG_SCALAR && (!x || src->type == REG_SCALAR)) {
        return refine_scalars(st, insn, op, is32);
    }
    if (is32) {
        /* Nothing is learnt from the low half of a pointer. */
        return true;
    }

    /* A pointer against NULL. */
    if ((op == EBPF_JMP_JEQ || op == EBPF_JMP_JNE)
        && (src_zero || reg_is_const(dst, 0))) {
        struct reg *p = src_zero ? dst : src;

        if (p->type == REG_MAP_VALUE_OR_NULL) {
            mark_null(st, p->id, op == EBPF_JMP_JEQ);
            return true;
        } else if (reg_is_ptr(p)) {
            return op == EBPF_JMP_JNE;
        }
        return true;
    }

    if (!x || is_signed_jmp(op)) {
        return true;
    }
    if (dst->type == REG_PKT && src->type == REG_PKT_END) {
        return refine_pkt_end(st, dst, op);
    } else if (dst->type == REG_PKT_END && src->type == REG_PKT) {
        return refine_pkt_end(st, src, swap_jmp(op));
    } else if (dst->type == REG_PKT_META && src->type == REG_PKT) {
        refine_pkt_meta(st, dst, src, op);
    } else if (dst->type == REG_PKT && src->type == REG_PKT_META) {
        refine_pkt_meta(st, src, dst, swap_jmp(op));
    }
    return true;
}

/* State comparison, for pruning. */

/* Returns whether id 'old' of the old state may correspond to id 'cur' of
 * the current one, given the correspondences seen so far. */
static bool
idmap_check(struct verifier *v, uint32_t old, uint32_t cur)
{
    size_t i;

    if (!old || !cur) {
        return old == cur;
    }
    for (i = 0; i < v->n_idmap; i++) {
        if (v->idmap[i].old == old) {
            return v->idmap[i].cur == cur;
        }
    }
    if (v->n_idmap >= v->alloc_idmap) {
        v->idmap = x2nrealloc(v->idmap, &v->alloc_idmap, sizeof *v->idmap);
    }
    v->idmap[v->n_idmap++] = (struct id_pair) { old, cur };
    return true;
}

/* Returns whether everything that register 'cur' may hold, 'old' may hold
 * too, so that exploring with 'cur' cannot find anything that exploring
 * with 'old' did not. */
static bool
reg_subsumes(struct verifier *v, const struct reg *old,
             const struct reg *cur)
{
    if (old->type == REG_NOT_INIT) {
        return true;
    }
    if (old->type != cur->type) {
        return false;
    }
    switch (old->type) {
    case REG_SCALAR:
        if (!sc_within(&old->s, &cur->s)) {
            return false;
        }
        return !old->id || sc_is_const(&old->s)
               || (cur->id && idmap_check(v, old->id, cur->id));

    case REG_CTX:
    case REG_STACK:
    case REG_MAP_VALUE:
        return (old->off == cur->off && old->map == cur->map
                && old->frameno == cur->frameno
                && sc_within(&old->s, &cur->s));

    case REG_PKT:
    case REG_PKT_META:
        return (old->off == cur->off && cur->range >= old->range
                && sc_within(&old->s, &cur->s)
                && idmap_check(v, old->id, cur->id));

    case REG_PKT_END:
        return true;

    case REG_MAP_PTR:
        return old->map == cur->map;

    case REG_MAP_VALUE_OR_NULL:
        return (old->off == cur->off && old->map == cur->map
                && idmap_check(v, old->id, cur->id));

    default:
        OVS_NOT_REACHED();
    }
}

/* Returns the registers of frame 'f' of 'st' that may be live at
 * instruction 'pc' (the innermost frame) or when the call it made returns
 * (the other frames: only r6-r10 survive a call), and those whose value
 * may matter ('*precisep'). */
static uint16_t
frame_live(const struct verifier *v, const struct state *st, uint32_t f,
           size_t pc, uint16_t *precisep)
{
    const uint16_t callee_saved = 0x7c0;        /* r6-r10. */

    if (f + 1 == st->n_frames) {
        *precisep = v->precise[pc];
        return v->live[pc];
    }
    pc = st->fr[f + 1].callsite + 1;
    *precisep = v->precise[pc] & callee_saved;
    return v->live[pc] & callee_saved;
}

/* Returns whether frame 'old' subsumes frame 'cur', given the registers
 * that are 'live' there. */
static bool
frame_subsumes(struct verifier *v, const struct frame *old,
               const struct frame *cur, uint16_t live)
{
    int i;

    if (old->callsite != cur->callsite) {
        return false;
    }
    for (i = 0; i < EBPF_N_REGS; i++) {
        if (live & (1u << i)
            && !reg_subsumes(v, &old->regs[i], &cur->regs[i])) {
            return false;
        }
    }
    for (i = 0; i < N_SLOTS; i++) {
        const struct reg *os = old->spill_size[i] ? &old->spills[i] : NULL;
        int j;

        if (os) {
            if (cur->spill_size[i] != old->spill_size[i]
                || cur->spill_pos[i] != old->spill_pos[i]
                || !reg_subsumes(v, os, &cur->spills[i])) {
                return false;
            }
        }
        if (!memcmp(&old->stype[i * 8], &cur->stype[i * 8], 8)) {
            /* The same byte types: only a spill could differ, and it was
             * compared above (or 'old' has none, and then the bytes are
             * not STACK_SPILL). */
            continue;
        }
        for (j = 0; j < 8; j++) {
            int b = i * 8 + j;

            /* Bytes never written read as unknown data, as STACK_MISC
             * bytes do. */
            if (old->stype[b] != STACK_SPILL
                && cur->stype[b] == STACK_SPILL
                && cur->spills[i].type != REG_SCALAR) {
                return false;
            }
        }
    }
    return true;
}

/* Returns whether 'old' subsumes 'cur' at instruction 'pc': the same calls
 * in progress, and every frame of 'old' subsumes that of 'cur'. */
static bool
state_subsumes(struct verifier *v, const struct state *old,
               const struct state *cur, size_t pc)
{
    uint32_t f;

    if (cur->len_min < old->len_min || cur->len_max > old->len_max
        || cur->n_frames != old->n_frames) {
        return false;
    }
    v->n_idmap = 0;
    for (f = 0; f < cur->n_frames; f++) {
        uint16_t precise;
        uint16_t live = frame_live(v, cur, f, pc, &precise);

        if (!frame_subsumes(v, &old->fr[f], &cur->fr[f], live)) {
            return false;
        }
    }
    return true;
}

/* Returns whether 'a' and 'b' are the same state at 'pc' (each subsumes
 * the other). */
static bool
state_equal(struct verifier *v, const struct state *a, const struct state *b,
            size_t pc)
{
    return state_subsumes(v, a, b, pc) && state_subsumes(v, b, a, pc);
}

/* qsort() comparison function for pointers to registers, by id. */
static int
reg_id_cmp(const void *a_, const void *b_)
{
    const struct reg *const *a = a_;
    const struct reg *const *b = b_;

    return (*a)->id < (*b)->id ? -1 : (*a)->id > (*b)->id;
}

/* Forgets, in 'st', what cannot matter from instruction 'pc' on: dead
 * registers, the bounds of scalars whose value does not matter (see
 * insn_precise()), and scalar ids that no other value shares. */
static void
clean_state(struct verifier *v, struct state *st, size_t pc)
{
    struct reg *ids[EBPF_MAX_CALL_FRAMES * N_FRAME_REGS];
    size_t n_ids = 0, i, j;
    uint32_t f;

    for (f = 0; f < st->n_frames; f++) {
        struct reg *regs = st->fr[f].regs;
        uint16_t precise;
        uint16_t live = frame_live(v, st, f, pc, &precise);

        for (i = 0; i < EBPF_N_REGS; i++) {
            if (!(live & (1u << i))) {
                reg_not_init(&regs[i]);
            } else if (regs[i].type == REG_SCALAR
                       && !(precise & (1u << i))) {
                reg_unknown(&regs[i]);
            }
        }
    }
    FOR_EACH_REG (st, r, {
        if (r->type == REG_SCALAR && r->id) {
            ids[n_ids++] = r;
        }
    });
    qsort(ids, n_ids, sizeof *ids, reg_id_cmp);
    for (i = 0; i < n_ids; i = j) {
        for (j = i + 1; j < n_ids && ids[j]->id == ids[i]->id; j++) {
            continue;
        }
        if (j - i == 1) {
            ids[i]->id = 0;
        }
    }
    for (i = 0; i < n_ids; i++) {
        if (sc_is_const(&ids[i]->s)) {
            ids[i]->id = 0;
        }
    }
}

/* Widens 's' to contain 'cur' too.  If 'widen', the bounds that had to
 * grow jump to what the known bits allow, so that repeated merges
 * converge. */
static void
sc_join(struct scalar *s, const struct scalar *cur, bool widen)
{
    uint64_t mu = s->t.mask | cur->t.mask | (s->t.value ^ cur->t.value);
    struct scalar r;

    r.t = (struct tnum) { s->t.value & ~mu, mu };
    r.umin = MIN(s->umin, cur->umin);
    r.umax = MAX(s->umax, cur->umax);
    r.smin = MIN(s->smin, cur->smin);
    r.smax = MAX(s->smax, cur->smax);
    if (widen) {
        if (r.umin < s->umin || r.umax > s->umax) {
            r.umin = 0;
            r.umax = UINT64_MAX;
        }
        if (r.smin < s->smin || r.smax > s->smax) {
            r.smin = INT64_MIN;
            r.smax = INT64_MAX;
        }
    }
    if (!sc_sync(&r)) {
        sc_unknown(&r);
    }
    *s = r;
}

/* Returns whether 'a' and 'b' are the same abstract value. */
static bool
sc_equal(const struct scalar *a, const struct scalar *b)
{
    return (a->umin == b->umin && a->umax == b->umax && a->smin == b->smin
            && a->smax == b->smax && a->t.value == b->t.value
            && a->t.mask == b->t.mask);
}

/* Returns whether registers 'old' and 'cur' differ at most in scalar
 * values. */
static bool
reg_joinable(struct verifier *v, const struct reg *old, const struct reg *cur)
{
    if (old->type != cur->type) {
        return false;
    }
    switch (old->type) {
    case REG_NOT_INIT:
    case REG_PKT_END:
    case REG_SCALAR:
        return true;
    default:
        return (old->off == cur->off && old->map == cur->map
                && old->range == cur->range && old->frameno == cur->frameno
                && sc_equal(&old->s, &cur->s)
                && idmap_check(v, old->id, cur->id));
    }
}

/* A scalar id of the merged state: the pair of ids that a register has in
 * the two states being merged. */
struct id_join {
    uint32_t old;
    uint32_t cur;
    uint32_t id;
};

/* Merges scalar register 'cur' into 'old' (see sc_join() for 'widen').
 * Two scalars of the merged state share an id only if they share one in
 * both states, that is, only if they hold the same value on both paths:
 * 'ids' (with '*n_ids' entries, room for one per register and slot) maps
 * each pair of ids seen so far to the id of the merged state. */
static void
reg_join(struct verifier *v, struct reg *old, const struct reg *cur,
         bool widen, struct id_join *ids, size_t *n_ids)
{
    uint32_t id = 0;
    size_t i;

    if (old->type != REG_SCALAR) {
        return;
    }
    if (!sc_within(&old->s, &cur->s)) {
        sc_join(&old->s, &cur->s, widen);
    }
    if (old->id && cur->id) {
        for (i = 0; i < *n_ids; i++) {
            if (ids[i].old == old->id && ids[i].cur == cur->id) {
                id = ids[i].id;
                break;
            }
        }
        if (!id) {
            id = ++v->id_gen;
            ids[(*n_ids)++] = (struct id_join) { old->id, cur->id, id };
        }
    }
    old->id = id;
}

/* Merges 'cur' into 'old' if they differ only in scalar values (in
 * registers or spilled), which keeps the number of states at a join point
 * bounded when scalars that do not matter take many values.  Returns false,
 * leaving 'old' unchanged, if they differ otherwise.  The merged state
 * holds every value of either state and only the relations between values
 * (scalar copies sharing an id) that both states have. */
static bool
state_join(struct verifier *v, struct state *old, const struct state *cur,
           bool widen)
{
    struct id_join ids[EBPF_MAX_CALL_FRAMES * N_FRAME_REGS];
    size_t n_ids = 0;
    uint32_t f;
    int i;

    if (cur->len_min != old->len_min || cur->len_max != old->len_max
        || cur->n_frames != old->n_frames) {
        return false;
    }
    for (f = 0; f < cur->n_frames; f++) {
        const struct frame *o = &old->fr[f], *c = &cur->fr[f];

        if (o->callsite != c->callsite
            || memcmp(c->spill_size, o->spill_size, sizeof c->spill_size)
            || memcmp(c->spill_pos, o->spill_pos, sizeof c->spill_pos)
            || memcmp(c->stype, o->stype, sizeof c->stype)) {
            return false;
        }
    }
    v->n_idmap = 0;
    for (f = 0; f < cur->n_frames; f++) {
        const struct frame *o = &old->fr[f], *c = &cur->fr[f];

        for (i = 0; i < EBPF_N_REGS; i++) {
            if (!reg_joinable(v, &o->regs[i], &c->regs[i])) {
                return false;
            }
        }
        for (i = 0; i < N_SLOTS; i++) {
            if (o->spill_size[i]
                && !reg_joinable(v, &o->spills[i], &c->spills[i])) {
                return false;
            }
        }
    }

    for (f = 0; f < cur->n_frames; f++) {
        struct frame *o = &old->fr[f];
        const struct frame *c = &cur->fr[f];

        for (i = 0; i < EBPF_N_REGS; i++) {
            reg_join(v, &o->regs[i], &c->regs[i], widen, ids, &n_ids);
        }
        for (i = 0; i < N_SLOTS; i++) {
            if (o->spill_size[i]) {
                reg_join(v, &o->spills[i], &c->spills[i], widen, ids,
                         &n_ids);
            }
        }
    }
    return true;
}

/* Records that a path whose last kept state was 'e' ended (at an exit,
 * pruned, or infeasible): the states whose every path ended are now
 * completely explored. */
static void
path_done(struct explored *e)
{
    for (; e; e = e->parent) {
        ovs_assert(e->branches > 0);
        if (--e->branches) {
            break;
        }
    }
}

/* Makes room at 'pc', whose list of kept states is full, by dropping one
 * state from it.  The victim is the complete state that prunes least often,
 * if it missed more than three times as often as it pruned (as the kernel's
 * verifier drops states), otherwise the oldest state in progress: in a
 * loop, the states kept at its head in progress are those of the
 * iterations that the current path went through, the oldest ones are the
 * least likely to prune anything once complete, and without room the
 * later iterations would never be pruned.  A state in progress stays
 * allocated, on 'v->dropped', because the paths in progress refer to it
 * ('parent'), but without its abstract state: it only counts branches.
 * Dropping a kept state is always sound: it only prunes less, and detects
 * fewer infinite loops (the budget still ends those).  Returns false if
 * the list holds no state to drop. */
static bool
evict_state(struct verifier *v, size_t pc)
{
    struct explored **victim = NULL;
    struct explored **oldest = NULL;
    struct explored **ep;
    uint64_t worst = 0;

    for (ep = &v->explored[pc]; *ep; ep = &(*ep)->next) {
        const struct explored *e = *ep;
        uint64_t bar = (uint64_t) e->hits * 3 + 3;

        if (e->branches) {
            /* States are added at the head: the last one is the oldest. */
            oldest = ep;
        } else if (e->misses > bar && e->misses - bar > worst) {
            worst = e->misses - bar;
            victim = ep;
        }
    }
    if (!victim) {
        victim = oldest;
    }
    if (victim) {
        struct explored *e = *victim;

        *victim = e->next;
        v->n_explored[pc]--;
        v->n_stored -= e->st->n_frames;
        free(e->st);
        e->st = NULL;
        if (e->branches) {
            e->next = v->dropped;
            v->dropped = e;
        } else {
            free(e);
        }
        return true;
    }
    return false;
}

/* Sets '*prunedp' to true if a state kept at 'pc' subsumes '*curp' (the
 * path can be pruned), otherwise to false after keeping a copy of '*curp'
 * there (within limits) or merging it into a kept state (then '*curp'
 * becomes the merged state, and may have been reallocated).  Returns 0, or
 * a positive errno if '*curp' is the same as a state kept at 'pc' whose
 * exploration is in progress: the program would loop forever. */
static int
prune_or_keep(struct verifier *v, struct state **curp, size_t pc,
              bool *prunedp)
{
    struct state *cur = *curp;
    struct explored *e;

    *prunedp = false;
    clean_state(v, cur, pc);
    for (e = v->explored[pc]; e; e = e->next) {
        v->compared++;
        if (e->branches) {
            /* A loop brought the path back here: exploring on unrolls it
             * once more, until it ends or the budget runs out, unless
             * nothing changed since. */
            if (v->has_loops && state_equal(v, e->st, cur, pc)) {
                return verr(v, EINVAL, "infinite loop detected at insn "
                            "%"PRIuSIZE, pc);
            }
        } else if (state_subsumes(v, e->st, cur, pc)) {
            e->hits++;
            *prunedp = true;
            return 0;
        } else {
            e->misses++;
        }
    }
    if (v->merge && v->n_explored[pc] >= v->merge_threshold) {
        for (e = v->explored[pc]; e; e = e->next) {
            v->compared++;
            if (!e->branches && state_join(v, e->st, cur, e->n_joins >= 2)) {
                /* Explore the merged state, which subsumes both: 'e' is in
                 * progress again, on this path. */
                e->n_joins++;
                e->branches = 1;
                e->parent = cur->parent;
                free(cur);
                cur = *curp = state_clone(e->st);
                cur->parent = e;
                return 0;
            }
        }
    }
    if (v->n_explored[pc] >= BPF_VERIFIER_MAX_STATES_PER_INSN
        || v->n_stored + cur->n_frames > BPF_VERIFIER_MAX_STATES) {
        evict_state(v, pc);
    }
    if (v->n_explored[pc] < BPF_VERIFIER_MAX_STATES_PER_INSN
        && v->n_stored + cur->n_frames <= BPF_VERIFIER_MAX_STATES) {
        e = xmalloc(sizeof *e);
        e->n_joins = 0;
        e->hits = e->misses = 0;
        e->branches = 1;
        e->parent = cur->parent;
        e->st = state_clone(cur);
        e->next = v->explored[pc];
        v->explored[pc] = e;
        v->n_explored[pc]++;
        v->n_stored += cur->n_frames;
        cur->parent = e;
    }
    return 0;
}

/* Static checks. */

/* Returns whether 'func' is a helper that OVS provides. */
static bool
is_known_helper(int32_t func)
{
    switch (func) {
    case EBPF_FUNC_map_lookup_elem:
    case EBPF_FUNC_map_update_elem:
    case EBPF_FUNC_map_delete_elem:
    case EBPF_FUNC_ktime_get_ns:
    case EBPF_FUNC_trace_printk:
    case EBPF_FUNC_get_prandom_u32:
    case EBPF_FUNC_get_smp_processor_id:
    case EBPF_FUNC_csum_diff:
    case EBPF_FUNC_xdp_adjust_head:
    case EBPF_FUNC_xdp_adjust_tail:
    case EBPF_FUNC_ktime_get_boot_ns:
    case EBPF_FUNC_trace_vprintk:
        return true;
    default:
        return false;
    }
}

/* Records the error of a call of helper 'func', which OVS does not
 * provide, and returns EINVAL: the kernel's message for a number that names
 * no helper, otherwise one that names it. */
static int
unsupported_helper(struct verifier *v, int32_t func)
{
    const char *name = bpf_helper_name(func);

    if (!name) {
        return verr(v, EINVAL, "invalid func unknown#%"PRId32, func);
    } else if (func == EBPF_FUNC_redirect
               || func == EBPF_FUNC_redirect_map) {
        return verr(v, EINVAL, "helper bpf_%s (%"PRId32") is not supported "
                    "by the OVS runtime: OVS forwards by its flow tables "
                    "(return XDP_PASS and forward with OpenFlow actions)",
                    name, func);
    }
    return verr(v, EINVAL, "helper bpf_%s (%"PRId32") is not supported by "
                "the OVS runtime", name, func);
}

/* Checks the register fields used by 'insn': 'use_dst' and 'use_src' say
 * which are used, 'write_dst' whether dst is written. */
static int
check_regs(struct verifier *v, const struct ebpf_insn *insn, bool use_dst,
           bool use_src, bool write_dst)
{
    if (use_dst && insn->dst >= EBPF_N_REGS) {
        return verr(v, EINVAL, "R%d is invalid", insn->dst);
    }
    if (use_src && insn->src >= EBPF_N_REGS) {
        return verr(v, EINVAL, "R%d is invalid", insn->src);
    }
    if (write_dst && insn->dst == EBPF_N_REGS - 1) {
        return verr(v, EACCES, "frame pointer is read only");
    }
    return 0;
}

/* Checks instruction 'insn' (at v->pc) on its own. */
static int
check_insn(struct verifier *v, const struct ebpf_insn *insn)
{
    uint8_t code = insn->opcode;
    int op = EBPF_OP(code);
    bool x = EBPF_SRC(code) == EBPF_SRC_X;

    switch (EBPF_CLASS(code)) {
    case EBPF_CLS_LD:
        if (code == (EBPF_CLS_LD | EBPF_MODE_IMM | EBPF_SIZE_DW)) {
            const struct ebpf_insn *next = insn + 1;
            const struct bpf_map_info *map;

            if (v->pc + 1 >= v->n_insns || next->opcode || next->dst
                || next->src || next->offset) {
                return verr(v, EINVAL, "invalid bpf_ld_imm64 insn");
            }
            if (insn->offset) {
                return verr(v, EINVAL, "BPF_LD_IMM64 uses reserved fields");
            }
            if (insn->src == EBPF_PSEUDO_MAP_FD
                || insn->src == EBPF_PSEUDO_MAP_VALUE) {
                if (insn->src == EBPF_PSEUDO_MAP_FD && next->imm) {
                    return verr(v, EINVAL, "unrecognized bpf_ld_imm64 insn");
                }
                if (insn->imm < 0 || insn->imm >= v->n_maps) {
                    return verr(v, EINVAL, "fd %"PRId32" is not pointing to "
                                "valid bpf_map", insn->imm);
                }
                map = &v->maps[insn->imm];
                if (!map->key_size || map->key_size > EBPF_STACK_SIZE
                    || !map->value_size
                    || map->value_size > BPF_VERIFIER_MAX_VALUE_SIZE) {
                    return verr(v, EINVAL, "map %"PRId32" has an invalid key "
                                "size (%"PRIu32") or value size (%"PRIu32")",
                                insn->imm, map->key_size, map->value_size);
                }
                if (insn->src == EBPF_PSEUDO_MAP_VALUE) {
                    uint32_t off = next->imm;

                    if (map->type != EBPF_MAP_TYPE_ARRAY
                        || map->max_entries != 1) {
                        return verr(v, EINVAL, "no direct value access "
                                    "support for this map type");
                    }
                    if (off >= map->value_size) {
                        return verr(v, EINVAL, "invalid access to map value "
                                    "pointer, value_size=%"PRIu32" off=%"
                                    PRIu32, map->value_size, off);
                    }
                }
            } else if (insn->src) {
                return verr(v, EINVAL, "unrecognized bpf_ld_imm64 insn");
            }
            return check_regs(v, insn, true, false, true);
        }
        if (EBPF_MODE(code) == EBPF_MODE_ABS
            || EBPF_MODE(code) == EBPF_MODE_IND) {
            return verr(v, EINVAL, "BPF_LD_[ABS|IND] instructions not "
                        "allowed for this program type");
        }
        return verr(v, EINVAL, "unknown opcode %02x", code);

    case EBPF_CLS_LDX:
        if (EBPF_MODE(code) != EBPF_MODE_MEM || insn->imm) {
            return verr(v, EINVAL, "BPF_LDX uses reserved fields");
        }
        return check_regs(v, insn, true, true, true);

    case EBPF_CLS_ST:
        if (EBPF_MODE(code) != EBPF_MODE_MEM || insn->src) {
            return verr(v, EINVAL, "BPF_ST uses reserved fields");
        }
        return check_regs(v, insn, true, false, false);

    case EBPF_CLS_STX:
        if (EBPF_MODE(code) == EBPF_MODE_ATOMIC) {
            int32_t aop = insn->imm & ~EBPF_ATOMIC_FETCH;

            if (EBPF_SIZE(code) != EBPF_SIZE_W
                && EBPF_SIZE(code) != EBPF_SIZE_DW) {
                return verr(v, EINVAL, "invalid atomic operand size");
            }
            if (!(insn->imm == EBPF_ATOMIC_XCHG
                  || insn->imm == EBPF_ATOMIC_CMPXCHG
                  || ((aop == EBPF_ALU_ADD || aop == EBPF_ALU_OR
                       || aop == EBPF_ALU_AND || aop == EBPF_ALU_XOR)
                      && !(insn->imm & ~0xf1)))) {
                return verr(v, EINVAL, "BPF_ATOMIC uses invalid atomic "
                            "opcode %02"PRIx32, (uint32_t) insn->imm);
            }
            if (insn->imm & EBPF_ATOMIC_FETCH
                && insn->imm != EBPF_ATOMIC_CMPXCHG
                && insn->src == EBPF_N_REGS - 1) {
                return verr(v, EACCES, "frame pointer is read only");
            }
        } else if (EBPF_MODE(code) != EBPF_MODE_MEM || insn->imm) {
            return verr(v, EINVAL, "BPF_STX uses reserved fields");
        }
        return check_regs(v, insn, true, true, false);

    case EBPF_CLS_ALU:
    case EBPF_CLS_ALU64: {
        bool is64 = EBPF_CLASS(code) == EBPF_CLS_ALU64;

        if (op > EBPF_ALU_END) {
            return verr(v, EINVAL, "unknown opcode %02x", code);
        }
        if (op == EBPF_ALU_END) {
            if (is64 || insn->src || insn->offset
                || (insn->imm != 16 && insn->imm != 32
                    && insn->imm != 64)) {
                return verr(v, EINVAL, "BPF_END uses reserved fields");
            }
            return check_regs(v, insn, true, false, true);
        }
        if (op == EBPF_ALU_NEG) {
            if (x || insn->src || insn->offset || insn->imm) {
                return verr(v, EINVAL, "BPF_NEG uses reserved fields");
            }
            return check_regs(v, insn, true, false, true);
        }
        if (x ? insn->imm || insn->offset : insn->src || insn->offset) {
            return verr(v, EINVAL, "%s uses reserved fields",
                        op == EBPF_ALU_MOV ? "BPF_MOV" : "BPF_ALU");
        }
        if (!x && (op == EBPF_ALU_DIV || op == EBPF_ALU_MOD)
            && !insn->imm) {
            return verr(v, EINVAL, "div by zero");
        }
        if (!x && (op == EBPF_ALU_LSH || op == EBPF_ALU_RSH
                   || op == EBPF_ALU_ARSH)
            && (insn->imm < 0 || insn->imm >= (is64 ? 64 : 32))) {
            return verr(v, EINVAL, "invalid shift %"PRId32, insn->imm);
        }
        return check_regs(v, insn, true, x, true);
    }

    case EBPF_CLS_JMP:
    case EBPF_CLS_JMP32: {
        bool is32 = EBPF_CLASS(code) == EBPF_CLS_JMP32;

        if (op == EBPF_JMP_JA) {
            if (is32 || x || insn->imm || insn->src || insn->dst) {
                return verr(v, EINVAL, "BPF_JA uses reserved fields");
            }
            return 0;
        }
        if (op == EBPF_JMP_CALL) {
            if (insn->src == EBPF_PSEUDO_CALL && !is32 && !x
                && !insn->offset && !insn->dst) {
                int64_t t = (int64_t) v->pc + 1 + insn->imm;

                if (t < 0 || t >= (int64_t) v->n_insns) {
                    return verr(v, EINVAL, "call to invalid destination "
                                "%"PRId64, t);
                }
                return 0;
            }
            if (is32 || x || insn->offset || insn->src || insn->dst) {
                return verr(v, EINVAL, "BPF_CALL uses reserved fields");
            }
            if (!is_known_helper(insn->imm)) {
                return unsupported_helper(v, insn->imm);
            }
            return 0;
        }
        if (op == EBPF_JMP_EXIT) {
            if (is32 || x || insn->imm || insn->src || insn->dst) {
                return verr(v, EINVAL, "BPF_EXIT uses reserved fields");
            }
            return 0;
        }
        if (op > EBPF_JMP_JSLE) {
            return verr(v, EINVAL, "unknown opcode %02x", code);
        }
        if (x ? insn->imm != 0 : insn->src != 0) {
            return verr(v, EINVAL, "BPF_JMP/JMP32 uses reserved fields");
        }
        return check_regs(v, insn, true, x, false);
    }

    default:
        OVS_NOT_REACHED();
    }
}

/* Control flow. */

/* Returns the successors of instruction 'pc' in 'succ' (at most two) and
 * their number. */
static int
insn_successors(const struct verifier *v, size_t pc, int64_t succ[2])
{
    const struct ebpf_insn *insn = &v->insns[pc];
    uint8_t cls = EBPF_CLASS(insn->opcode);
    int op = EBPF_OP(insn->opcode);

    if (cls == EBPF_CLS_JMP || cls == EBPF_CLS_JMP32) {
        if (op == EBPF_JMP_EXIT) {
            return 0;
        } else if (op == EBPF_JMP_JA) {
            succ[0] = (int64_t) pc + 1 + insn->offset;
            return 1;
        } else if (op != EBPF_JMP_CALL) {
            succ[0] = pc + 1;
            succ[1] = (int64_t) pc + 1 + insn->offset;
            return 2;
        }
    }
    succ[0] = pc + (insn->opcode == (EBPF_CLS_LD | EBPF_MODE_IMM
                                     | EBPF_SIZE_DW) ? 2 : 1);
    return 1;
}

/* Registers that 'insn' reads ('*use') and writes ('*def'). */
static void
insn_use_def(const struct ebpf_insn *insn, uint16_t *use, uint16_t *def)
{
    uint8_t cls = EBPF_CLASS(insn->opcode);
    int op = EBPF_OP(insn->opcode);
    bool x = EBPF_SRC(insn->opcode) == EBPF_SRC_X;
    uint16_t dst = 1u << insn->dst;
    uint16_t src = 1u << insn->src;

    *use = *def = 0;
    switch (cls) {
    case EBPF_CLS_LD:
        *def = dst;
        break;
    case EBPF_CLS_LDX:
        *use = src;
        *def = dst;
        break;
    case EBPF_CLS_ST:
        *use = dst;
        break;
    case EBPF_CLS_STX:
        *use = dst | src;
        if (EBPF_MODE(insn->opcode) == EBPF_MODE_ATOMIC) {
            if (insn->imm == EBPF_ATOMIC_CMPXCHG) {
                *use |= 1;
                *def = 1;
            } else if (insn->imm & EBPF_ATOMIC_FETCH) {
                *def = src;
            }
        }
        break;
    case EBPF_CLS_ALU:
    case EBPF_CLS_ALU64:
        *use = op == EBPF_ALU_MOV ? 0 : dst;
        if (x && op != EBPF_ALU_END) {
            *use |= src;
        }
        *def = dst;
        break;
    default:
        if (op == EBPF_JMP_EXIT) {
            *use = 1;
        } else if (op == EBPF_JMP_CALL) {
            /* A BPF function may read all of r1-r5. */
            *use = (insn->src == EBPF_PSEUDO_CALL ? 0x3e
                    : ((1u << (helper_n_args(insn->imm) + 1)) - 1) & ~1u);
            *def = 0x3f;
        } else if (op != EBPF_JMP_JA) {
            *use = dst | (x ? src : 0);
        }
        break;
    }
}

/* Computes the registers whose value may matter for safety or for the
 * verdict before 'insn', from those after it ('out'), and returns them.  A
 * value matters if it may flow, through registers, into an address, a
 * comparison, a helper argument or a store (stored values may come back
 * from the stack); it does not if it only flows into the return value or
 * into registers that are overwritten.  The exploration forgets the bounds
 * of scalars whose value does not matter at join points (see
 * clean_state()), so that states that differ only in them prune each
 * other, as the kernel's precision tracking achieves.  Forgetting bounds is
 * always sound; this analysis only decides where it costs no precision.
 * 'in_subprog': 'insn' belongs to a BPF function that the program calls. */
static uint16_t
insn_precise(const struct ebpf_insn *insn, uint16_t out, bool in_subprog)
{
    uint8_t cls = EBPF_CLASS(insn->opcode);
    int op = EBPF_OP(insn->opcode);
    bool x = EBPF_SRC(insn->opcode) == EBPF_SRC_X;
    uint16_t dst = 1u << insn->dst;
    uint16_t src = 1u << insn->src;
    uint16_t use, def;

    switch (cls) {
    case EBPF_CLS_ALU:
    case EBPF_CLS_ALU64:
        if (op == EBPF_ALU_MOV) {
            return (out & ~dst) | (out & dst && x ? src : 0);
        } else if (op == EBPF_ALU_NEG || op == EBPF_ALU_END) {
            return out;
        } else if (out & dst) {
            return out | (x ? src : 0);
        }
        return out;

    case EBPF_CLS_JMP:
    case EBPF_CLS_JMP32:
        if (op == EBPF_JMP_EXIT) {
            /* A function's return value may matter to its caller. */
            return in_subprog ? 1 : 0;
        }
        /* Fall through. */
    default:
        /* Everything an instruction of the other classes reads matters:
         * addresses, stored values, comparison operands, helper
         * arguments. */
        insn_use_def(insn, &use, &def);
        return (out & ~def) | use;
    }
}

/* Returns whether 'insn' calls a BPF function. */
static bool
is_bpf_call(const struct ebpf_insn *insn)
{
    return (insn->opcode == (EBPF_CLS_JMP | EBPF_JMP_CALL)
            && insn->src == EBPF_PSEUDO_CALL);
}

/* qsort() comparison function for uint32_t 'a_' and 'b_'. */
static int
u32_cmp(const void *a_, const void *b_)
{
    const uint32_t *a = a_, *b = b_;

    return *a < *b ? -1 : *a > *b;
}

/* Finds the BPF functions: the program itself, and every target of a
 * bpf-to-bpf call, each of which extends to the next one (as in the
 * kernel). */
static int
find_subprogs(struct verifier *v)
{
    size_t n = v->n_insns, i, k;

    v->subprogs = xmalloc((n + 1) * sizeof *v->subprogs);
    v->subprogs[0] = 0;
    v->n_subprogs = 1;
    for (i = 0; i < n; i++) {
        if (!(v->flags[i] & INSN_LDDW2) && is_bpf_call(&v->insns[i])) {
            size_t t = i + 1 + v->insns[i].imm;

            if (v->flags[t] & INSN_LDDW2) {
                v->pc = i;
                return verr(v, EINVAL, "call into the middle of ldimm64 "
                            "insn %"PRIuSIZE, t - 1);
            }
            v->subprogs[v->n_subprogs++] = t;
        }
    }
    qsort(v->subprogs, v->n_subprogs, sizeof *v->subprogs, u32_cmp);
    for (i = k = 1; i < v->n_subprogs; i++) {
        if (v->subprogs[i] != v->subprogs[k - 1]) {
            v->subprogs[k++] = v->subprogs[i];
        }
    }
    v->n_subprogs = k;
    if (k > BPF_VERIFIER_MAX_SUBPROGS) {
        v->pc = v->subprogs[BPF_VERIFIER_MAX_SUBPROGS];
        return verr(v, E2BIG, "too many subprograms: %"PRIuSIZE" (limit %d)",
                    k, BPF_VERIFIER_MAX_SUBPROGS);
    }
    v->stack_depth = xcalloc(k, sizeof *v->stack_depth);
    return 0;
}

/* Returns the instruction after the last of function 'sp'. */
static size_t
subprog_end(const struct verifier *v, size_t sp)
{
    return sp + 1 < v->n_subprogs ? v->subprogs[sp + 1] : v->n_insns;
}

/* Checks jump targets (within their function), loops and recursion,
 * reachability, and computes the join points and the live registers of
 * each instruction.  A loop (a jump back to an instruction on the current
 * depth-first path) is allowed: the exploration unrolls it (see
 * prune_or_keep()); a call back into a function on that path (recursion)
 * is not. */
static int
check_cfg(struct verifier *v)
{
    size_t n = v->n_insns;
    uint8_t *color = xcalloc(n, 1);      /* 0 new, 1 on path, 2 done. */
    size_t *stack = xmalloc(n * sizeof *stack);
    uint8_t *next = xcalloc(n, 1);       /* Next successor to visit. */
    size_t *order = xmalloc(n * sizeof *order);
    size_t sp = 0, n_order = 0, i;
    bool changed;
    int err = 0;

    stack[sp++] = 0;
    color[0] = 1;
    while (sp && !err) {
        size_t pc = stack[sp - 1];
        const struct ebpf_insn *insn = &v->insns[pc];
        bool call = is_bpf_call(insn);
        int64_t succ[3];
        int n_succ = insn_successors(v, pc, succ);

        if (call) {
            /* The call edge, after the return edge. */
            succ[n_succ++] = (int64_t) pc + 1 + insn->imm;
        }
        if (next[pc] < n_succ) {
            uint8_t cls = EBPF_CLASS(insn->opcode);
            bool is_jmp = ((cls == EBPF_CLS_JMP || cls == EBPF_CLS_JMP32)
                           && EBPF_OP(insn->opcode) != EBPF_JMP_CALL);
            bool is_ja = is_jmp && EBPF_OP(insn->opcode) == EBPF_JMP_JA;
            int k = next[pc]++;
            int64_t t = succ[k];
            bool call_edge = call && k == 1;
            size_t fn = subprog_of(v, pc);
            size_t end = subprog_end(v, fn);

            v->pc = pc;
            if (!call_edge && (t < v->subprogs[fn] || t >= (int64_t) end)) {
                if (t == (int64_t) end && k == 0 && !is_ja) {
                    err = verr(v, EINVAL, "last insn is not an exit or "
                               "jmp");
                } else {
                    err = verr(v, EINVAL, "jump out of range from insn "
                               "%"PRIuSIZE" to %"PRId64, pc, t);
                }
            } else if (v->flags[t] & INSN_LDDW2) {
                err = verr(v, EINVAL, "jump into the middle of ldimm64 "
                           "insn %"PRId64, t - 1);
            } else if (color[t] == 1 && call_edge) {
                err = verr(v, EINVAL, "recursive call from insn %"PRIuSIZE
                           " to the function at insn %"PRId64
                           " (back-edge from insn %"PRIuSIZE" to %"PRId64")",
                           pc, t, pc, t);
            } else {
                if (color[t] == 1) {
                    v->has_loops = true;
                }
                if ((is_jmp && (k == 1 || is_ja)) || (call && !k)) {
                    /* Paths join at a jump target, and at the return
                     * from a call. */
                    v->flags[t] |= INSN_PRUNE;
                }
                if (!color[t]) {
                    color[t] = 1;
                    stack[sp++] = t;
                }
            }
        } else {
            color[pc] = 2;
            order[n_order++] = pc;
            sp--;
        }
    }

    for (i = 0; i < n && !err; i++) {
        if (!color[i] && !(v->flags[i] & INSN_LDDW2)) {
            v->pc = i;
            err = verr(v, EINVAL, "unreachable insn %"PRIuSIZE, i);
        }
    }

    /* Liveness and precision flow backward within each function.
     * Post-order visits every successor before its predecessors, except
     * across the jumps of loops: repeat until nothing changes (both only
     * grow). */
    do {
        changed = false;
        for (i = 0; i < n_order && !err; i++) {
            size_t pc = order[i];
            int64_t succ[2];
            int n_succ = insn_successors(v, pc, succ);
            uint16_t use, def, out = 0, live, precise;
            int j;

            for (j = 0; j < n_succ; j++) {
                out |= v->live[succ[j]];
            }
            insn_use_def(&v->insns[pc], &use, &def);
            live = (use | (out & ~def)) | (1u << (EBPF_N_REGS - 1));
            out = 0;
            for (j = 0; j < n_succ; j++) {
                out |= v->precise[succ[j]];
            }
            precise = insn_precise(&v->insns[pc], out,
                                   subprog_of(v, pc) != 0);
            changed |= live != v->live[pc] || precise != v->precise[pc];
            v->live[pc] = live;
            v->precise[pc] = precise;
        }
    } while (changed);

    free(color);
    free(stack);
    free(next);
    free(order);
    return err;
}

/* Checks the combined stack of every chain of calls, as the kernel does
 * after exploring: the frames of the functions of a chain, each rounded
 * up to 16 bytes (the kernel's rounding for JIT-compiled programs), must
 * fit in EBPF_STACK_SIZE bytes, and a chain may have at most
 * EBPF_MAX_CALL_FRAMES frames.  Calls on every path count, explored or
 * not. */
static int
check_stack_depth(struct verifier *v)
{
    size_t n = v->n_subprogs;
    uint32_t *bytes = xcalloc(n, sizeof *bytes);   /* Deepest chain's. */
    size_t *via = xmalloc(n * sizeof *via);        /* Its first call. */
    uint32_t *frames = xcalloc(n, sizeof *frames); /* Longest chain's. */
    int err = 0;

    /* A function's callees start after it (recursion was refused, but a
     * function may call one that starts before it): repeat until the
     * chains stop growing, at most once per function. */
    for (size_t round = 0; round <= n; round++) {
        bool changed = false;

        for (size_t fn = 0; fn < n; fn++) {
            uint32_t own = ROUND_UP(v->stack_depth[fn], 16);
            uint32_t b = own, f = 1;
            size_t first = SIZE_MAX;

            for (size_t pc = v->subprogs[fn]; pc < subprog_end(v, fn); pc++) {
                if (is_bpf_call(&v->insns[pc])
                    && !(v->flags[pc] & INSN_LDDW2)) {
                    size_t callee = subprog_of(v, pc + 1 + v->insns[pc].imm);

                    if (own + bytes[callee] > b) {
                        b = own + bytes[callee];
                        first = pc;
                    }
                    f = MAX(f, frames[callee] + 1);
                }
            }
            if (b != bytes[fn] || f != frames[fn]) {
                bytes[fn] = b;
                frames[fn] = f;
                via[fn] = first;
                changed = true;
            }
        }
        if (!changed) {
            break;
        }
    }
    v->pc = via[0] == SIZE_MAX ? 0 : via[0];
    if (frames[0] > EBPF_MAX_CALL_FRAMES) {
        err = verr(v, E2BIG, "the call stack of %"PRIu32" frames is too "
                   "deep !", frames[0]);
    } else if (bytes[0] > EBPF_STACK_SIZE) {
        uint32_t calls = 1;

        for (size_t fn = 0; via[fn] != SIZE_MAX; calls++) {
            fn = subprog_of(v, via[fn] + 1 + v->insns[via[fn]].imm);
        }
        err = verr(v, EACCES, "combined stack size of %"PRIu32" calls is "
                   "%"PRIu32". Too large", calls, bytes[0]);
    }
    free(bytes);
    free(frames);
    free(via);
    return err;
}

/* Exploration. */

/* Pushes 'st' (owned by the stack from now on) on the pending stack of
 * 'v'. */
static void
push_state(struct verifier *v, struct state *st)
{
    if (v->n_pending >= v->alloc_pending) {
        v->pending = x2nrealloc(v->pending, &v->alloc_pending,
                                sizeof *v->pending);
    }
    v->pending[v->n_pending++] = st;
}

/* Records in 'v' up to which packet length the comparison 'op' of registers
 * 'a' and 'b' may depend on the packet's length: "pkt + N > end" and
 * "pkt + N <= end" have the same outcome for every packet of at least N
 * bytes, the other comparisons for every packet of at least N + 1 bytes,
 * where N is the packet pointer's highest offset. */
static void
note_len_compare(struct verifier *v, const struct reg *a, const struct reg *b,
                 int op)
{
    const struct reg *p = (a->type == REG_PKT_END ? b
                           : b->type == REG_PKT_END ? a : NULL);

    if (!p || (p->type != REG_PKT && p->type != REG_PKT_META)) {
        return;
    }
    if (p == b) {
        op = swap_jmp(op);
    }

    /* (data_meta == data in this runtime.) */
    bool exact = (op == EBPF_JMP_JGT || op == EBPF_JMP_JLE
                  || op == EBPF_JMP_JSGT || op == EBPF_JMP_JSLE);
    int64_t max = (p->s.smax >= MAX_VAR_OFF ? INT64_MAX
                   : (int64_t) p->off + p->s.smax);
    uint32_t len = (max < 0 ? 0
                    : max >= MAX_VAR_OFF ? BPF_RANGE_UNBOUNDED
                    : (uint32_t) max + !exact);

    v->len_compared = MAX(v->len_compared, len);
}

/* Checks the conditional jump 'insn' in '*stp'.  The branch not followed
 * now is pushed on the pending stack.  Returns 0 and sets '*stp' to the
 * state to continue with, or to NULL if no branch is feasible. */
static int
do_jmp(struct verifier *v, struct state **stp, const struct ebpf_insn *insn)
{
    struct state *st = *stp;
    bool x = EBPF_SRC(insn->opcode) == EBPF_SRC_X;
    int op = EBPF_OP(insn->opcode);
    struct state *taken;
    bool taken_ok, fall_ok;
    int err;

    err = check_reg_init(v, st, insn->dst);
    if (!err && x) {
        err = check_reg_init(v, st, insn->src);
    }
    if (err) {
        return err;
    }

    if (x) {
        note_len_compare(v, &REGS(st)[insn->dst], &REGS(st)[insn->src],
                         op);
    }

    taken = state_clone(st);
    taken_ok = branch_refine(taken, insn, op);
    fall_ok = branch_refine(st, insn, negate_jmp(op));
    taken->pc = st->pc + 1 + insn->offset;
    st->pc++;

    if (taken_ok && fall_ok) {
        if (v->n_pending >= BPF_VERIFIER_MAX_PENDING) {
            free(taken);
            return verr(v, E2BIG, "The sequence of %d jumps is too "
                        "complex.", BPF_VERIFIER_MAX_PENDING);
        }
        push_state(v, taken);
        if (st->parent) {
            st->parent->branches++;
        }
    } else if (taken_ok) {
        free(st);
        *stp = taken;
    } else {
        free(taken);
        if (!fall_ok) {
            path_done(st->parent);
            free(st);
            *stp = NULL;
        }
    }
    return 0;
}

/* Interprets instruction st->pc of '*stp', and advances st->pc.  Sets
 * '*stp' to NULL when the path ends. */
static int
do_insn(struct verifier *v, struct state **stp)
{
    struct state *st = *stp;
    const struct ebpf_insn *insn = &v->insns[st->pc];
    uint8_t cls = EBPF_CLASS(insn->opcode);
    int op = EBPF_OP(insn->opcode);
    struct reg r;
    int err;

    switch (cls) {
    case EBPF_CLS_ALU:
    case EBPF_CLS_ALU64:
        err = do_alu(v, st, insn);
        st->pc++;
        return err;

    case EBPF_CLS_LD:
        if (insn->src == EBPF_PSEUDO_MAP_FD) {
            reg_ptr(&REGS(st)[insn->dst], REG_MAP_PTR, insn->imm);
        } else if (insn->src == EBPF_PSEUDO_MAP_VALUE) {
            reg_ptr(&REGS(st)[insn->dst], REG_MAP_VALUE, insn->imm);
            REGS(st)[insn->dst].off = (uint32_t) insn[1].imm;
        } else {
            reg_const(&REGS(st)[insn->dst],
                      (uint32_t) insn->imm
                      | ((uint64_t) (uint32_t) insn[1].imm << 32));
        }
        st->pc += 2;
        return 0;

    case EBPF_CLS_LDX:
        err = check_reg_init(v, st, insn->src);
        if (!err) {
            err = mem_read(v, st, insn->src, insn->offset,
                           insn_size(insn->opcode), &r);
        }
        if (!err) {
            REGS(st)[insn->dst] = r;
        }
        st->pc++;
        return err;

    case EBPF_CLS_ST:
        err = check_reg_init(v, st, insn->dst);
        if (!err) {
            int size = insn_size(insn->opcode);
            uint64_t value = (uint64_t) (int64_t) insn->imm;

            if (size < 8) {
                value &= (UINT64_C(1) << (size * 8)) - 1;
            }
            reg_const(&r, value);
            err = mem_write(v, st, insn->dst, insn->offset, size, &r, -1);
        }
        st->pc++;
        return err;

    case EBPF_CLS_STX:
        if (EBPF_MODE(insn->opcode) == EBPF_MODE_ATOMIC) {
            err = do_atomic(v, st, insn);
        } else {
            err = check_reg_init(v, st, insn->dst);
            if (!err) {
                err = check_reg_init(v, st, insn->src);
            }
            if (!err) {
                r = REGS(st)[insn->src];
                err = mem_write(v, st, insn->dst, insn->offset,
                                insn_size(insn->opcode), &r, insn->src);
            }
        }
        st->pc++;
        return err;

    default:
        if (op == EBPF_JMP_EXIT) {
            if (st->n_frames > 1) {
                return do_return(v, st);
            }
            err = check_reg_init(v, st, 0);
            if (!err && reg_is_ptr(&REGS(st)[0])) {
                err = verr(v, EACCES, "R0 leaks addr as return value");
            }
            path_done(st->parent);
            free(st);
            *stp = NULL;
            return err;
        } else if (is_bpf_call(insn)) {
            return do_bpf_call(v, stp, insn);
        } else if (op == EBPF_JMP_CALL) {
            err = do_call(v, st, insn);
            st->pc++;
            return err;
        } else if (op == EBPF_JMP_JA) {
            st->pc += 1 + insn->offset;
            return 0;
        }
        return do_jmp(v, stp, insn);
    }
}

/* Explores every path of the program from the initial state. */
static int
explore(struct verifier *v)
{
    struct state *st = xzalloc(state_size(1));
    struct frame *f = &st->fr[0];
    int err = 0;
    int i;

    st->n_frames = 1;
    for (i = 0; i < EBPF_N_REGS; i++) {
        reg_not_init(&f->regs[i]);
    }
    for (i = 0; i < N_SLOTS; i++) {
        reg_not_init(&f->spills[i]);
    }
    reg_ptr(&f->regs[1], REG_CTX, 0);
    reg_ptr(&f->regs[EBPF_N_REGS - 1], REG_STACK, 0);
    st->len_min = 0;
    st->len_max = UINT32_MAX;

    while (!err) {
        if (!st) {
            if (!v->n_pending) {
                break;
            }
            st = v->pending[--v->n_pending];
        }
        v->pc = st->pc;
        v->total_processed++;
        if (++v->processed > v->max_processed) {
            err = verr(v, E2BIG, "BPF program is too large. Processed "
                       "%"PRIu64" insn (verification budget exceeded: "
                       "%"PRIu64" instructions processed%s)",
                       v->processed - 1, v->max_processed,
                       v->merge ? " in the merging pass" : "");
            break;
        }
        if (v->compared > v->max_compared) {
            err = verr(v, E2BIG, "BPF program is too complex. Processed "
                       "%"PRIu64" insn (verification budget exceeded: "
                       "%"PRIu64" state comparisons%s)", v->processed - 1,
                       v->max_compared,
                       v->merge ? " in the merging pass" : "");
            break;
        }
        if (!(v->processed % 128)
            && bpf_thread_cpu_ns() - v->cpu_start > v->cpu_limit) {
            err = verr(v, E2BIG, "BPF program is too complex. Processed "
                       "%"PRIu64" insn (verification budget exceeded: "
                       "%lld ms of CPU time%s)", v->processed - 1,
                       v->cpu_limit / 1000000,
                       v->merge ? "" : " for the precise pass");
            break;
        }
        if (v->flags[st->pc] & INSN_PRUNE) {
            bool pruned;

            err = prune_or_keep(v, &st, st->pc, &pruned);
            if (err) {
                break;
            } else if (pruned) {
                path_done(st->parent);
                free(st);
                st = NULL;
                continue;
            }
        }
        err = do_insn(v, &st);
    }
    free(st);
    return err;
}

/* Forgets everything that exploring found, for another pass. */
static void
explore_reset(struct verifier *v)
{
    size_t i;

    for (i = 0; i < v->n_insns; i++) {
        struct explored *e, *next;

        for (e = v->explored[i]; e; e = next) {
            next = e->next;
            free(e->st);
            free(e);
        }
        v->explored[i] = NULL;
        v->n_explored[i] = 0;
    }
    while (v->dropped) {
        struct explored *e = v->dropped;

        v->dropped = e->next;
        free(e);
    }
    v->n_stored = 0;
    for (i = 0; i < v->n_pending; i++) {
        free(v->pending[i]);
    }
    v->n_pending = 0;
    v->processed = 0;
    v->total_compared += v->compared;
    v->compared = 0;
    v->reads.n = v->writes.n = 0;
    v->first_write = SIZE_MAX;
    v->first_len = SIZE_MAX;
    if (v->stack_depth) {
        memset(v->stack_depth, 0, v->n_subprogs * sizeof *v->stack_depth);
    }
    free(v->error);
    v->error = NULL;
}

/* Copies the ranges of 'l' into '*rangesp' and '*np'. */
static void
ranges_export(struct range_list *l, struct bpf_range **rangesp, size_t *np)
{
    ranges_compact(l);
    *np = l->n;
    *rangesp = l->n ? xmemdup(l->r, l->n * sizeof *l->r) : NULL;
}

/* Verifies program 'insns' ('n_insns' instructions) that uses maps 'maps'
 * ('n_maps' of them).  Returns 0 and fills 'verdict' (to be freed with
 * bpf_verdict_destroy()) if the program is safe; otherwise returns a
 * positive errno (EINVAL for a malformed program, EACCES for an unsafe one,
 * E2BIG when a limit is exceeded) and stores in '*errorp' a message that
 * the caller must free, "insn N: reason". */
int
bpf_verify(const struct ebpf_insn *insns, size_t n_insns,
           const struct bpf_map_info *maps, size_t n_maps,
           struct bpf_verdict *verdict, char **errorp)
{
    return bpf_verify_opts(insns, n_insns, maps, n_maps, NULL, verdict,
                           errorp);
}

/* As bpf_verify(), with the choices in 'opts' (NULL: the defaults). */
int
bpf_verify_opts(const struct ebpf_insn *insns, size_t n_insns,
                const struct bpf_map_info *maps, size_t n_maps,
                const struct bpf_verifier_opts *opts,
                struct bpf_verdict *verdict, char **errorp)
{
    struct verifier v;
    size_t i;
    int err = 0;

    memset(verdict, 0, sizeof *verdict);
    *errorp = NULL;
    if (!n_insns) {
        *errorp = xstrdup("insn 0: empty program");
        return EINVAL;
    }
    if (n_insns > BPF_VERIFIER_MAX_INSNS) {
        *errorp = xasprintf("insn %d: program too large: %"PRIuSIZE" insns "
                            "(limit %d)", BPF_VERIFIER_MAX_INSNS, n_insns,
                            BPF_VERIFIER_MAX_INSNS);
        return E2BIG;
    }

    memset(&v, 0, sizeof v);
    v.first_write = SIZE_MAX;
    v.first_len = SIZE_MAX;
    v.insns = insns;
    v.n_insns = n_insns;
    v.maps = maps;
    v.n_maps = n_maps;
    v.flags = xcalloc(n_insns, sizeof *v.flags);
    v.live = xcalloc(n_insns, sizeof *v.live);
    v.precise = xcalloc(n_insns, sizeof *v.precise);
    v.explored = xcalloc(n_insns, sizeof *v.explored);
    v.n_explored = xcalloc(n_insns, sizeof *v.n_explored);

    for (i = 0; i < n_insns && !err; i++) {
        v.pc = i;
        if (v.flags[i] & INSN_LDDW2) {
            continue;
        }
        err = check_insn(&v, &insns[i]);
        if (!err && insns[i].opcode == (EBPF_CLS_LD | EBPF_MODE_IMM
                                        | EBPF_SIZE_DW)) {
            v.flags[i + 1] |= INSN_LDDW2;
        }
    }
    if (!err) {
        err = find_subprogs(&v);
    }
    if (!err) {
        err = check_cfg(&v);
    }
    if (!err) {
        /* A precise pass first.  If its budget runs out (path explosion),
         * one more pass that merges states differing only in scalars. */
        v.cpu_start = bpf_thread_cpu_ns();
        v.max_processed = BPF_VERIFIER_PRECISE_PROCESSED;
        v.max_compared = BPF_VERIFIER_PRECISE_COMPARED;
        v.cpu_limit = BPF_VERIFIER_PRECISE_CPU_MS * 1000000LL;
        v.merge_threshold = (opts && opts->merge_threshold
                             ? opts->merge_threshold
                             : BPF_VERIFIER_MERGE_THRESHOLD);
        err = opts && opts->merge_only ? E2BIG : explore(&v);
        if (err == E2BIG) {
            explore_reset(&v);
            v.merge = true;
            v.max_processed = BPF_VERIFIER_MAX_PROCESSED;
            v.max_compared = BPF_VERIFIER_MAX_COMPARED;
            v.cpu_limit = BPF_VERIFIER_MAX_CPU_MS * 1000000LL;
            err = explore(&v);
        }
    }
    if (!err) {
        err = check_stack_depth(&v);
    }

    if (!err) {
        ranges_export(&v.reads, &verdict->reads, &verdict->n_reads);
        ranges_export(&v.writes, &verdict->writes, &verdict->n_writes);
        verdict->helpers = v.helpers;
        verdict->ctx_reads = v.ctx_reads;
        verdict->len_compared = v.len_compared;
        verdict->uses_len = v.uses_len;
        verdict->first_write_insn = v.first_write;
        verdict->changes_len = v.first_len != SIZE_MAX;
        verdict->first_len_insn = v.first_len;
        verdict->verifier_merged = v.merge;
        verdict->verifier_processed = v.total_processed;
        verdict->verifier_compared = v.total_compared + v.compared;
    } else {
        *errorp = v.error ? v.error : xstrdup("insn 0: verifier error");
        v.error = NULL;
    }

    explore_reset(&v);
    free(v.pending);
    free(v.explored);
    free(v.n_explored);
    free(v.subprogs);
    free(v.stack_depth);
    free(v.flags);
    free(v.live);
    free(v.precise);
    free(v.reads.r);
    free(v.writes.r);
    free(v.idmap);
    free(v.error);
    return err;
}

/* Frees the ranges in 'verdict' (not 'verdict' itself). */
void
bpf_verdict_destroy(struct bpf_verdict *verdict)
{
    if (verdict) {
        free(verdict->reads);
        free(verdict->writes);
        memset(verdict, 0, sizeof *verdict);
    }
}
