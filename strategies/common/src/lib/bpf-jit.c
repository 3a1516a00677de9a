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

/* x86-64 JIT compiler: see bpf-jit.h.
 *
 * Registers.  BPF r0..r5 live in rax, rdi, rsi, rdx, rcx, r8 (the return
 * and argument registers of the System V ABI, so that a helper call needs no
 * moves), r6..r9 in rbx, r13, r14, r15 (callee-saved, so they survive
 * calls), r10 in rbp.  r12 counts the instructions executed; r9, r10 and r11
 * are scratch.
 *
 * Frame.  The prologue pushes the callee-saved registers and reserves
 * FRAME_SIZE bytes: the 512-byte BPF stack at [rsp, rsp + 512) (r10 =
 * rsp + 512), then the run pointer and copies of the run's packet window
 * (FRAME_*), so that checks address them relative to rsp.  rsp is 16-byte
 * aligned in the body, so helpers are called with an aligned stack.
 *
 * Calls and loops.  A bpf-to-bpf call is a native call to the callee's
 * entry, which gives it a frame of its own (see FRAME_STRIDE) without
 * moving rsp.  The analysis of what the JIT proves runs to a fixpoint over
 * loops and into callees (their arguments); the jump of a loop checks the
 * run's instruction count against BPF_INTERP_MAX_RUN_INSNS, as the
 * interpreter does.
 *
 * Checked accesses.  An access that the JIT does not prove safe first tests
 * whether it lies in the packet window that the verdict allows (two
 * instructions against the frame's copy); if not, it calls the "slow" thunk
 * at the end of the code, which saves the caller-saved registers and calls
 * jit_slow(), which applies the interpreter's checks (packet with ranges,
 * stack, map values of this run, context) and performs loads.  A fault
 * unwinds from wherever it happens: rsp is restored from the run, and the
 * function returns BPF_RUN_FAULT. */

#include <config.h>
#include "bpf-jit.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bpf-map.h"
#include "openvswitch/util.h"
#include "random.h"
#include "util.h"

#if defined(__x86_64__) && defined(__linux__)
#define JIT_X86_64 1
#else
#define JIT_X86_64 0
#endif

#define LD_IMM64 (EBPF_CLS_LD | EBPF_SIZE_DW | EBPF_MODE_IMM)
#define OP_CALL (EBPF_CLS_JMP | EBPF_JMP_CALL)
#define OP_EXIT (EBPF_CLS_JMP | EBPF_JMP_EXIT)
#define OP_JA (EBPF_CLS_JMP | EBPF_JMP_JA)

/* The state of one run, shared by the generated code and the C functions
 * it calls.  The generated code reads fields at their offsetof(). */
struct jit_run {
    /* The interpreter's areas, first, so that a pointer to the run is one
     * to them: the checks and helpers of bpf-interp.c take it as is.  The
     * prologue stores rsp in the body (the lowest stack byte) in
     * 'areas.stack' and the unwinder restores rsp from there; 'areas.fault'
     * is nonnull after a fault. */
    struct bpf_interp_areas areas;
    uint64_t pkt;               /* First byte of the packet. */
    uint64_t pkt_end;           /* Byte after its last. */
    uint64_t win_base[2];       /* [0]: reads, [1]: writes. */
    uint64_t win_lim[2][4];     /* Per size 1, 2, 4, 8: number of offsets
                                 * from 'win_base' an access may start at. */
    uint64_t n_insns;           /* Instructions executed. */
    uint64_t fault_pc;
    uint32_t ctx[EBPF_XDP_MD_SIZE / sizeof(uint32_t)];  /* r1 points here. */
    uint32_t ingress_ifindex;
    uint32_t rx_queue_index;
    const struct bpf_jit_prog *jit;     /* The code that runs. */
};
BUILD_ASSERT_DECL(offsetof(struct jit_run, areas) == 0);

#define RUN_STACK offsetof(struct jit_run, areas.stack)
#define RUN_FAULT offsetof(struct jit_run, areas.fault)

struct bpf_jit_prog {
    const struct bpf_interp_prog *interp;
    uint64_t (*entry)(struct jit_run *);
    void *mem;                  /* mmap()ed code. */
    size_t mem_size;
    size_t code_size;           /* Bytes of code. */
    size_t min_size;            /* Shorter packets run in the interpreter. */
    uint8_t win_used;           /* Bit 4 * dir + k: the code tests accesses
                                 * of 1 << k bytes in direction 'dir'
                                 * against the window (see WIN_BIT). */
    uint64_t win_start[2];      /* Window of the inline checks, as packet */
    uint64_t win_end[2];        /* offsets, for reads [0] and writes [1]. */
};

/* The bit of 'win_used' for accesses of 1 << 'k' bytes in direction 'dir'
 * (0: reads, 1: writes). */
#define WIN_BIT(DIR, K) (1u << (4 * (DIR) + (K)))

/* Frame layout (offsets from rsp in the body). */
#define FRAME_RUN 512
#define FRAME_PKT 520
#define FRAME_PKT_END 528
#define FRAME_WIN_BASE 536          /* 2 words. */
#define FRAME_WIN_LIM 552           /* 8 words. */
#define FRAME_SIZE 616              /* 8 mod 16, after six pushes. */
#define SLOW_PUSHES 7               /* Registers the slow thunk saves. */

/* Frames of bpf-to-bpf calls.  A program with calls reserves room for
 * EBPF_MAX_CALL_FRAMES - 1 more frames above its own: frame i has r10 =
 * rsp + 512 + i * FRAME_STRIDE, its 512-byte stack below r10, and, for
 * i > 0, the caller's return address and r6-r9 at [r10, r10 + 40).  rsp
 * stays where the prologue put it, so that everything the code addresses
 * through rsp (the run, the packet window) is where it was: a call pushes
 * its return address, which the callee pops at once into its frame, and
 * pushes it back to return. */
#define FRAME_STRIDE BPF_INTERP_FRAME_STRIDE
#define FRAME_SIZE_CALLS (FRAME_SIZE \
                          + (EBPF_MAX_CALL_FRAMES - 1) * FRAME_STRIDE)
BUILD_ASSERT_DECL(FRAME_STRIDE % 16 == 0);
BUILD_ASSERT_DECL(FRAME_STRIDE >= EBPF_STACK_SIZE + 128);
#define RUN_N_FRAMES offsetof(struct jit_run, areas.n_frames)

/* x86-64 registers. */
enum {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
    R8, R9, R10, R11, R12, R13, R14, R15
};

/* BPF register -> x86-64 register. */
static const uint8_t reg_map[EBPF_N_REGS] = {
    RAX, RDI, RSI, RDX, RCX, R8, RBX, R13, R14, R15, RBP
};

/* Condition codes. */
enum {
    CC_B = 0x2, CC_AE = 0x3, CC_E = 0x4, CC_NE = 0x5, CC_BE = 0x6,
    CC_A = 0x7, CC_L = 0xc, CC_GE = 0xd, CC_LE = 0xe, CC_G = 0xf
};

/* What the JIT knows about a register at an instruction. */
enum aval_kind {
    AV_UNKNOWN,                 /* Anything. */
    AV_CTX,                     /* The context + 'off'. */
    AV_PKT,                     /* The packet's first byte + 'off'. */
    AV_STACK,                   /* The frame pointer (r10) + 'off'. */
    AV_MAP,                     /* Map number 'map'. */
    AV_MAPVAL_OR_NULL,          /* Result 'id' of a lookup in 'map', or 0. */
    AV_MAPVAL,                  /* A value of 'map' + 'off'. */
    AV_ZERO,                    /* The number 0. */
    AV_PKT_END,                 /* The byte after the packet's last. */
    AV_PKT_OR_NULL,             /* As AV_PKT, or 0 (a select of the two). */
};

struct aval {
    uint8_t kind;
    uint32_t map;
    uint32_t id;
    int64_t off;
};

struct astate {
    bool reached;
    bool len_changed;           /* On some path here, the program may have
                                 * changed the packet's length. */
    int64_t pkt_len;            /* The packet has at least this many bytes
                                 * on every path here: the program compared
                                 * a packet pointer with 'data_end' (since
                                 * the last change of its length). */
    struct aval r[EBPF_N_REGS];
};

/* Offsets are tracked only while they stay this small. */
#define MAX_TRACKED_OFF (1 << 30)

/* A pending rel32 jump to BPF instruction 'target'. */
struct fixup {
    size_t at;                  /* Offset of the rel32 field. */
    size_t target;
};

struct jit {
    const struct bpf_interp_prog *prog;
    bool all_checks;
    uint8_t *buf;
    size_t size, alloc;
    size_t *insn_ofs;           /* Code offset of each instruction. */
    struct fixup *fixups;
    size_t n_fixups, max_fixups;
    size_t *slow_calls;         /* rel32 fields of calls to the thunk. */
    size_t n_slow_calls, max_slow_calls;
    size_t *fault_jumps;        /* rel32 fields of jumps to the unwinder. */
    size_t n_fault_jumps, max_fault_jumps;
    size_t *exit_jumps;         /* rel32 fields of jumps to the epilogue. */
    size_t n_exit_jumps, max_exit_jumps;
    struct astate *states;
    bool *dirty;                /* States to analyze again. */
    size_t min_size;
    uint8_t win_used;           /* As in struct bpf_jit_prog. */
    bool has_checked;           /* Some access that may lie in the stack
                                 * goes through jit_slow(). */
    bool changes_len;           /* Some instruction calls a helper that may
                                 * change the packet's length. */

    /* BPF functions: the program (0) and those it calls. */
    size_t *func_start;         /* First instruction of each. */
    size_t n_funcs;
    uint32_t *insn_func;        /* Function of each instruction. */
    int *func_depth;            /* Lowest proven stack offset of each
                                 * function's frame (<= 0). */
    size_t *func_entry;         /* Code offset of each function's entry
                                 * (functions but the program). */
    size_t cur_func;            /* Function being emitted. */
    struct fixup *call_fixups;  /* Calls: 'target' is a function. */
    size_t n_call_fixups, max_call_fixups;
};

/* Run-time support, called from generated code. */

/* Checks the memory access of instruction 'pc' at 'addr' with the
 * interpreter's checks.  For a load, performs it (translating context
 * fields) and returns the value; for a store or an atomic operation, only
 * checks (the generated code then performs it).  On a bad access, sets
 * 'r->areas.fault'. */
static uint64_t
jit_slow(struct jit_run *r, uint32_t pc, uint64_t addr)
{
    uint8_t op = r->areas.prog->code[pc].opcode;
    size_t size = bpf_interp_access_size(op);
    uint64_t value = 0;

    r->fault_pc = pc;
    if (EBPF_CLASS(op) == EBPF_CLS_LDX) {
        bpf_interp_load(&r->areas, addr, size, &value);
    } else if (EBPF_MODE(op) == EBPF_MODE_ATOMIC) {
        bpf_interp_atomic_ptr(&r->areas, addr, size);
    } else {
        bpf_interp_mem_ptr(&r->areas, addr, size, true);
    }
    return value;
}

/* map_lookup_elem() when the JIT proved 'r1' one of the program's maps and
 * 'r2' a key within the stack, in a program without loops or calls: each
 * call site runs at most once per run, so 'a->regions' has room.  Other
 * helpers are the interpreter's, called with the run's areas as sixth
 * argument. */
static uint64_t
jit_map_lookup_proven(uint64_t r1, uint64_t r2, uint64_t r3 OVS_UNUSED,
                      uint64_t r4 OVS_UNUSED, uint64_t r5 OVS_UNUSED,
                      struct bpf_interp_areas *a)
{
    struct ebpf_map *map = (struct ebpf_map *) (uintptr_t) r1;
    void *value = ebpf_map_lookup(map, (const void *) (uintptr_t) r2);

    if (value) {
        a->regions[a->n_regions].start = (uintptr_t) value;
        a->regions[a->n_regions].size = ebpf_map_value_size(map);
        a->n_regions++;
    }
    return (uintptr_t) value;
}

static void set_window(struct jit_run *, int dir,
                       const struct bpf_jit_prog *);

/* After the packet of run 'r' moved or changed length: updates the run's
 * packet pointers and windows, and their copies in the frame of the code
 * (see emit_prologue()), which starts at the lowest stack byte. */
static void
jit_packet_changed(struct jit_run *r)
{
    r->pkt = r->areas.pkt;
    r->pkt_end = r->pkt + r->areas.pkt_size;
    set_window(r, 0, r->jit);
    set_window(r, 1, r->jit);
    memcpy((uint8_t *) r->areas.stack + FRAME_PKT, &r->pkt, 12 * 8);
}

/* bpf_xdp_adjust_head() and bpf_xdp_adjust_tail() for JIT code: the
 * interpreter's, then the packet's new place for the code. */
static uint64_t
jit_xdp_adjust_head(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                    uint64_t r5, struct bpf_interp_areas *a)
{
    uint64_t ret = bpf_interp_xdp_adjust_head(r1, r2, r3, r4, r5, a);

    jit_packet_changed(CONTAINER_OF(a, struct jit_run, areas));
    return ret;
}

static uint64_t
jit_xdp_adjust_tail(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                    uint64_t r5, struct bpf_interp_areas *a)
{
    uint64_t ret = bpf_interp_xdp_adjust_tail(r1, r2, r3, r4, r5, a);

    jit_packet_changed(CONTAINER_OF(a, struct jit_run, areas));
    return ret;
}

/* jit_map_lookup_proven() for a program that may run a call site more
 * than once (loops, calls): the run's regions grow as needed. */
static uint64_t
jit_map_lookup_proven_repeat(uint64_t r1, uint64_t r2,
                             uint64_t r3 OVS_UNUSED, uint64_t r4 OVS_UNUSED,
                             uint64_t r5 OVS_UNUSED,
                             struct bpf_interp_areas *a)
{
    struct ebpf_map *map = (struct ebpf_map *) (uintptr_t) r1;
    void *value = ebpf_map_lookup(map, (const void *) (uintptr_t) r2);

    if (value) {
        bpf_interp_add_region(a, (uintptr_t) value,
                              ebpf_map_value_size(map));
    }
    return (uintptr_t) value;
}

/* Code emission. */

static void
emit_bytes(struct jit *j, const void *p, size_t n)
{
    if (j->size + n > j->alloc) {
        j->alloc = MAX(j->alloc * 2, j->size + n + 256);
        j->buf = xrealloc(j->buf, j->alloc);
    }
    memcpy(j->buf + j->size, p, n);
    j->size += n;
}

static void
emit1(struct jit *j, uint8_t b)
{
    emit_bytes(j, &b, 1);
}

static void
emit4(struct jit *j, uint32_t v)
{
    uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

    emit_bytes(j, b, 4);
}

static void
emit8(struct jit *j, uint64_t v)
{
    emit4(j, v);
    emit4(j, v >> 32);
}

static void
patch4(struct jit *j, size_t at, uint32_t v)
{
    j->buf[at] = v;
    j->buf[at + 1] = v >> 8;
    j->buf[at + 2] = v >> 16;
    j->buf[at + 3] = v >> 24;
}

/* Emits a REX prefix if needed ('force': also for REX.0, which byte
 * operations on sil, dil, spl and bpl need). */
static void
emit_rex(struct jit *j, bool w, int reg, int base, bool force)
{
    uint8_t rex = 0x40 | (w << 3) | ((reg & 8) >> 1) | ((base & 8) >> 3);

    if (rex != 0x40 || force) {
        emit1(j, rex);
    }
}

/* Emits opcode 'op' of 'len' bytes (most significant first). */
static void
emit_op(struct jit *j, uint32_t op, int len)
{
    for (int i = len - 1; i >= 0; i--) {
        emit1(j, op >> (8 * i));
    }
}

/* Emits "OP reg, rm" with register operands. */
static void
emit_rr(struct jit *j, bool w, uint32_t op, int len, int reg, int rm)
{
    emit_rex(j, w, reg, rm, false);
    emit_op(j, op, len);
    emit1(j, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/* Emits the ModRM (and SIB, displacement) of memory operand [base + disp]
 * with 'reg' in the reg field. */
static void
emit_modrm_mem(struct jit *j, int reg, int base, int32_t disp)
{
    int mod = (!disp && (base & 7) != RBP ? 0
               : disp >= -128 && disp <= 127 ? 1 : 2);

    emit1(j, mod << 6 | (reg & 7) << 3 | (base & 7));
    if ((base & 7) == RSP) {
        emit1(j, 0x24);
    }
    if (mod == 1) {
        emit1(j, disp);
    } else if (mod == 2) {
        emit4(j, disp);
    }
}

/* Emits "OP reg, [base + disp]" ('prefix': 0, or 0x66, 0xf0). */
static void
emit_rm(struct jit *j, uint8_t prefix, bool w, uint32_t op, int len, int reg,
        int base, int32_t disp, bool byte_reg)
{
    if (prefix) {
        emit1(j, prefix);
    }
    emit_rex(j, w, reg, base, byte_reg && reg >= RSP);
    emit_op(j, op, len);
    emit_modrm_mem(j, reg, base, disp);
}

/* mov dst, src (64 or 32 bits). */
static void
emit_mov_rr(struct jit *j, bool w, int dst, int src)
{
    emit_rr(j, w, 0x89, 1, src, dst);
}

/* mov dst, imm64, in the shortest form. */
static void
emit_mov_imm64(struct jit *j, int dst, uint64_t imm)
{
    if (imm <= UINT32_MAX) {
        emit_rex(j, false, 0, dst, false);
        emit1(j, 0xb8 | (dst & 7));
        emit4(j, imm);
    } else if ((int64_t) imm == (int32_t) imm) {
        emit_rr(j, true, 0xc7, 1, 0, dst);
        emit4(j, imm);
    } else {
        emit_rex(j, true, 0, dst, false);
        emit1(j, 0xb8 | (dst & 7));
        emit8(j, imm);
    }
}

/* ALU operation with an immediate: group 1 extension 'ext'. */
static void
emit_alu_imm(struct jit *j, bool w, int ext, int dst, int32_t imm)
{
    if (imm >= -128 && imm <= 127) {
        emit_rr(j, w, 0x83, 1, ext, dst);
        emit1(j, imm);
    } else {
        emit_rr(j, w, 0x81, 1, ext, dst);
        emit4(j, imm);
    }
}

/* lea dst, [base + disp] (64 bits). */
static void
emit_lea(struct jit *j, int dst, int base, int32_t disp)
{
    emit_rm(j, 0, true, 0x8d, 1, dst, base, disp, false);
}

/* Conditional jump with a rel8 placeholder; returns where to patch. */
static size_t
emit_jcc8(struct jit *j, int cc)
{
    emit1(j, 0x70 | cc);
    emit1(j, 0);
    return j->size - 1;
}

static size_t
emit_jmp8(struct jit *j)
{
    emit1(j, 0xeb);
    emit1(j, 0);
    return j->size - 1;
}

/* Points the rel8 at 'at' to the current position. */
static void
patch8_here(struct jit *j, size_t at)
{
    ptrdiff_t rel = j->size - (at + 1);

    ovs_assert(rel >= -128 && rel <= 127);
    j->buf[at] = rel;
}

/* Appends 'at' to the array 'list' of 'n' entries ('max' allocated). */
static void
push_ofs(size_t **list, size_t *n, size_t *max, size_t at)
{
    if (*n >= *max) {
        *list = x2nrealloc(*list, max, sizeof **list);
    }
    (*list)[(*n)++] = at;
}

/* Jumps (rel32) to the fault unwinder, with r11 = the run. */
static void
emit_jmp_fault(struct jit *j)
{
    emit1(j, 0xe9);
    emit4(j, 0);
    push_ofs(&j->fault_jumps, &j->n_fault_jumps, &j->max_fault_jumps,
             j->size - 4);
}

/* Calls the slow thunk (rel32) with r10d = 'pc' and r11 = the address.
 * 'stack' says whether the access may lie in the BPF stack, which the
 * prologue must then zero whole, as the interpreter's starts zeroed: not an
 * access through a null pointer, whose address is the instruction's 16-bit
 * offset (in the first or the last 32 KiB of the address space). */
static void
emit_slow_call(struct jit *j, size_t pc, int base, int32_t off, bool stack)
{
    emit_lea(j, R11, base, off);
    emit_rex(j, false, 0, R10, false);
    emit1(j, 0xb8 | (R10 & 7));
    emit4(j, pc);
    emit1(j, 0xe8);
    emit4(j, 0);
    push_ofs(&j->slow_calls, &j->n_slow_calls, &j->max_slow_calls,
             j->size - 4);
    j->has_checked |= stack;
}

/* Abstract interpretation: what the JIT proves itself. */

static bool
aval_equal(const struct aval *a, const struct aval *b)
{
    return (a->kind == b->kind && a->map == b->map && a->id == b->id
            && a->off == b->off);
}

static void
set_unknown(struct aval *a)
{
    memset(a, 0, sizeof *a);
}

/* Merges 'b' into 'a': equal values stay, a packet pointer and 0 (or a
 * packet pointer or 0 at the same offset) become "packet pointer or 0", and
 * anything else becomes unknown. */
static void
merge_aval(struct aval *a, const struct aval *b)
{
    if (aval_equal(a, b)) {
        return;
    }

    const struct aval *pkt = (a->kind == AV_PKT || a->kind == AV_PKT_OR_NULL
                              ? a : b);
    const struct aval *other = pkt == a ? b : a;
    if ((pkt->kind == AV_PKT || pkt->kind == AV_PKT_OR_NULL)
        && (other->kind == AV_ZERO
            || ((other->kind == AV_PKT || other->kind == AV_PKT_OR_NULL)
                && other->off == pkt->off))) {
        int64_t off = pkt->off;

        set_unknown(a);
        a->kind = AV_PKT_OR_NULL;
        a->off = off;
    } else {
        set_unknown(a);
    }
}

/* Merges 'from' into the state of instruction 'to' in 'j', and marks
 * 'to' to be analyzed again if its state changed. */
static void
merge_state(struct jit *j, size_t to, const struct astate *from)
{
    struct astate *s = &j->states[to];
    bool changed = false;

    if (!s->reached) {
        *s = *from;
        s->reached = true;
        j->dirty[to] = true;
        return;
    }
    if (from->pkt_len < s->pkt_len) {
        s->pkt_len = from->pkt_len;
        changed = true;
    }
    if (from->len_changed && !s->len_changed) {
        s->len_changed = true;
        changed = true;
    }
    for (int i = 0; i < EBPF_N_REGS; i++) {
        struct aval old = s->r[i];

        merge_aval(&s->r[i], &from->r[i]);
        changed |= !aval_equal(&old, &s->r[i]);
    }
    j->dirty[to] |= changed;
}

/* Returns the index of map pointer 'ptr' in 'prog', or SIZE_MAX. */
static size_t
map_index(const struct bpf_interp_prog *prog, uint64_t ptr)
{
    for (size_t i = 0; i < prog->n_maps; i++) {
        if ((uintptr_t) prog->maps[i] == ptr) {
            return i;
        }
    }
    return SIZE_MAX;
}

/* Returns the index of the global data map of 'prog' whose value holds the
 * address 'addr', with the offset of 'addr' in the value in '*offp', or
 * SIZE_MAX. */
static size_t
global_index(const struct bpf_interp_prog *prog, uint64_t addr,
             int64_t *offp)
{
    for (size_t i = 0; i < prog->n_maps; i++) {
        size_t stride;
        const uint8_t *value = ebpf_map_array(prog->maps[i], &stride);

        if (value && ebpf_map_max_entries(prog->maps[i]) == 1
            && addr - (uintptr_t) value
               < ebpf_map_value_size(prog->maps[i])) {
            *offp = addr - (uintptr_t) value;
            return i;
        }
    }
    return SIZE_MAX;
}

/* Returns true if helper 'id' may change the packet's length. */
static bool
changes_len(int32_t id)
{
    return (id == EBPF_FUNC_xdp_adjust_head
            || id == EBPF_FUNC_xdp_adjust_tail);
}

/* After the packet's length may have changed in 's': packet pointers and
 * what was learned of the length are stale (r6..r9 keep their values). */
static void
forget_pkt(struct astate *s)
{
    for (int i = 0; i < EBPF_N_REGS; i++) {
        uint8_t kind = s->r[i].kind;

        if (kind == AV_PKT || kind == AV_PKT_OR_NULL || kind == AV_PKT_END) {
            set_unknown(&s->r[i]);
        }
    }
    s->pkt_len = 0;
    s->len_changed = true;
}

/* Returns true if 'kind' is a pointer with a tracked offset. */
static bool
is_offset_ptr(uint8_t kind)
{
    return (kind == AV_CTX || kind == AV_PKT || kind == AV_STACK
            || kind == AV_MAPVAL);
}

/* For the conditional jump 'insn' from state 's', raises the packet length
 * known on the branch taken ('taken') and the one not taken ('s') if it
 * compares a packet pointer with 'data_end' (64-bit, unsigned).  A packet
 * pointer at offset 'off' >= 0 is at most 'data_end' if and only if the
 * packet has at least 'off' bytes (no address wraps around). */
static void
learn_pkt_len(const struct bpf_interp_insn *insn, struct astate *s,
              struct astate *taken)
{
    uint8_t op = insn->opcode;

    if (EBPF_CLASS(op) != EBPF_CLS_JMP || EBPF_SRC(op) != EBPF_SRC_X) {
        return;
    }

    const struct aval *a = &s->r[insn->dst];
    const struct aval *b = &s->r[insn->src];
    bool pkt_first;
    int64_t off;
    if (a->kind == AV_PKT && b->kind == AV_PKT_END) {
        pkt_first = true;
        off = a->off;
    } else if (a->kind == AV_PKT_END && b->kind == AV_PKT) {
        pkt_first = false;
        off = b->off;
    } else {
        return;
    }
    if (off < 0) {
        return;
    }

    /* With P the packet pointer and E 'data_end', the branch on which
     * P <= E holds learns 'off' bytes ('le'), the one on which P < E holds
     * 'off' + 1 ('lt'). */
    struct astate *le = NULL, *lt = NULL;
    switch (EBPF_OP(op)) {
    case EBPF_JMP_JGT:
        if (pkt_first) {
            le = s;             /* Not P > E. */
        } else {
            lt = taken;         /* E > P. */
        }
        break;
    case EBPF_JMP_JGE:
        if (pkt_first) {
            lt = s;             /* Not P >= E. */
        } else {
            le = taken;         /* E >= P. */
        }
        break;
    case EBPF_JMP_JLT:
        if (pkt_first) {
            lt = taken;         /* P < E. */
        } else {
            le = s;             /* Not E < P. */
        }
        break;
    case EBPF_JMP_JLE:
        if (pkt_first) {
            le = taken;         /* P <= E. */
        } else {
            lt = s;             /* Not E <= P. */
        }
        break;
    default:
        return;
    }
    if (le) {
        le->pkt_len = MAX(le->pkt_len, off);
    }
    if (lt) {
        lt->pkt_len = MAX(lt->pkt_len, off + 1);
    }
}

/* Computes the state after instruction 'pc' from 's' (in place), and
 * merges it into the states of its successors, and into the entry state of
 * the function that it calls, if it is a bpf-to-bpf call. */
static void
analyze_insn(struct jit *j, size_t pc, struct astate *s)
{
    const struct bpf_interp_prog *prog = j->prog;
    const struct bpf_interp_insn *insn = &prog->code[pc];
    uint8_t op = insn->opcode;
    struct aval *dst = &s->r[insn->dst];
    size_t n = prog->n_insns;

    switch (EBPF_CLASS(op)) {
    case EBPF_CLS_ALU64:
        if (op == (EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X)) {
            *dst = s->r[insn->src];
        } else if ((op == (EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K)
                    || op == (EBPF_CLS_ALU64 | EBPF_ALU_SUB | EBPF_SRC_K))
                   && is_offset_ptr(dst->kind)) {
            int64_t imm = insn->imm;
            int64_t off = (EBPF_OP(op) == EBPF_ALU_ADD
                           ? dst->off + imm : dst->off - imm);

            if (off > -MAX_TRACKED_OFF && off < MAX_TRACKED_OFF) {
                dst->off = off;
            } else {
                set_unknown(dst);
            }
        } else {
            set_unknown(dst);
            if (op == (EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K)
                && !insn->imm) {
                dst->kind = AV_ZERO;
            }
        }
        break;

    case EBPF_CLS_ALU:
        set_unknown(dst);
        if (op == (EBPF_CLS_ALU | EBPF_ALU_MOV | EBPF_SRC_K) && !insn->imm) {
            dst->kind = AV_ZERO;
        }
        break;

    case EBPF_CLS_LD:
        set_unknown(dst);
        if (insn->src == EBPF_PSEUDO_MAP_FD) {
            size_t idx = map_index(prog, insn->imm);

            if (idx != SIZE_MAX) {
                dst->kind = AV_MAP;
                dst->map = idx;
            }
        } else if (insn->src == EBPF_PSEUDO_MAP_VALUE) {
            int64_t off;
            size_t idx = global_index(prog, insn->imm, &off);

            if (idx != SIZE_MAX) {
                dst->kind = AV_MAPVAL;
                dst->map = idx;
                dst->off = off;
            }
        }
        break;

    case EBPF_CLS_LDX: {
        const struct aval *base = &s->r[insn->src];
        int64_t f = base->off + insn->offset;

        if (base->kind == AV_CTX && EBPF_SIZE(op) == EBPF_SIZE_W
            && (f == EBPF_XDP_MD_DATA || f == EBPF_XDP_MD_DATA_META)) {
            set_unknown(dst);
            dst->kind = AV_PKT;
        } else if (base->kind == AV_CTX && EBPF_SIZE(op) == EBPF_SIZE_W
                   && f == EBPF_XDP_MD_DATA_END) {
            set_unknown(dst);
            dst->kind = AV_PKT_END;
        } else {
            set_unknown(dst);
        }
        break;
    }

    case EBPF_CLS_ST:
        break;

    case EBPF_CLS_STX:
        if (EBPF_MODE(op) == EBPF_MODE_ATOMIC) {
            if (insn->imm == EBPF_ATOMIC_CMPXCHG) {
                set_unknown(&s->r[0]);
            } else if (insn->imm & EBPF_ATOMIC_FETCH) {
                set_unknown(&s->r[insn->src]);
            }
        }
        break;

    case EBPF_CLS_JMP:
    case EBPF_CLS_JMP32:
        if (op == OP_EXIT) {
            return;
        } else if (op == OP_CALL && insn->src) {
            /* The callee's entry: the arguments, except pointers into
             * this frame (the callee's r10 is another), and its own r10.
             * Here, after the return: r0-r5 are clobbered. */
            struct astate entry;

            memset(&entry, 0, sizeof entry);
            entry.reached = true;
            entry.pkt_len = s->pkt_len;
            entry.len_changed = s->len_changed;
            for (int i = 1; i <= 5; i++) {
                if (s->r[i].kind != AV_STACK) {
                    entry.r[i] = s->r[i];
                }
            }
            entry.r[10].kind = AV_STACK;
            merge_state(j, pc + 1 + insn->imm, &entry);
            for (int i = 0; i <= 5; i++) {
                set_unknown(&s->r[i]);
            }
            if (j->changes_len) {
                /* The callee may have changed the length (this analysis
                 * does not follow returns): as after such a helper. */
                forget_pkt(s);
            }
            break;
        } else if (op == OP_CALL) {
            struct aval r1 = s->r[1];

            for (int i = 0; i < EBPF_N_REGS; i++) {
                /* A lookup that runs again (in a loop) makes the values
                 * it returned before unknown: its new result has the same
                 * id. */
                if (s->r[i].kind == AV_MAPVAL_OR_NULL
                    && s->r[i].id == pc + 1) {
                    set_unknown(&s->r[i]);
                }
            }
            for (int i = 0; i <= 5; i++) {
                set_unknown(&s->r[i]);
            }
            if (insn->imm == EBPF_FUNC_map_lookup_elem && r1.kind == AV_MAP) {
                s->r[0].kind = AV_MAPVAL_OR_NULL;
                s->r[0].map = r1.map;
                s->r[0].id = pc + 1;
            } else if (changes_len(insn->imm)) {
                forget_pkt(s);
            }
            break;
        } else if (op == OP_JA) {
            size_t t = pc + 1 + insn->offset;

            if (t < n) {
                merge_state(j, t, s);
            }
            return;
        } else {
            size_t t = pc + 1 + insn->offset;
            struct astate taken = *s;

            if (dst->kind == AV_MAPVAL_OR_NULL
                && EBPF_CLASS(op) == EBPF_CLS_JMP
                && EBPF_SRC(op) == EBPF_SRC_K && insn->imm == 0
                && (EBPF_OP(op) == EBPF_JMP_JEQ
                    || EBPF_OP(op) == EBPF_JMP_JNE)) {
                struct astate *nonnull = (EBPF_OP(op) == EBPF_JMP_JNE
                                          ? &taken : s);
                struct astate *null = nonnull == s ? &taken : s;
                uint32_t id = dst->id;

                for (int i = 0; i < EBPF_N_REGS; i++) {
                    if (s->r[i].kind == AV_MAPVAL_OR_NULL
                        && s->r[i].id == id) {
                        nonnull->r[i].kind = AV_MAPVAL;
                        nonnull->r[i].off = 0;
                        nonnull->r[i].id = 0;
                        set_unknown(&null->r[i]);
                    }
                }
            }
            if (dst->kind == AV_PKT_OR_NULL
                && EBPF_CLASS(op) == EBPF_CLS_JMP
                && EBPF_SRC(op) == EBPF_SRC_K && insn->imm == 0
                && (EBPF_OP(op) == EBPF_JMP_JEQ
                    || EBPF_OP(op) == EBPF_JMP_JNE)) {
                bool jne = EBPF_OP(op) == EBPF_JMP_JNE;
                struct aval *nonnull = jne ? &taken.r[insn->dst] : dst;
                struct aval *null = jne ? dst : &taken.r[insn->dst];

                nonnull->kind = AV_PKT;
                set_unknown(null);
                null->kind = AV_ZERO;
            }
            learn_pkt_len(insn, s, &taken);
            if (t < n) {
                merge_state(j, t, &taken);
            }
        }
        break;

    default:
        OVS_NOT_REACHED();
    }

    size_t next = pc + (op == LD_IMM64 ? 2 : 1);
    if (next < n) {
        merge_state(j, next, s);
    }
}

/* Stores in 'succ' the successors of instruction 'pc' of 'prog' and returns
 * their number (0 to 3): with 'calls', the function that a bpf-to-bpf call
 * calls comes after the instruction that follows the call. */
static size_t
insn_successors(const struct bpf_interp_prog *prog, size_t pc, size_t succ[3],
                bool calls)
{
    const struct bpf_interp_insn *insn = &prog->code[pc];
    uint8_t op = insn->opcode;
    uint8_t cls = EBPF_CLASS(op);

    if (op == OP_EXIT) {
        return 0;
    } else if (op == OP_JA) {
        succ[0] = pc + 1 + insn->offset;
        return 1;
    } else if ((cls == EBPF_CLS_JMP || cls == EBPF_CLS_JMP32)
               && op != OP_CALL) {
        succ[0] = pc + 1;
        succ[1] = pc + 1 + insn->offset;
        return 2;
    }
    succ[0] = pc + (op == LD_IMM64 ? 2 : 1);
    if (op == OP_CALL && insn->src && calls) {
        succ[1] = pc + 1 + insn->imm;
        return 2;
    }
    return 1;
}

/* Returns the instructions reachable from the first one (through jumps and
 * calls) in reverse postorder, and their number in '*n_orderp'.  Without
 * loops, every instruction comes after all of its predecessors. */
static size_t *
reverse_postorder(const struct bpf_interp_prog *prog, size_t *n_orderp)
{
    size_t n = prog->n_insns;
    size_t *order = xmalloc(n * sizeof *order);
    size_t *stack = xmalloc(n * sizeof *stack);
    uint8_t *next_succ = xcalloc(n, sizeof *next_succ);
    bool *seen = xcalloc(n, sizeof *seen);
    size_t depth = 0, n_order = n;

    stack[depth++] = 0;
    seen[0] = true;
    while (depth) {
        size_t pc = stack[depth - 1];
        size_t succ[3];
        size_t n_succ = insn_successors(prog, pc, succ, true);

        if (next_succ[pc] >= n_succ) {
            order[--n_order] = pc;
            depth--;
            continue;
        }
        size_t t = succ[next_succ[pc]++];
        if (t < n && !seen[t]) {
            seen[t] = true;
            stack[depth++] = t;
        }
    }
    free(seen);
    free(next_succ);
    free(stack);

    *n_orderp = n - n_order;
    memmove(order, order + n_order, *n_orderp * sizeof *order);
    return order;
}

/* Analyzes the whole program into 'j->states': the state of each
 * instruction is the merge of the states on every path into it.  The
 * instructions are analyzed in reverse postorder, and again as long as the
 * state of one changes (through the jump of a loop, or a call): states
 * only lose what they know, down to "unknown", so this ends.  Unreachable
 * instructions get the "unknown" state. */
static void
analyze(struct jit *j)
{
    const struct bpf_interp_prog *prog = j->prog;
    size_t n = prog->n_insns;
    size_t n_order;
    size_t *order = reverse_postorder(prog, &n_order);
    bool again;

    j->states = xcalloc(n, sizeof *j->states);
    for (size_t pc = 0; pc < n; pc++) {
        const struct bpf_interp_insn *insn = &prog->code[pc];

        if (insn->opcode == OP_CALL && !insn->src
            && changes_len(insn->imm)) {
            j->changes_len = true;
        }
    }
    j->dirty = xcalloc(n, sizeof *j->dirty);
    j->states[0].reached = true;
    j->states[0].r[1].kind = AV_CTX;
    j->states[0].r[10].kind = AV_STACK;
    j->dirty[0] = true;
    do {
        again = false;
        for (size_t i = 0; i < n_order; i++) {
            size_t pc = order[i];

            if (j->dirty[pc]) {
                struct astate s = j->states[pc];

                j->dirty[pc] = false;
                analyze_insn(j, pc, &s);
                again = true;
            }
        }
    } while (again);
    for (size_t pc = 0; pc < n; pc++) {
        j->states[pc].reached = true;
    }
    free(order);
}

/* Memory accesses. */

/* Returns true if the access of instruction 'pc' through 'base' (with the
 * instruction's offset) is proven safe; a proven packet access raises the
 * minimum packet size. */
static bool
access_proven(struct jit *j, size_t pc, const struct astate *s,
              const struct aval *base, bool write, bool atomic)
{
    const struct bpf_interp_prog *prog = j->prog;
    const struct bpf_interp_insn *insn = &prog->code[pc];
    int64_t size = bpf_interp_access_size(insn->opcode);
    int64_t a = base->off + insn->offset;

    if (j->all_checks) {
        return false;
    }
    switch (base->kind) {
    case AV_STACK:
        if (a >= -EBPF_STACK_SIZE && a + size <= 0 && !(atomic && a % size)) {
            j->func_depth[j->cur_func] = MIN(j->func_depth[j->cur_func], a);
            return true;
        }
        return false;

    case AV_PKT:
    case AV_PKT_OR_NULL:
        if (atomic || a < 0 || !bpf_interp_pkt_allowed(prog, a, size, write)) {
            return false;
        } else if (a + size <= s->pkt_len) {
            return true;
        } else if (a + size <= BPF_JIT_MAX_PROVEN && !s->len_changed) {
            /* The length test before the run holds until the length
             * changes. */
            j->min_size = MAX(j->min_size, a + size);
            return true;
        }
        return false;

    case AV_MAPVAL: {
        const struct ebpf_map *map = prog->maps[base->map];
        int64_t vsize = ebpf_map_value_size(map);

        return (a >= 0 && a + size <= vsize && !(atomic && a % size)
                && !(write && ebpf_map_flags(map) & EBPF_MAP_F_RDONLY_PROG));
    }

    default:
        return false;
    }
}

/* Emits the plain access of instruction 'pc' (a load into x86 'dst_x' from,
 * or a store to, [base + off]). */
static void
emit_plain_access(struct jit *j, const struct bpf_interp_insn *insn)
{
    uint8_t op = insn->opcode;
    int size = bpf_interp_access_size(op);
    int dst = reg_map[insn->dst];
    int src = reg_map[insn->src];

    switch (EBPF_CLASS(op)) {
    case EBPF_CLS_LDX:
        switch (size) {
        case 1:
            emit_rm(j, 0, false, 0x0fb6, 2, dst, src, insn->offset, false);
            break;
        case 2:
            emit_rm(j, 0, false, 0x0fb7, 2, dst, src, insn->offset, false);
            break;
        case 4:
            emit_rm(j, 0, false, 0x8b, 1, dst, src, insn->offset, false);
            break;
        default:
            emit_rm(j, 0, true, 0x8b, 1, dst, src, insn->offset, false);
            break;
        }
        break;

    case EBPF_CLS_STX:
        switch (size) {
        case 1:
            emit_rm(j, 0, false, 0x88, 1, src, dst, insn->offset, true);
            break;
        case 2:
            emit_rm(j, 0x66, false, 0x89, 1, src, dst, insn->offset, false);
            break;
        case 4:
            emit_rm(j, 0, false, 0x89, 1, src, dst, insn->offset, false);
            break;
        default:
            emit_rm(j, 0, true, 0x89, 1, src, dst, insn->offset, false);
            break;
        }
        break;

    case EBPF_CLS_ST:
        switch (size) {
        case 1:
            emit_rm(j, 0, false, 0xc6, 1, 0, dst, insn->offset, false);
            emit1(j, insn->imm);
            break;
        case 2:
            emit_rm(j, 0x66, false, 0xc7, 1, 0, dst, insn->offset, false);
            emit1(j, insn->imm);
            emit1(j, insn->imm >> 8);
            break;
        case 4:
            emit_rm(j, 0, false, 0xc7, 1, 0, dst, insn->offset, false);
            emit4(j, insn->imm);
            break;
        default:
            emit_rm(j, 0, true, 0xc7, 1, 0, dst, insn->offset, false);
            emit4(j, insn->imm);
            break;
        }
        break;

    default:
        OVS_NOT_REACHED();
    }
}

/* Returns the index of 'size' (1, 2, 4, 8) in the window limits. */
static int
size_index(int size)
{
    return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

/* Emits a load or store (ST, STX, LDX in mode MEM) of instruction 'pc'. */
static void
emit_mem(struct jit *j, size_t pc, const struct astate *s)
{
    const struct bpf_interp_insn *insn = &j->prog->code[pc];
    bool load = EBPF_CLASS(insn->opcode) == EBPF_CLS_LDX;
    uint8_t breg = load ? insn->src : insn->dst;
    const struct aval *base = &s->r[breg];
    int bx = reg_map[breg];
    int size = bpf_interp_access_size(insn->opcode);
    int dir = !load;

    if (load && base->kind == AV_CTX && !j->all_checks && size == 4) {
        int64_t f = base->off + insn->offset;
        int dst = reg_map[insn->dst];

        switch (f) {
        case EBPF_XDP_MD_DATA:
        case EBPF_XDP_MD_DATA_META:
            emit_rm(j, 0, true, 0x8b, 1, dst, RSP, FRAME_PKT, false);
            return;
        case EBPF_XDP_MD_DATA_END:
            emit_rm(j, 0, true, 0x8b, 1, dst, RSP, FRAME_PKT_END, false);
            return;
        case EBPF_XDP_MD_INGRESS_IFINDEX:
        case EBPF_XDP_MD_RX_QUEUE_INDEX:
            emit_rm(j, 0, true, 0x8b, 1, dst, RSP, FRAME_RUN, false);
            emit_rm(j, 0, false, 0x8b, 1, dst, dst,
                    (f == EBPF_XDP_MD_INGRESS_IFINDEX
                     ? offsetof(struct jit_run, ingress_ifindex)
                     : offsetof(struct jit_run, rx_queue_index)), false);
            return;
        case EBPF_XDP_MD_EGRESS_IFINDEX:
            emit_rr(j, false, 0x31, 1, dst, dst);
            return;
        default:
            break;
        }
    }

    size_t to_slow;
    bool null_only = false;     /* Only a null 'bx' takes the slow path. */
    if (access_proven(j, pc, s, base, !load, false)) {
        if (base->kind != AV_PKT_OR_NULL) {
            emit_plain_access(j, insn);
            return;
        }
        /* Proven unless the pointer is 0: test it, else the slow path. */
        emit_rr(j, true, 0x85, 1, bx, bx);              /* test bx, bx */
        to_slow = emit_jcc8(j, CC_E);
        null_only = true;
    } else {
        /* Inline test against the window, then the slow path. */
        j->win_used |= WIN_BIT(dir, size_index(size));
        emit_lea(j, R11, bx, insn->offset);
        emit_rm(j, 0, true, 0x2b, 1, R11, RSP, FRAME_WIN_BASE + 8 * dir,
                false);
        emit_rm(j, 0, true, 0x3b, 1, R11, RSP,
                FRAME_WIN_LIM + 8 * (4 * dir + size_index(size)), false);
        to_slow = emit_jcc8(j, CC_AE);
    }
    emit_plain_access(j, insn);
    size_t to_done = emit_jmp8(j);
    patch8_here(j, to_slow);
    emit_slow_call(j, pc, bx, insn->offset, !null_only);
    if (load) {
        emit_mov_rr(j, true, reg_map[insn->dst], R11);
    } else {
        emit_plain_access(j, insn);
    }
    patch8_here(j, to_done);
}

/* Emits the atomic instruction 'pc'. */
static void
emit_atomic(struct jit *j, size_t pc, const struct astate *s)
{
    const struct bpf_interp_insn *insn = &j->prog->code[pc];
    bool w = EBPF_SIZE(insn->opcode) == EBPF_SIZE_DW;
    int bx = reg_map[insn->dst];
    int src = reg_map[insn->src];
    int32_t off = insn->offset;
    uint32_t alu_op;

    if (!access_proven(j, pc, s, &s->r[insn->dst], true, true)) {
        emit_slow_call(j, pc, bx, off, true);
    }
    /* The address in r9, so that rax may change. */
    emit_lea(j, R9, bx, off);

    switch (insn->imm) {
    case EBPF_ALU_ADD:
        emit_rm(j, 0xf0, w, 0x01, 1, src, R9, 0, false);
        return;
    case EBPF_ALU_OR:
        emit_rm(j, 0xf0, w, 0x09, 1, src, R9, 0, false);
        return;
    case EBPF_ALU_AND:
        emit_rm(j, 0xf0, w, 0x21, 1, src, R9, 0, false);
        return;
    case EBPF_ALU_XOR:
        emit_rm(j, 0xf0, w, 0x31, 1, src, R9, 0, false);
        return;
    case EBPF_ALU_ADD | EBPF_ATOMIC_FETCH:
        emit_rm(j, 0xf0, w, 0x0fc1, 2, src, R9, 0, false);
        return;
    case EBPF_ATOMIC_XCHG:
        emit_rm(j, 0, w, 0x87, 1, src, R9, 0, false);
        return;
    case EBPF_ATOMIC_CMPXCHG:
        emit_rm(j, 0xf0, w, 0x0fb1, 2, src, R9, 0, false);
        if (!w) {
            emit_mov_rr(j, false, RAX, RAX);
        }
        return;
    case EBPF_ALU_OR | EBPF_ATOMIC_FETCH:
        alu_op = 0x09;
        break;
    case EBPF_ALU_AND | EBPF_ATOMIC_FETCH:
        alu_op = 0x21;
        break;
    case EBPF_ALU_XOR | EBPF_ATOMIC_FETCH:
        alu_op = 0x31;
        break;
    default:
        OVS_NOT_REACHED();
    }

    /* Fetch-or/and/xor: a cmpxchg loop, with rax saved in r10. */
    int src2 = src == RAX ? R10 : src;
    emit_mov_rr(j, true, R10, RAX);
    emit_rm(j, 0, w, 0x8b, 1, RAX, R9, 0, false);      /* mov rax, [r9] */
    size_t loop = j->size;
    emit_mov_rr(j, w, R11, RAX);
    emit_rr(j, w, alu_op, 1, src2, R11);
    emit_rm(j, 0xf0, w, 0x0fb1, 2, R11, R9, 0, false);
    emit1(j, 0x70 | CC_NE);
    emit1(j, (uint8_t) (loop - (j->size + 1)));
    if (src == RAX) {
        if (!w) {
            emit_mov_rr(j, false, RAX, RAX);
        }
    } else {
        emit_mov_rr(j, w, src, RAX);
        emit_mov_rr(j, true, RAX, R10);
    }
}

/* ALU. */

/* Emits a shift of 'dst' by register 'src' (ext: 4 shl, 5 shr, 7 sar).
 * A 32-bit shift by 0 leaves the upper half of the register as it was, so
 * 32-bit results are zero-extended explicitly. */
static void
emit_shift_reg(struct jit *j, bool w, int ext, int dst, int src)
{
    if (src == RCX) {
        emit_rr(j, w, 0xd3, 1, ext, dst);
        if (!w) {
            emit_mov_rr(j, false, dst, dst);
        }
    } else if (dst == RCX) {
        emit_mov_rr(j, true, R11, RCX);
        emit_mov_rr(j, true, RCX, src);
        emit_rr(j, w, 0xd3, 1, ext, R11);
        emit_mov_rr(j, w, RCX, R11);
    } else {
        emit_mov_rr(j, true, R11, RCX);
        emit_mov_rr(j, true, RCX, src);
        emit_rr(j, w, 0xd3, 1, ext, dst);
        emit_mov_rr(j, true, RCX, R11);
        if (!w) {
            emit_mov_rr(j, false, dst, dst);
        }
    }
}

/* Emits division or modulo of 'dst' by r11 (already loaded). */
static void
emit_divmod(struct jit *j, bool w, bool mod, int dst)
{
    emit_rr(j, w, 0x85, 1, R11, R11);                   /* test r11, r11 */
    size_t nonzero = emit_jcc8(j, CC_NE);
    if (!mod) {
        emit_rr(j, false, 0x31, 1, dst, dst);
    } else if (!w) {
        emit_mov_rr(j, false, dst, dst);
    }
    size_t done = emit_jmp8(j);
    patch8_here(j, nonzero);
    emit_mov_rr(j, true, R10, RAX);
    emit_mov_rr(j, true, R9, RDX);
    emit_mov_rr(j, w, RAX, dst);
    emit_rr(j, false, 0x31, 1, RDX, RDX);
    emit_rr(j, w, 0xf7, 1, 6, R11);                     /* div r11 */
    emit_mov_rr(j, w, R11, mod ? RDX : RAX);
    emit_mov_rr(j, true, RAX, R10);
    emit_mov_rr(j, true, RDX, R9);
    emit_mov_rr(j, true, dst, R11);
    patch8_here(j, done);
}

/* Emits ALU or ALU64 instruction 'insn'. */
static void
emit_alu(struct jit *j, const struct bpf_interp_insn *insn)
{
    uint8_t op = insn->opcode;
    bool w = EBPF_CLASS(op) == EBPF_CLS_ALU64;
    bool k = EBPF_SRC(op) == EBPF_SRC_K;
    int dst = reg_map[insn->dst];
    int src = reg_map[insn->src];
    int32_t imm = insn->imm;
    int ext;

    switch (EBPF_OP(op)) {
    case EBPF_ALU_ADD:
        ext = 0;
        goto group1;
    case EBPF_ALU_OR:
        ext = 1;
        goto group1;
    case EBPF_ALU_AND:
        ext = 4;
        goto group1;
    case EBPF_ALU_SUB:
        ext = 5;
        goto group1;
    case EBPF_ALU_XOR:
        ext = 6;
    group1:
        if (k) {
            emit_alu_imm(j, w, ext, dst, imm);
        } else {
            emit_rr(j, w, 0x01 | ext << 3, 1, src, dst);
        }
        break;

    case EBPF_ALU_MUL:
        if (k) {
            emit_rr(j, w, 0x69, 1, dst, dst);
            emit4(j, imm);
        } else {
            emit_rr(j, w, 0x0faf, 2, dst, src);
        }
        break;

    case EBPF_ALU_DIV:
    case EBPF_ALU_MOD:
        if (k) {
            emit_mov_imm64(j, R11, w ? (uint64_t) (int64_t) imm
                                     : (uint32_t) imm);
        } else {
            emit_mov_rr(j, w, R11, src);
        }
        emit_divmod(j, w, EBPF_OP(op) == EBPF_ALU_MOD, dst);
        break;

    case EBPF_ALU_LSH:
    case EBPF_ALU_RSH:
    case EBPF_ALU_ARSH:
        ext = (EBPF_OP(op) == EBPF_ALU_LSH ? 4
               : EBPF_OP(op) == EBPF_ALU_RSH ? 5 : 7);
        if (k && !(imm & (w ? 63 : 31))) {
            if (!w) {
                emit_mov_rr(j, false, dst, dst);
            }
        } else if (k) {
            emit_rr(j, w, 0xc1, 1, ext, dst);
            emit1(j, imm & (w ? 63 : 31));
        } else {
            emit_shift_reg(j, w, ext, dst, src);
        }
        break;

    case EBPF_ALU_NEG:
        emit_rr(j, w, 0xf7, 1, 3, dst);
        break;

    case EBPF_ALU_MOV:
        if (k) {
            emit_mov_imm64(j, dst, w ? (uint64_t) (int64_t) imm
                                     : (uint32_t) imm);
        } else {
            emit_mov_rr(j, w, dst, src);
        }
        break;

    case EBPF_ALU_END:
        if (EBPF_SRC(op) == EBPF_SRC_X) {
            /* To big endian. */
            if (imm == 16) {
                emit1(j, 0x66);
                emit_rr(j, false, 0xc1, 1, 1, dst);     /* ror dst16, 8 */
                emit1(j, 8);
                emit_rr(j, false, 0x0fb7, 2, dst, dst);
            } else {
                emit_rex(j, imm == 64, 0, dst, false);
                emit1(j, 0x0f);
                emit1(j, 0xc8 | (dst & 7));
            }
        } else if (imm == 16) {
            emit_rr(j, false, 0x0fb7, 2, dst, dst);
        } else if (imm == 32) {
            emit_mov_rr(j, false, dst, dst);
        }
        break;

    default:
        OVS_NOT_REACHED();
    }
}

/* Jumps. */

static void
emit_jmp_insn(struct jit *j, int cc, size_t target)
{
    if (cc < 0) {
        emit1(j, 0xe9);
    } else {
        emit1(j, 0x0f);
        emit1(j, 0x80 | cc);
    }
    emit4(j, 0);
    if (j->n_fixups >= j->max_fixups) {
        j->fixups = x2nrealloc(j->fixups, &j->max_fixups, sizeof *j->fixups);
    }
    j->fixups[j->n_fixups].at = j->size - 4;
    j->fixups[j->n_fixups].target = target;
    j->n_fixups++;
}

/* Emits conditional jump 'insn' at 'pc'. */
static void
emit_cond_jmp(struct jit *j, size_t pc, const struct bpf_interp_insn *insn)
{
    uint8_t op = insn->opcode;
    bool w = EBPF_CLASS(op) == EBPF_CLS_JMP;
    int dst = reg_map[insn->dst];
    int src = reg_map[insn->src];
    int32_t imm = insn->imm;
    int cc;

    if (EBPF_OP(op) == EBPF_JMP_JSET) {
        if (EBPF_SRC(op) == EBPF_SRC_K) {
            emit_rr(j, w, 0xf7, 1, 0, dst);             /* test dst, imm */
            emit4(j, imm);
        } else {
            emit_rr(j, w, 0x85, 1, src, dst);
        }
        cc = CC_NE;
    } else {
        if (EBPF_SRC(op) == EBPF_SRC_K) {
            emit_alu_imm(j, w, 7, dst, imm);            /* cmp dst, imm */
        } else {
            emit_rr(j, w, 0x39, 1, src, dst);           /* cmp dst, src */
        }
        switch (EBPF_OP(op)) {
        case EBPF_JMP_JEQ:
            cc = CC_E;
            break;
        case EBPF_JMP_JNE:
            cc = CC_NE;
            break;
        case EBPF_JMP_JGT:
            cc = CC_A;
            break;
        case EBPF_JMP_JGE:
            cc = CC_AE;
            break;
        case EBPF_JMP_JLT:
            cc = CC_B;
            break;
        case EBPF_JMP_JLE:
            cc = CC_BE;
            break;
        case EBPF_JMP_JSGT:
            cc = CC_G;
            break;
        case EBPF_JMP_JSGE:
            cc = CC_GE;
            break;
        case EBPF_JMP_JSLT:
            cc = CC_L;
            break;
        case EBPF_JMP_JSLE:
            cc = CC_LE;
            break;
        default:
            OVS_NOT_REACHED();
        }
    }
    emit_jmp_insn(j, cc, pc + 1 + insn->offset);
}

/* Returns true if the state 's' before a call proves r1 one of the
 * program's maps and r2 a pointer to a whole key on the stack. */
static bool
map_key_proven(const struct jit *j, const struct astate *s)
{
    const struct aval *map = &s->r[1];
    const struct aval *key = &s->r[2];

    if (j->all_checks || map->kind != AV_MAP || key->kind != AV_STACK) {
        return false;
    }
    int64_t key_size = ebpf_map_key_size(j->prog->maps[map->map]);
    return key->off >= -EBPF_STACK_SIZE && key->off + key_size <= 0;
}

/* Emits map_lookup_elem() of array map 'map', which the state before the
 * call proved r1, with a key that it proved on the stack (r2), inline, as
 * ebpf_map_lookup() does it: rax = the value at index *(u32 *) r2, or 0
 * past the end.  The value is recorded as the run's map value, as the
 * helper records it. */
static void
emit_array_lookup(struct jit *j, const struct ebpf_map *map)
{
    size_t stride;
    uint8_t *values = ebpf_map_array(map, &stride);

    BUILD_ASSERT(sizeof(struct bpf_interp_region) == 16);
    emit_rm(j, 0, false, 0x8b, 1, R11, RSI, 0, false);  /* mov r11d, [rsi] */
    emit_rr(j, false, 0x31, 1, RAX, RAX);               /* xor eax, eax */
    emit_alu_imm(j, false, 7, R11, ebpf_map_max_entries(map));
    size_t past_end = emit_jcc8(j, CC_AE);
    emit_rr(j, true, 0x69, 1, R11, R11);                /* imul r11, imm */
    emit4(j, stride);
    emit_mov_imm64(j, RAX, (uintptr_t) values);
    emit_rr(j, true, 0x01, 1, R11, RAX);                /* add rax, r11 */

    /* regions[n_regions++] = { rax, value_size }. */
    emit_rm(j, 0, true, 0x8b, 1, R10, RSP, FRAME_RUN, false);
    emit_rm(j, 0, true, 0x8b, 1, R9, R10,
            offsetof(struct jit_run, areas.n_regions), false);
    emit_mov_rr(j, true, R11, R9);
    emit_rr(j, true, 0xc1, 1, 4, R11);                  /* shl r11, 4 */
    emit1(j, 4);
    emit_rm(j, 0, true, 0x03, 1, R11, R10,
            offsetof(struct jit_run, areas.regions), false);
    emit_rm(j, 0, true, 0x89, 1, RAX, R11, 0, false);
    emit_rm(j, 0, true, 0xc7, 1, 0, R11, 8, false);
    emit4(j, ebpf_map_value_size(map));
    emit_alu_imm(j, true, 0, R9, 1);
    emit_rm(j, 0, true, 0x89, 1, R9, R10,
            offsetof(struct jit_run, areas.n_regions), false);
    patch8_here(j, past_end);
}

/* Returns the registers (bit i: ri) that helper 'id' may read memory
 * through (bpf_trace_printk's r3..r5 only for "%s" and the like). */
static unsigned int
helper_mem_args(int32_t id)
{
    switch (id) {
    case EBPF_FUNC_map_lookup_elem:
    case EBPF_FUNC_map_delete_elem:
        return 1u << 2;
    case EBPF_FUNC_map_update_elem:
        return 1u << 2 | 1u << 3;
    case EBPF_FUNC_csum_diff:
        return 1u << 1 | 1u << 3;
    case EBPF_FUNC_trace_printk:
    case EBPF_FUNC_trace_vprintk:
        return 0x3e;
    default:
        return 0;
    }
}

/* Emits a call to helper 'id', with 's' the state before it. */
static void
emit_call(struct jit *j, size_t pc, int32_t id, const struct astate *s)
{
    uint64_t (*fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                   struct bpf_interp_areas *) = NULL;
    uint64_t (*fn0)(void) = NULL;
    bool can_fault = true;

    /* Helpers read memory that their arguments point to, maybe on the
     * stack, which the interpreter's run starts zeroed: the prologue zeroes
     * the stack from there up, or all of it if the pointer may be anywhere
     * in it (a null, packet or map value pointer cannot be). */
    unsigned int mem_args = helper_mem_args(id);
    for (int i = 1; i <= 5; i++) {
        uint8_t kind = s->r[i].kind;

        if (!(mem_args & (1u << i))) {
            continue;
        } else if (kind == AV_STACK && id != EBPF_FUNC_trace_printk
                   && id != EBPF_FUNC_trace_vprintk) {
            int *depth = &j->func_depth[j->cur_func];

            *depth = MIN(*depth, MAX(s->r[i].off, -EBPF_STACK_SIZE));
        } else if (kind != AV_ZERO && kind != AV_PKT
                   && kind != AV_PKT_OR_NULL && kind != AV_MAPVAL) {
            j->has_checked = true;
        }
    }

    switch (id) {
    case EBPF_FUNC_map_lookup_elem:
        if (map_key_proven(j, s) && !j->prog->may_repeat
            && ebpf_map_type(j->prog->maps[s->r[1].map])
               == EBPF_MAP_TYPE_ARRAY) {
            emit_array_lookup(j, j->prog->maps[s->r[1].map]);
            return;
        } else if (map_key_proven(j, s)) {
            fn = (j->prog->may_repeat ? jit_map_lookup_proven_repeat
                  : jit_map_lookup_proven);
            can_fault = false;
        } else {
            fn = bpf_interp_map_lookup;
        }
        break;
    case EBPF_FUNC_map_update_elem:
        fn = bpf_interp_map_update;
        break;
    case EBPF_FUNC_map_delete_elem:
        fn = bpf_interp_map_delete;
        break;
    case EBPF_FUNC_ktime_get_ns:
        fn0 = bpf_interp_ktime_get_ns;
        break;
    case EBPF_FUNC_get_prandom_u32:
        fn0 = bpf_interp_get_prandom_u32;
        break;
    case EBPF_FUNC_trace_printk:
        fn = bpf_interp_trace_printk;
        break;
    case EBPF_FUNC_get_smp_processor_id:
        fn0 = bpf_interp_get_smp_processor_id;
        break;
    case EBPF_FUNC_csum_diff:
        fn = bpf_interp_csum_diff;
        break;
    case EBPF_FUNC_xdp_adjust_head:
        fn = jit_xdp_adjust_head;
        break;
    case EBPF_FUNC_xdp_adjust_tail:
        fn = jit_xdp_adjust_tail;
        break;
    case EBPF_FUNC_ktime_get_boot_ns:
        fn0 = bpf_interp_ktime_get_boot_ns;
        break;
    case EBPF_FUNC_trace_vprintk:
        fn = bpf_interp_trace_vprintk;
        break;
    default:
        OVS_NOT_REACHED();
    }

    if (fn) {
        emit_rm(j, 0, true, 0x8b, 1, R9, RSP, FRAME_RUN, false);
        emit_mov_imm64(j, R11, (uintptr_t) fn);
    } else {
        emit_mov_imm64(j, R11, (uintptr_t) fn0);
    }
    emit_rr(j, false, 0xff, 1, 2, R11);                 /* call r11 */
    if (fn && can_fault) {
        /* mov r11, [rsp + FRAME_RUN]; cmp qword [r11 + fault], 0. */
        emit_rm(j, 0, true, 0x8b, 1, R11, RSP, FRAME_RUN, false);
        emit_rm(j, 0, true, 0x83, 1, 7, R11,
                RUN_FAULT, false);
        emit1(j, 0);
        size_t ok = emit_jcc8(j, CC_E);
        emit_rm(j, 0, true, 0xc7, 1, 0, R11,
                offsetof(struct jit_run, fault_pc), false);
        emit4(j, pc);
        emit_jmp_fault(j);
        patch8_here(j, ok);
    }
}

/* Prologue, epilogue, thunks. */

static const int callee_saved[] = { RBP, RBX, R12, R13, R14, R15 };

static void
emit_push(struct jit *j, int reg)
{
    emit_rex(j, false, 0, reg, false);
    emit1(j, 0x50 | (reg & 7));
}

static void
emit_pop(struct jit *j, int reg)
{
    emit_rex(j, false, 0, reg, false);
    emit1(j, 0x58 | (reg & 7));
}

/* Emits the zeroing of the stack of the frame that rbp points to, from
 * 'depth' (<= 0) up. */
static void
emit_zero_stack(struct jit *j, int depth)
{
    if (depth < 0) {
        emit1(j, 0x66);
        emit_rr(j, false, 0x0fef, 2, 0, 0);             /* pxor xmm0, xmm0 */
        for (int ofs = -ROUND_UP(-depth, 16); ofs < 0; ofs += 16) {
            emit1(j, 0x66);
            emit_rm(j, 0, false, 0x0f7f, 2, 0, RBP, ofs, false);
        }
    }
}

/* Returns the bytes the prologue reserves below the pushed registers. */
static int
frame_size(const struct jit *j)
{
    return j->n_funcs > 1 ? FRAME_SIZE_CALLS : FRAME_SIZE;
}

/* Emits the prologue, with the window parts 'win_used' and zeroing the
 * program's stack from 'depth' (<= 0) up. */
static void
emit_prologue(struct jit *j, uint8_t win_used, int depth)
{
    for (size_t i = 0; i < ARRAY_SIZE(callee_saved); i++) {
        emit_push(j, callee_saved[i]);
    }
    emit_rr(j, true, 0x81, 1, 5, RSP);                  /* sub rsp, SIZE */
    emit4(j, frame_size(j));
    emit_rm(j, 0, true, 0x89, 1, RSP, RDI,
            RUN_STACK, false);
    emit_rm(j, 0, true, 0x89, 1, RDI, RSP, FRAME_RUN, false);
    /* Copy the packet pointers, and the parts of the window that the code
     * uses, into the frame: words 'pkt', 'pkt_end', 'win_base[2]',
     * 'win_lim[2][4]' of the run. */
    for (int i = 0; i < 12; i++) {
        bool copy;

        if (i < 2) {
            copy = true;
        } else if (i < 4) {
            copy = (win_used >> (4 * (i - 2))) & 0xf;
        } else {
            copy = win_used & (1u << (i - 4));
        }
        if (copy) {
            emit_rm(j, 0, true, 0x8b, 1, RAX, RDI,
                    offsetof(struct jit_run, pkt) + 8 * i, false);
            emit_rm(j, 0, true, 0x89, 1, RAX, RSP, FRAME_PKT + 8 * i, false);
        }
    }
    emit_lea(j, RBP, RSP, EBPF_STACK_SIZE);
    /* Zero the part of the stack that the program may use. */
    emit_zero_stack(j, depth);
    emit_rr(j, false, 0x31, 1, R12, R12);
    emit_lea(j, RDI, RDI, offsetof(struct jit_run, ctx));
    static const int zero[] = { RAX, RSI, RDX, RCX, R8, RBX, R13, R14, R15 };
    for (size_t i = 0; i < ARRAY_SIZE(zero); i++) {
        emit_rr(j, false, 0x31, 1, zero[i], zero[i]);
    }
}

/* Emits a fault with static reason 'reason' at instruction 'pc'. */
static void
emit_fault(struct jit *j, size_t pc, const char *reason)
{
    emit_rm(j, 0, true, 0x8b, 1, R11, RSP, FRAME_RUN, false);
    emit_mov_imm64(j, R9, (uintptr_t) reason);
    emit_rm(j, 0, true, 0x89, 1, R9, R11, RUN_FAULT, false);
    emit_rm(j, 0, true, 0xc7, 1, 0, R11, offsetof(struct jit_run, fault_pc),
            false);
    emit4(j, pc);
    emit_jmp_fault(j);
}

/* Registers that a BPF function preserves for its caller, other than
 * r10 (rbp): r6-r9. */
static const int bpf_callee_saved[] = { RBX, R13, R14, R15 };

/* Emits the entry of function 'f' (not the program), which a call reaches
 * with its return address pushed: a new frame (see FRAME_STRIDE), and its
 * stack zeroed from 'depth' up.  The interpreter's checks look at the
 * run's count of frames; a call beyond EBPF_MAX_CALL_FRAMES faults. */
static void
emit_func_entry(struct jit *j, size_t f, int depth)
{
    emit_pop(j, R11);
    emit_rm(j, 0, true, 0x8b, 1, R10, RSP, FRAME_RUN, false);
    emit_rm(j, 0, true, 0x8b, 1, R9, R10, RUN_N_FRAMES, false);
    emit_alu_imm(j, true, 7, R9, EBPF_MAX_CALL_FRAMES);  /* cmp r9, MAX */
    size_t ok = emit_jcc8(j, CC_B);
    emit_fault(j, j->func_start[f], "call stack too deep");
    patch8_here(j, ok);
    emit_alu_imm(j, true, 0, R9, 1);
    emit_rm(j, 0, true, 0x89, 1, R9, R10, RUN_N_FRAMES, false);
    emit_alu_imm(j, true, 0, RBP, FRAME_STRIDE);
    emit_rm(j, 0, true, 0x89, 1, R11, RBP, 0, false);
    for (size_t i = 0; i < ARRAY_SIZE(bpf_callee_saved); i++) {
        emit_rm(j, 0, true, 0x89, 1, bpf_callee_saved[i], RBP, 8 * (i + 1),
                false);
    }
    emit_zero_stack(j, depth);
}

/* Emits the return from a function (not the program): r0 as it is, the
 * caller's r6-r10 back. */
static void
emit_func_return(struct jit *j)
{
    for (size_t i = 0; i < ARRAY_SIZE(bpf_callee_saved); i++) {
        emit_rm(j, 0, true, 0x8b, 1, bpf_callee_saved[i], RBP, 8 * (i + 1),
                false);
    }
    emit_rm(j, 0, true, 0x8b, 1, R11, RBP, 0, false);
    emit_alu_imm(j, true, 5, RBP, FRAME_STRIDE);
    emit_rm(j, 0, true, 0x8b, 1, R10, RSP, FRAME_RUN, false);
    emit_rm(j, 0, true, 0xff, 1, 1, R10, RUN_N_FRAMES, false); /* dec */
    emit_push(j, R11);
    emit1(j, 0xc3);
}

/* Emits the epilogue (at 'exit_at' on return), the fault unwinder (at
 * 'fault_at', with r11 = the run) and the slow thunk (at 'slow_at'). */
static void
emit_tail(struct jit *j, size_t *exit_at, size_t *fault_at, size_t *slow_at)
{
    /* Unwinder: rax = BPF_RUN_FAULT, rsp as in the body. */
    *fault_at = j->size;
    emit_rm(j, 0, true, 0x8b, 1, RSP, R11,
            RUN_STACK, false);
    emit_mov_imm64(j, RAX, UINT64_MAX);

    /* Epilogue: store the count, restore, return. */
    *exit_at = j->size;
    emit_rm(j, 0, true, 0x8b, 1, R11, RSP, FRAME_RUN, false);
    emit_rm(j, 0, true, 0x89, 1, R12, R11,
            offsetof(struct jit_run, n_insns), false);
    emit_rr(j, true, 0x81, 1, 0, RSP);                  /* add rsp, SIZE */
    emit4(j, frame_size(j));
    for (int i = ARRAY_SIZE(callee_saved) - 1; i >= 0; i--) {
        emit_pop(j, callee_saved[i]);
    }
    emit1(j, 0xc3);

    /* Slow thunk: r10d = pc, r11 = address; returns r11 = loaded value. */
    static const int saved[SLOW_PUSHES] = { RAX, RDI, RSI, RDX, RCX, R8, R9 };
    *slow_at = j->size;
    for (int i = 0; i < SLOW_PUSHES; i++) {
        emit_push(j, saved[i]);
    }
    emit_rm(j, 0, true, 0x8b, 1, RDI, RSP, 8 * (SLOW_PUSHES + 1) + FRAME_RUN,
            false);
    emit_mov_rr(j, false, RSI, R10);
    emit_mov_rr(j, true, RDX, R11);
    emit_mov_imm64(j, RAX, (uintptr_t) jit_slow);
    emit_rr(j, false, 0xff, 1, 2, RAX);                 /* call rax */
    emit_mov_rr(j, true, R11, RAX);
    emit_rm(j, 0, true, 0x8b, 1, R10, RSP, 8 * (SLOW_PUSHES + 1) + FRAME_RUN,
            false);
    emit_rm(j, 0, true, 0x83, 1, 7, R10, RUN_FAULT,
            false);
    emit1(j, 0);
    size_t ok = emit_jcc8(j, CC_E);
    emit_mov_rr(j, true, R11, R10);
    emit1(j, 0xe9);
    emit4(j, *fault_at - (j->size + 4));
    patch8_here(j, ok);
    for (int i = SLOW_PUSHES - 1; i >= 0; i--) {
        emit_pop(j, saved[i]);
    }
    emit1(j, 0xc3);
}

/* Marks in 'leader' the instructions that start a basic block: jump
 * targets, those after a jump or a bpf-to-bpf call (the callee's
 * instructions count in between), and the start of each function. */
static void
find_leaders(const struct jit *j, bool *leader)
{
    const struct bpf_interp_prog *prog = j->prog;

    for (size_t f = 0; f < j->n_funcs; f++) {
        leader[j->func_start[f]] = true;
    }
    for (size_t pc = 0; pc < prog->n_insns; pc++) {
        const struct bpf_interp_insn *insn = &prog->code[pc];
        uint8_t cls = EBPF_CLASS(insn->opcode);

        if (insn->opcode == LD_IMM64) {
            pc++;
        } else if (insn->opcode == OP_CALL && insn->src) {
            if (pc + 1 < prog->n_insns) {
                leader[pc + 1] = true;
            }
        } else if ((cls == EBPF_CLS_JMP || cls == EBPF_CLS_JMP32)
                   && insn->opcode != OP_CALL) {
            if (pc + 1 < prog->n_insns) {
                leader[pc + 1] = true;
            }
            if (insn->opcode != OP_EXIT) {
                leader[pc + 1 + insn->offset] = true;
            }
        }
    }
}

/* Finds the BPF functions of 'j->prog': the program, and each target of a
 * bpf-to-bpf call, up to the next one.  Returns 0, or EOPNOTSUPP with a
 * message in '*errorp' if a jump leaves its function or execution may fall
 * from one function into the next: the verifier refuses such programs, and
 * the code emitted for a function assumes it is entered at its start only.
 * (The interpreter runs them.) */
static int
find_functions(struct jit *j, char **errorp)
{
    const struct bpf_interp_prog *prog = j->prog;
    size_t n = prog->n_insns;
    bool *start = xcalloc(n, sizeof *start);

    start[0] = true;
    for (size_t pc = 0; pc < n; pc++) {
        const struct bpf_interp_insn *insn = &prog->code[pc];

        if (insn->opcode == LD_IMM64) {
            pc++;
        } else if (insn->opcode == OP_CALL && insn->src) {
            start[pc + 1 + insn->imm] = true;
        }
    }
    j->func_start = xmalloc(n * sizeof *j->func_start);
    j->insn_func = xmalloc(n * sizeof *j->insn_func);
    j->n_funcs = 0;
    for (size_t pc = 0; pc < n; pc++) {
        if (start[pc]) {
            j->func_start[j->n_funcs++] = pc;
        }
        j->insn_func[pc] = j->n_funcs - 1;
    }
    free(start);

    for (size_t pc = 0; pc < n; pc++) {
        size_t succ[3];
        size_t n_succ = insn_successors(prog, pc, succ, false);
        size_t f = j->insn_func[pc];

        for (size_t k = 0; k < n_succ; k++) {
            if (succ[k] >= n || j->insn_func[succ[k]] != f) {
                *errorp = xasprintf("insn %"PRIuSIZE": control flow leaves "
                                    "its BPF function", pc);
                free(j->func_start);
                free(j->insn_func);
                j->func_start = NULL;
                j->insn_func = NULL;
                return EOPNOTSUPP;
            }
        }
        if (prog->code[pc].opcode == LD_IMM64) {
            pc++;
        }
    }
    j->func_depth = xmalloc(j->n_funcs * sizeof *j->func_depth);
    j->func_entry = xcalloc(j->n_funcs, sizeof *j->func_entry);
    return 0;
}

/* Emits a check that stops the run with a fault after
 * BPF_INTERP_MAX_RUN_INSNS instructions, before the jump of 'pc' back to
 * 'target' (a loop), as the interpreter does. */
static void
emit_loop_check(struct jit *j, size_t pc, size_t target)
{
    if (target <= pc) {
        emit_alu_imm(j, true, 7, R12, BPF_INTERP_MAX_RUN_INSNS);
        size_t ok = emit_jcc8(j, CC_BE);
        emit_fault(j, pc, "too many instructions executed (a loop?)");
        patch8_here(j, ok);
    }
}

/* Emits the code.  'win_used' and 'depths' (the zeroing of each function's
 * stack, NULL: all of it) are the values to assume for the prologue and the
 * function entries (see bpf_jit_compile()). */
static void
emit_program(struct jit *j, uint8_t win_used, const int *depths)
{
    const struct bpf_interp_prog *prog = j->prog;
    size_t n = prog->n_insns;
    bool *leader = xcalloc(n, sizeof *leader);

    j->size = 0;
    j->n_fixups = j->n_slow_calls = j->n_fault_jumps = j->n_exit_jumps = 0;
    j->n_call_fixups = 0;
    j->min_size = 0;
    j->win_used = 0;
    j->has_checked = false;
    for (size_t f = 0; f < j->n_funcs; f++) {
        j->func_depth[f] = 0;
    }

    find_leaders(j, leader);
    j->cur_func = 0;
    emit_prologue(j, win_used, depths ? depths[0] : -EBPF_STACK_SIZE);

    for (size_t pc = 0; pc < n; pc++) {
        const struct bpf_interp_insn *insn = &prog->code[pc];
        uint8_t op = insn->opcode;

        j->cur_func = j->insn_func[pc];
        if (j->cur_func && pc == j->func_start[j->cur_func]) {
            j->func_entry[j->cur_func] = j->size;
            emit_func_entry(j, j->cur_func,
                            depths ? depths[j->cur_func] : -EBPF_STACK_SIZE);
        }
        j->insn_ofs[pc] = j->size;
        if (leader[pc]) {
            /* Count the block's instructions: up to the next leader. */
            size_t count = 0;
            for (size_t q = pc; q < n; q++) {
                if (q > pc && leader[q]) {
                    break;
                }
                count++;
                uint8_t qop = prog->code[q].opcode;
                if (qop == LD_IMM64) {
                    q++;
                } else if ((EBPF_CLASS(qop) == EBPF_CLS_JMP
                            || EBPF_CLASS(qop) == EBPF_CLS_JMP32)
                           && qop != OP_CALL) {
                    break;
                }
            }
            emit_alu_imm(j, true, 0, R12, count);
        }

        switch (EBPF_CLASS(op)) {
        case EBPF_CLS_ALU:
        case EBPF_CLS_ALU64:
            emit_alu(j, insn);
            break;

        case EBPF_CLS_LD:
            emit_mov_imm64(j, reg_map[insn->dst], insn->imm);
            j->insn_ofs[++pc] = j->size;
            break;

        case EBPF_CLS_LDX:
        case EBPF_CLS_ST:
            emit_mem(j, pc, &j->states[pc]);
            break;

        case EBPF_CLS_STX:
            if (EBPF_MODE(op) == EBPF_MODE_ATOMIC) {
                emit_atomic(j, pc, &j->states[pc]);
            } else {
                emit_mem(j, pc, &j->states[pc]);
            }
            break;

        case EBPF_CLS_JMP:
        case EBPF_CLS_JMP32:
            if (op == OP_EXIT && j->cur_func) {
                emit_func_return(j);
            } else if (op == OP_EXIT) {
                emit_mov_rr(j, false, RAX, RAX);
                emit1(j, 0xe9);
                emit4(j, 0);
                push_ofs(&j->exit_jumps, &j->n_exit_jumps,
                         &j->max_exit_jumps, j->size - 4);
            } else if (op == OP_CALL && insn->src) {
                if (j->n_call_fixups >= j->max_call_fixups) {
                    j->call_fixups = x2nrealloc(j->call_fixups,
                                                &j->max_call_fixups,
                                                sizeof *j->call_fixups);
                }
                emit1(j, 0xe8);                         /* call rel32 */
                emit4(j, 0);
                j->call_fixups[j->n_call_fixups].at = j->size - 4;
                j->call_fixups[j->n_call_fixups].target
                    = j->insn_func[pc + 1 + insn->imm];
                j->n_call_fixups++;
            } else if (op == OP_CALL) {
                emit_call(j, pc, insn->imm, &j->states[pc]);
            } else if (op == OP_JA) {
                emit_loop_check(j, pc, pc + 1 + insn->offset);
                emit_jmp_insn(j, -1, pc + 1 + insn->offset);
            } else {
                emit_loop_check(j, pc, pc + 1 + insn->offset);
                emit_cond_jmp(j, pc, insn);
            }
            break;

        default:
            OVS_NOT_REACHED();
        }
    }
    free(leader);

    size_t exit_at, fault_at, slow_at;
    emit_tail(j, &exit_at, &fault_at, &slow_at);
    for (size_t i = 0; i < j->n_fixups; i++) {
        size_t at = j->fixups[i].at;
        patch4(j, at, j->insn_ofs[j->fixups[i].target] - (at + 4));
    }
    for (size_t i = 0; i < j->n_call_fixups; i++) {
        size_t at = j->call_fixups[i].at;
        patch4(j, at, j->func_entry[j->call_fixups[i].target] - (at + 4));
    }
    for (size_t i = 0; i < j->n_slow_calls; i++) {
        size_t at = j->slow_calls[i];
        patch4(j, at, slow_at - (at + 4));
    }
    for (size_t i = 0; i < j->n_fault_jumps; i++) {
        size_t at = j->fault_jumps[i];
        patch4(j, at, fault_at - (at + 4));
    }
    for (size_t i = 0; i < j->n_exit_jumps; i++) {
        size_t at = j->exit_jumps[i];
        patch4(j, at, exit_at - (at + 4));
    }
}

static void choose_window(struct bpf_jit_prog *, int dir,
                          const struct bpf_interp_prog *);

/* Returns true if this build can JIT-compile (x86-64 Linux). */
bool
bpf_jit_supported(void)
{
    return JIT_X86_64;
}

/* Compiles 'prog' (prepared by bpf_interp_prepare(), with its ranges
 * enforced if they ever will be; it must outlive the result) into
 * '*jitp'.  With 'all_checks', no access is proven safe.  Returns 0, or a
 * positive errno with a malloc'd message in '*errorp' (the program then runs
 * in the interpreter). */
int
bpf_jit_compile(const struct bpf_interp_prog *prog, bool all_checks,
                struct bpf_jit_prog **jitp, char **errorp)
{
    *jitp = NULL;
    if (!JIT_X86_64) {
        *errorp = xstrdup("the JIT supports only x86-64 Linux");
        return EOPNOTSUPP;
    }
    if (prog->n_insns > BPF_JIT_MAX_INSNS) {
        *errorp = xasprintf("program has %"PRIuSIZE" instructions (the JIT "
                            "compiles at most %d)", prog->n_insns,
                            BPF_JIT_MAX_INSNS);
        return EFBIG;
    }

    struct jit j = { .prog = prog, .all_checks = all_checks };
    int error = find_functions(&j, errorp);
    if (error) {
        return error;
    }
    j.insn_ofs = xcalloc(prog->n_insns, sizeof *j.insn_ofs);
    analyze(&j);

    /* The prologue and the function entries depend on what the body
     * needs, which the first pass finds out; the second pass emits the
     * final code.  An access that the code checks may reach the stack of
     * any frame: then every frame is zeroed whole. */
    emit_program(&j, UINT8_MAX, NULL);
    uint8_t win_used = j.win_used;
    int *depths = xmalloc(j.n_funcs * sizeof *depths);
    for (size_t f = 0; f < j.n_funcs; f++) {
        depths[f] = j.has_checked ? -EBPF_STACK_SIZE : j.func_depth[f];
    }
    emit_program(&j, win_used, depths);
    ovs_assert(j.win_used == win_used);
    free(depths);

    size_t page = getpagesize();
    size_t mem_size = ROUND_UP(j.size, page);
    void *mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        error = errno;
        *errorp = xasprintf("mmap: %s", ovs_strerror(error));
        goto out;
    }
    memcpy(mem, j.buf, j.size);
    if (mprotect(mem, mem_size, PROT_READ | PROT_EXEC)) {
        error = errno;
        *errorp = xasprintf("mprotect: %s", ovs_strerror(error));
        munmap(mem, mem_size);
        goto out;
    }

    struct bpf_jit_prog *jit = xzalloc(sizeof *jit);
    jit->interp = prog;
    jit->mem = mem;
    jit->mem_size = mem_size;
    jit->code_size = j.size;
    jit->entry = (uint64_t (*)(struct jit_run *)) mem;
    jit->min_size = j.min_size;
    jit->win_used = win_used;
    choose_window(jit, 0, prog);
    choose_window(jit, 1, prog);
    *jitp = jit;

out:
    free(j.buf);
    free(j.insn_ofs);
    free(j.fixups);
    free(j.slow_calls);
    free(j.fault_jumps);
    free(j.exit_jumps);
    free(j.states);
    free(j.dirty);
    free(j.func_start);
    free(j.insn_func);
    free(j.func_depth);
    free(j.func_entry);
    free(j.call_fixups);
    return error;
}

/* Frees 'jit' and its code. */
void
bpf_jit_destroy(struct bpf_jit_prog *jit)
{
    if (jit) {
        munmap(jit->mem, jit->mem_size);
        free(jit);
    }
}

/* Returns the size of 'jit''s machine code, in bytes. */
size_t
bpf_jit_code_size(const struct bpf_jit_prog *jit)
{
    return jit->code_size;
}

/* Returns the packet length below which 'jit' runs in the interpreter. */
size_t
bpf_jit_min_size(const struct bpf_jit_prog *jit)
{
    return jit->min_size;
}

/* Chooses, for direction 'dir' (0: reads, 1: writes), the range of 'prog'
 * that the inline checks of 'jit' test against: the widest one (the whole
 * packet if the ranges are not enforced; an empty one if there is none). */
static void
choose_window(struct bpf_jit_prog *jit, int dir,
              const struct bpf_interp_prog *prog)
{
    uint64_t start = 0, end = UINT64_MAX;

    if (prog->enforce_ranges) {
        const struct bpf_range *ranges = dir ? prog->writes : prog->reads;
        size_t n = dir ? prog->n_writes : prog->n_reads;

        end = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t e = (ranges[i].end == BPF_RANGE_UNBOUNDED
                          ? UINT64_MAX : ranges[i].end);

            if (e > ranges[i].start && e - ranges[i].start > end - start) {
                start = ranges[i].start;
                end = e;
            }
        }
    }
    jit->win_start[dir] = start;
    jit->win_end[dir] = end;
}

/* Sets the parts of the packet window of direction 'dir' that the code of
 * 'jit' uses, for the run 'r'. */
static inline void
set_window(struct jit_run *r, int dir, const struct bpf_jit_prog *jit)
{
    unsigned int used = (jit->win_used >> (4 * dir)) & 0xf;

    if (!used) {
        return;
    }

    uint64_t start = jit->win_start[dir];
    uint64_t end = MIN(jit->win_end[dir], r->areas.pkt_size);
    uint64_t span = end > start ? end - start : 0;

    r->win_base[dir] = r->pkt + start;
    for (int k = 0; k < 4; k++) {
        if (used & (1u << k)) {
            uint64_t size = UINT64_C(1) << k;

            r->win_lim[dir][k] = span >= size ? span - size + 1 : 0;
        }
    }
}

/* Runs 'jit' as bpf_interp_run() runs its program (same arguments and
 * results); packets shorter than bpf_jit_min_size() run in the
 * interpreter. */
uint64_t
bpf_jit_run(const struct bpf_jit_prog *jit, void *data, size_t size,
            const struct bpf_interp_ctx *xdp, uint64_t *n_insnsp,
            struct bpf_interp_fault *faultp)
{
    struct bpf_packet_buf buf = { .data = data, .size = size };

    return bpf_jit_run_buf(jit, &buf, false, xdp, n_insnsp, faultp);
}

/* As bpf_interp_run_buf(), for 'jit'. */
uint64_t
bpf_jit_run_buf(const struct bpf_jit_prog *jit, struct bpf_packet_buf *buf,
                bool resizable, const struct bpf_interp_ctx *xdp,
                uint64_t *n_insnsp, struct bpf_interp_fault *faultp)
{
    const struct bpf_interp_prog *prog = jit->interp;
    void *data = buf->data;
    size_t size = buf->size;

    if (size < jit->min_size || !data) {
        return bpf_interp_run_buf(prog, buf, resizable, xdp, n_insnsp,
                                  faultp);
    }

    struct bpf_interp_region local_regions[16];
    struct jit_run r;

    r.areas.prog = prog;
    r.areas.pkt = (uintptr_t) data;
    r.areas.pkt_size = size;
    r.areas.headroom = buf->headroom;
    r.areas.tailroom = buf->tailroom;
    r.areas.resizable = resizable;
    r.areas.ctx = (uintptr_t) r.ctx;
    r.areas.xdp = xdp;
    r.areas.stack_stride = FRAME_STRIDE;
    r.areas.n_frames = 1;
    bpf_interp_regions_init(&r.areas, local_regions,
                            ARRAY_SIZE(local_regions), prog->n_lookups);
    r.areas.fault = NULL;
    r.pkt = (uintptr_t) data;
    r.pkt_end = r.pkt + size;
    r.fault_pc = 0;
    r.n_insns = 0;
    r.jit = jit;
    /* The code uses the address of 'r.ctx', never its contents.  The fields
     * are read with one 4-byte load each, as callers store them: a compiler
     * merges two adjacent loads into one 8-byte load, which the processor
     * cannot forward from two 4-byte stores, and that stall cost about a
     * dozen cycles on every run (perf on the PMD thread: 3 % of its time
     * with a noop program on dpdk ports). */
    if (xdp) {
        r.ingress_ifindex = *(const volatile uint32_t *) &xdp->ingress_ifindex;
        r.rx_queue_index = *(const volatile uint32_t *) &xdp->rx_queue_index;
    } else {
        r.ingress_ifindex = r.rx_queue_index = 0;
    }
    if (jit->win_used) {
        set_window(&r, 0, jit);
        set_window(&r, 1, jit);
    }

    uint64_t ret = jit->entry(&r);

    bpf_interp_regions_destroy(&r.areas);
    *n_insnsp += r.n_insns;
    bpf_interp_buf_update(buf, &r.areas);
    if (ret == BPF_RUN_FAULT && faultp) {
        faultp->pc = r.fault_pc;
        faultp->reason = r.areas.fault;
    }
    return ret;
}
