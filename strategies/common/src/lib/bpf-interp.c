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
#include "bpf-interp.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "bpf.h"
#include "bpf-map.h"
#include "openvswitch/util.h"
#include "random.h"
#include "util.h"

/* Opcodes that the run loop handles specially. */
#define LD_IMM64 (EBPF_CLS_LD | EBPF_SIZE_DW | EBPF_MODE_IMM)

/* The handler of jumps backwards (an opcode that no instruction has: a
 * jump with operation 0xe0). */
#define OP_LOOP_CHECK (EBPF_CLS_JMP | 0xe0)
#define OP_CALL (EBPF_CLS_JMP | EBPF_JMP_CALL)
#define OP_EXIT (EBPF_CLS_JMP | EBPF_JMP_EXIT)
#define OP_JA (EBPF_CLS_JMP | EBPF_JMP_JA)

/* Atomic operations in 'imm' (without EBPF_ATOMIC_FETCH). */
#define ATOMIC_ADD EBPF_ALU_ADD
#define ATOMIC_OR EBPF_ALU_OR
#define ATOMIC_AND EBPF_ALU_AND
#define ATOMIC_XOR EBPF_ALU_XOR


/* Returns true if the runtime provides helper number 'imm'. */
static bool
is_helper(int32_t imm)
{
    switch (imm) {
    case EBPF_FUNC_map_lookup_elem:
    case EBPF_FUNC_map_update_elem:
    case EBPF_FUNC_map_delete_elem:
    case EBPF_FUNC_ktime_get_ns:
    case EBPF_FUNC_get_prandom_u32:
    case EBPF_FUNC_trace_printk:
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

/* Returns NULL if 'target' is a valid jump target in a program of 'n'
 * instructions, otherwise a reason.  'second_half[i]' is true if instruction
 * 'i' is the second half of an ld_imm64. */
static const char *
check_jump(const bool *second_half, size_t n, int64_t target)
{
    if (target < 0 || target >= (int64_t) n) {
        return "jump out of range";
    } else if (second_half[target]) {
        return "jump into the middle of ld_imm64";
    }
    return NULL;
}

/* Stores in 'succ' the successors of structurally valid instruction 'pc' and
 * returns their number (0 to 2). */
static size_t
successors(const struct ebpf_insn *insns, size_t pc, size_t succ[2])
{
    uint8_t op = insns[pc].opcode;

    if (op == OP_EXIT) {
        return 0;
    } else if (op == LD_IMM64) {
        succ[0] = pc + 2;
        return 1;
    } else if (op == OP_JA) {
        succ[0] = pc + 1 + insns[pc].offset;
        return 1;
    } else if ((EBPF_CLASS(op) == EBPF_CLS_JMP
                || EBPF_CLASS(op) == EBPF_CLS_JMP32) && op != OP_CALL) {
        succ[0] = pc + 1;
        succ[1] = pc + 1 + insns[pc].offset;
        return 2;
    } else {
        succ[0] = pc + 1;
        return 1;
    }
}

/* Returns the index of an instruction that jumps back into a loop of the
 * control-flow graph of the 'n' structurally valid instructions at 'insns',
 * or SIZE_MAX if there is no loop.  Instructions after the last one can only
 * be reached by falling off the end, which check_insn() already excludes. */
static size_t
find_loop(const struct ebpf_insn *insns, size_t n)
{
    enum { WHITE, GREY, BLACK };
    uint8_t *color = xcalloc(n, sizeof *color);
    size_t *stack = xmalloc(n * sizeof *stack);
    uint8_t *next_succ = xcalloc(n, sizeof *next_succ);
    size_t depth = 0, loop = SIZE_MAX;

    stack[depth++] = 0;
    color[0] = GREY;
    while (depth && loop == SIZE_MAX) {
        size_t pc = stack[depth - 1];
        size_t succ[2];
        size_t n_succ = successors(insns, pc, succ);

        if (next_succ[pc] >= n_succ) {
            color[pc] = BLACK;
            depth--;
            continue;
        }

        size_t t = succ[next_succ[pc]++];
        if (t >= n) {
            continue;
        } else if (color[t] == GREY) {
            loop = pc;
        } else if (color[t] == WHITE) {
            color[t] = GREY;
            stack[depth++] = t;
        }
    }
    free(next_succ);
    free(stack);
    free(color);
    return loop;
}

static bool opcode_supported(uint8_t opcode);

/* Returns NULL if instruction 'pc' of 'insns' is structurally acceptable to
 * the interpreter, otherwise a reason. */
static const char *
check_insn(const struct ebpf_insn *insns, const bool *second_half, size_t n,
           size_t pc, size_t n_maps)
{
    const struct ebpf_insn *insn = &insns[pc];
    uint8_t op = insn->opcode;

    if (insn->dst >= EBPF_N_REGS || insn->src >= EBPF_N_REGS) {
        return "invalid register";
    }
    if (!opcode_supported(op)) {
        return "unknown opcode";
    }
    switch (EBPF_CLASS(op)) {
    case EBPF_CLS_ALU:
    case EBPF_CLS_ALU64:
        if (insn->offset) {
            /* Nonzero offsets select cpu v4 variants (sdiv, smod, movsx). */
            return "unsupported ALU instruction (cpu v4?)";
        }
        if (EBPF_OP(op) == EBPF_ALU_END) {
            if (EBPF_CLASS(op) == EBPF_CLS_ALU64) {
                return "unsupported bswap instruction (cpu v4?)";
            }
            if (insn->imm != 16 && insn->imm != 32 && insn->imm != 64) {
                return "invalid byte swap width";
            }
        } else if (EBPF_OP(op) > EBPF_ALU_END) {
            return "unknown ALU operation";
        } else if (EBPF_OP(op) == EBPF_ALU_NEG && EBPF_SRC(op)) {
            return "invalid negation";
        }
        return NULL;

    case EBPF_CLS_JMP:
    case EBPF_CLS_JMP32:
        if (op == OP_EXIT) {
            return NULL;
        } else if (op == OP_CALL) {
            if (insn->src == EBPF_PSEUDO_CALL) {
                int64_t target = (int64_t) pc + 1 + insn->imm;

                return (target < 0 || target >= (int64_t) n
                        ? "call out of range"
                        : second_half[target]
                        ? "call into the middle of ld_imm64" : NULL);
            } else if (insn->src) {
                return "calls to kfuncs are not supported";
            }
            return is_helper(insn->imm) ? NULL : "unknown helper";
        } else if (EBPF_OP(op) == EBPF_JMP_JA) {
            if (op != OP_JA) {
                return "unsupported jump (cpu v4?)";
            }
        } else if (EBPF_OP(op) == EBPF_JMP_CALL
                   || EBPF_OP(op) == EBPF_JMP_EXIT
                   || EBPF_OP(op) > EBPF_JMP_JSLE) {
            return "unknown jump operation";
        }
        return check_jump(second_half, n, (int64_t) pc + 1 + insn->offset);

    case EBPF_CLS_LD:
        if (op != LD_IMM64) {
            return "unsupported load (legacy packet access?)";
        }
        if (pc + 1 >= n || insns[pc + 1].opcode || insns[pc + 1].dst
            || insns[pc + 1].src || insns[pc + 1].offset) {
            return "incomplete ld_imm64";
        }
        if (insn->src == EBPF_PSEUDO_MAP_FD
            || insn->src == EBPF_PSEUDO_MAP_VALUE) {
            if (insn->imm < 0 || (size_t) insn->imm >= n_maps) {
                return "ld_imm64 refers to an unknown map";
            }
        } else if (insn->src) {
            return "unsupported ld_imm64 pseudo source";
        }
        return NULL;

    case EBPF_CLS_LDX:
    case EBPF_CLS_ST:
        return (EBPF_MODE(op) == EBPF_MODE_MEM
                ? NULL : "unsupported load or store mode");

    case EBPF_CLS_STX:
        if (EBPF_MODE(op) == EBPF_MODE_MEM) {
            return NULL;
        } else if (EBPF_MODE(op) != EBPF_MODE_ATOMIC
                   || (EBPF_SIZE(op) != EBPF_SIZE_W
                       && EBPF_SIZE(op) != EBPF_SIZE_DW)) {
            return "unsupported store mode";
        }
        switch (insn->imm) {
        case ATOMIC_ADD:
        case ATOMIC_OR:
        case ATOMIC_AND:
        case ATOMIC_XOR:
        case ATOMIC_ADD | EBPF_ATOMIC_FETCH:
        case ATOMIC_OR | EBPF_ATOMIC_FETCH:
        case ATOMIC_AND | EBPF_ATOMIC_FETCH:
        case ATOMIC_XOR | EBPF_ATOMIC_FETCH:
        case EBPF_ATOMIC_XCHG:
        case EBPF_ATOMIC_CMPXCHG:
            return NULL;
        default:
            return "unknown atomic operation";
        }

    default:
        OVS_NOT_REACHED();
    }
}

/* Makes the value of 'map' an area of every run of 'prog', if 'map' is
 * global data (an array of one entry; writable unless the program may only
 * read it), and stores in '*addrp' the address of byte 'off' of the value.
 * Returns false if 'map' is not such an array or 'off' is outside the
 * value. */
static bool
add_global(struct bpf_interp_prog *prog, struct ebpf_map *map, uint32_t off,
           uint64_t *addrp)
{
    size_t stride;
    uint8_t *value = ebpf_map_array(map, &stride);

    if (!value || ebpf_map_max_entries(map) != 1
        || off >= ebpf_map_value_size(map)) {
        return false;
    }
    *addrp = (uintptr_t) value + off;
    for (size_t i = 0; i < prog->n_globals; i++) {
        if (prog->globals[i].start == (uintptr_t) value) {
            return true;
        }
    }
    prog->globals = xrealloc(prog->globals,
                             (prog->n_globals + 1) * sizeof *prog->globals);
    prog->globals[prog->n_globals++] = (struct bpf_interp_global) {
        .start = (uintptr_t) value,
        .size = ebpf_map_value_size(map),
        .writable = !(ebpf_map_flags(map) & EBPF_MAP_F_RDONLY_PROG),
    };
    return true;
}

/* Prepares 'prog' to run the 'n_insns' instructions at 'insns' with the
 * 'n_maps' maps in 'maps' (both must outlive 'prog').  Checks, independently
 * of the verifier, what the interpreter relies on: known opcodes, registers
 * r0..r10, jumps and calls within the program, complete ld_imm64
 * instructions with valid map indexes, known helpers, and no way to fall
 * off the end.  (Loops and the depth of calls are bounded at run time.)
 *
 * Returns 0, or a positive errno and a malloc'd message "insn N: reason" in
 * '*errorp'. */
int
bpf_interp_prepare(struct bpf_interp_prog *prog,
                   const struct ebpf_insn *insns, size_t n_insns,
                   struct ebpf_map **maps, size_t n_maps, char **errorp)
{
    memset(prog, 0, sizeof *prog);
    if (!n_insns || n_insns > BPF_INTERP_MAX_INSNS) {
        *errorp = xasprintf("program has %"PRIuSIZE" instructions (1 to %u "
                            "supported)", n_insns, BPF_INTERP_MAX_INSNS);
        return EINVAL;
    }
    bool *second_half = xcalloc(n_insns, sizeof *second_half);
    for (size_t pc = 0; pc + 1 < n_insns; pc++) {
        if (insns[pc].opcode == LD_IMM64) {
            second_half[++pc] = true;
        }
    }

    const char *reason = NULL;
    size_t pc;
    for (pc = 0; pc < n_insns; pc++) {
        reason = check_insn(insns, second_half, n_insns, pc, n_maps);
        if (reason) {
            break;
        }

        size_t succ[2];
        size_t n_succ = successors(insns, pc, succ);
        if (n_succ && succ[0] >= n_insns) {
            reason = "execution falls off the end of the program";
            break;
        }
        if (insns[pc].opcode == OP_CALL && !insns[pc].src
            && insns[pc].imm == EBPF_FUNC_map_lookup_elem) {
            prog->n_lookups++;
        }
        if (insns[pc].opcode == OP_CALL && insns[pc].src) {
            prog->has_calls = true;
        }
        if (insns[pc].opcode == LD_IMM64) {
            pc++;
        }
    }
    free(second_half);
    if (reason) {
        *errorp = xasprintf("insn %"PRIuSIZE": %s", pc, reason);
        prog->n_lookups = 0;
        return EINVAL;
    }

    prog->may_repeat = (prog->has_calls
                        || find_loop(insns, n_insns) != SIZE_MAX);

    prog->code = xmalloc(n_insns * sizeof *prog->code);
    for (size_t i = 0; i < n_insns; i++) {
        const struct ebpf_insn *insn = &insns[i];
        struct bpf_interp_insn *code = &prog->code[i];

        code->opcode = insn->opcode;
        code->handler = insn->opcode;
        if (EBPF_CLASS(insn->opcode) == EBPF_CLS_JMP
            || EBPF_CLASS(insn->opcode) == EBPF_CLS_JMP32) {
            if (insn->opcode != OP_CALL && insn->opcode != OP_EXIT
                && insn->offset < 0) {
                /* A loop's jump: check the run's length there only. */
                code->handler = OP_LOOP_CHECK;
            }
        }
        code->dst = insn->dst;
        code->src = insn->src;
        code->offset = insn->offset;
        code->imm = (int64_t) insn->imm;
        if (insn->opcode == LD_IMM64 && insn->src == EBPF_PSEUDO_MAP_VALUE) {
            if (!add_global(prog, maps[insn->imm], (uint32_t) insn[1].imm,
                            &code->imm)) {
                *errorp = xasprintf("insn %"PRIuSIZE": ld_imm64 refers to "
                                    "byte %"PRIu32" of map %"PRId32", which "
                                    "is not global data", i,
                                    (uint32_t) insn[1].imm, insn->imm);
                bpf_interp_destroy(prog);
                return EINVAL;
            }
        } else if (insn->opcode == LD_IMM64) {
            code->imm = (insn->src == EBPF_PSEUDO_MAP_FD
                         ? (uintptr_t) maps[insn->imm]
                         : ((uint64_t) (uint32_t) insn->imm
                            | (uint64_t) (uint32_t) insn[1].imm << 32));
        }
    }
    prog->n_insns = n_insns;
    prog->maps = maps;
    prog->n_maps = n_maps;
    return 0;
}

/* Frees what bpf_interp_prepare() allocated for 'prog'. */
void
bpf_interp_destroy(struct bpf_interp_prog *prog)
{
    if (prog) {
        free(prog->code);
        prog->code = NULL;
        free(prog->globals);
        prog->globals = NULL;
        prog->n_globals = 0;
    }
}

/* Makes every run of 'prog' fault on a packet access outside the ranges of
 * 'verdict' (which must outlive 'prog'): reads outside 'verdict->reads',
 * writes outside 'verdict->writes'.  A sound verifier makes such faults
 * impossible, so they catch its mistakes, which would otherwise break the
 * caches that trust the verdict. */
void
bpf_interp_enforce_ranges(struct bpf_interp_prog *prog,
                          const struct bpf_verdict *verdict)
{
    prog->reads = verdict->reads;
    prog->n_reads = verdict->n_reads;
    prog->writes = verdict->writes;
    prog->n_writes = verdict->n_writes;
    prog->enforce_ranges = true;
}

/* Returns a host pointer to the 'size' bytes at BPF address 'addr' if they
 * lie within the packet (and, if the program's ranges are enforced, within
 * its read ranges, or its write ranges if 'write'), the stack or a map value
 * of this run.  Otherwise sets 'r->fault' and returns NULL. */
static inline void *
mem_ptr(struct bpf_interp_areas *r, uint64_t addr, size_t size, bool write)
{
    const struct bpf_interp_prog *prog = r->prog;
    uint64_t ofs = addr - r->pkt;

    if (OVS_LIKELY(ofs < r->pkt_size && size <= r->pkt_size - ofs)) {
        if (!bpf_interp_pkt_allowed(prog, ofs, size, write)) {
            r->fault = (write
                        ? "packet write outside the verifier's write ranges"
                        : "packet read outside the verifier's read ranges");
            return NULL;
        }
        return (void *) (uintptr_t) addr;
    }
    ofs = addr - r->stack;
    if (ofs < EBPF_STACK_SIZE && size <= EBPF_STACK_SIZE - ofs) {
        return (void *) (uintptr_t) addr;
    }
    if (r->n_frames > 1 && ofs < r->n_frames * r->stack_stride) {
        /* The stack of a frame in use (not what lies between them). */
        size_t in = ofs % r->stack_stride;

        if (in < EBPF_STACK_SIZE && size <= EBPF_STACK_SIZE - in) {
            return (void *) (uintptr_t) addr;
        }
    }
    for (size_t i = r->n_regions; i-- > 0;) {
        ofs = addr - r->regions[i].start;
        if (ofs < r->regions[i].size && size <= r->regions[i].size - ofs) {
            return (void *) (uintptr_t) addr;
        }
    }
    for (size_t i = 0; i < prog->n_globals; i++) {
        const struct bpf_interp_global *g = &prog->globals[i];

        ofs = addr - g->start;
        if (ofs < g->size && size <= g->size - ofs) {
            if (write && !g->writable) {
                r->fault = "store to read-only global data";
                return NULL;
            }
            return (void *) (uintptr_t) addr;
        }
    }
    r->fault = write ? "store out of bounds" : "load out of bounds";
    return NULL;
}

/* Loads the context field at 'addr' into '*valuep', translating 'data',
 * 'data_meta' and 'data_end' into packet pointers.  Returns false if 'addr'
 * and 'size' are not a valid context access. */
static bool
load_ctx(const struct bpf_interp_areas *r, uint64_t addr, size_t size, uint64_t *valuep)
{
    uint64_t ofs = addr - r->ctx;

    if (ofs >= EBPF_XDP_MD_SIZE || size != 4 || ofs % 4) {
        return false;
    }
    switch (ofs) {
    case EBPF_XDP_MD_DATA:
    case EBPF_XDP_MD_DATA_META:
        *valuep = r->pkt;
        return true;
    case EBPF_XDP_MD_DATA_END:
        *valuep = r->pkt + r->pkt_size;
        return true;
    case EBPF_XDP_MD_INGRESS_IFINDEX:
        *valuep = r->xdp ? r->xdp->ingress_ifindex : 0;
        return true;
    case EBPF_XDP_MD_RX_QUEUE_INDEX:
        *valuep = r->xdp ? r->xdp->rx_queue_index : 0;
        return true;
    case EBPF_XDP_MD_EGRESS_IFINDEX:
        *valuep = 0;
        return true;
    default:
        return false;
    }
}

/* Loads 'size' bytes at 'addr', zero-extended, into '*valuep'.  Returns false
 * (and sets 'r->fault') if the access is out of bounds. */
static inline bool
load(struct bpf_interp_areas *r, uint64_t addr, size_t size, uint64_t *valuep)
{
    const void *p = mem_ptr(r, addr, size, false);

    if (OVS_UNLIKELY(!p)) {
        if (addr - r->ctx < EBPF_XDP_MD_SIZE) {
            if (load_ctx(r, addr, size, valuep)) {
                r->fault = NULL;
                return true;
            }
            r->fault = "bad context access";
        }
        return false;
    }
    switch (size) {
    case 1: {
        uint8_t v;
        memcpy(&v, p, 1);
        *valuep = v;
        break;
    }
    case 2: {
        uint16_t v;
        memcpy(&v, p, 2);
        *valuep = v;
        break;
    }
    case 4: {
        uint32_t v;
        memcpy(&v, p, 4);
        *valuep = v;
        break;
    }
    default: {
        uint64_t v;
        memcpy(&v, p, 8);
        *valuep = v;
        break;
    }
    }
    return true;
}

/* Stores the low 'size' bytes of 'value' at 'addr'.  Returns false (and sets
 * 'r->fault') if the access is out of bounds. */
static inline bool
store(struct bpf_interp_areas *r, uint64_t addr, size_t size, uint64_t value)
{
    void *p = mem_ptr(r, addr, size, true);

    if (OVS_UNLIKELY(!p)) {
        return false;
    }
    switch (size) {
    case 1: {
        uint8_t v = value;
        memcpy(p, &v, 1);
        break;
    }
    case 2: {
        uint16_t v = value;
        memcpy(p, &v, 2);
        break;
    }
    case 4: {
        uint32_t v = value;
        memcpy(p, &v, 4);
        break;
    }
    default:
        memcpy(p, &value, 8);
        break;
    }
    return true;
}

/* Returns a host pointer to the 'size' bytes at 'addr' if an atomic
 * operation may access them: on the stack or in a map value, naturally
 * aligned, as in the kernel.  Otherwise sets 'r->fault' and returns NULL. */
static inline void *
atomic_ptr(struct bpf_interp_areas *r, uint64_t addr, size_t size)
{
    void *p;

    if (addr - r->pkt < r->pkt_size) {
        r->fault = "atomic access to the packet";
        return NULL;
    }
    p = mem_ptr(r, addr, size, true);
    if (!p) {
        r->fault = "atomic access out of bounds";
    } else if (addr % size) {
        r->fault = "misaligned atomic";
        p = NULL;
    }
    return p;
}

/* Executes the atomic instruction 'insn' on 'regs'.  Returns false (and sets
 * 'r->fault') on a bad access.  Atomics are allowed on the stack and on map
 * values only, naturally aligned, as in the kernel. */
static bool
atomic_op(struct bpf_interp_areas *r, const struct bpf_interp_insn *insn, uint64_t *regs)
{
    size_t size = bpf_interp_access_size(insn->opcode);
    uint64_t addr = regs[insn->dst] + insn->offset;
    bool fetch = insn->imm & EBPF_ATOMIC_FETCH;
    uint64_t src = regs[insn->src];
    uint64_t old;

    void *p = atomic_ptr(r, addr, size);
    if (!p) {
        return false;
    }

    if (size == 8) {
        uint64_t *p64 = p;

        switch (insn->imm) {
        case EBPF_ATOMIC_XCHG:
            old = __atomic_exchange_n(p64, src, __ATOMIC_SEQ_CST);
            break;
        case EBPF_ATOMIC_CMPXCHG:
            old = regs[0];
            __atomic_compare_exchange_n(p64, &old, src, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
            regs[0] = old;
            return true;
        case ATOMIC_ADD:
        case ATOMIC_ADD | EBPF_ATOMIC_FETCH:
            old = __atomic_fetch_add(p64, src, __ATOMIC_SEQ_CST);
            break;
        case ATOMIC_OR:
        case ATOMIC_OR | EBPF_ATOMIC_FETCH:
            old = __atomic_fetch_or(p64, src, __ATOMIC_SEQ_CST);
            break;
        case ATOMIC_AND:
        case ATOMIC_AND | EBPF_ATOMIC_FETCH:
            old = __atomic_fetch_and(p64, src, __ATOMIC_SEQ_CST);
            break;
        default:
            old = __atomic_fetch_xor(p64, src, __ATOMIC_SEQ_CST);
            break;
        }
    } else {
        uint32_t *p32 = p;
        uint32_t src32 = src, old32;

        switch (insn->imm) {
        case EBPF_ATOMIC_XCHG:
            old32 = __atomic_exchange_n(p32, src32, __ATOMIC_SEQ_CST);
            break;
        case EBPF_ATOMIC_CMPXCHG:
            old32 = regs[0];
            __atomic_compare_exchange_n(p32, &old32, src32, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
            regs[0] = old32;
            return true;
        case ATOMIC_ADD:
        case ATOMIC_ADD | EBPF_ATOMIC_FETCH:
            old32 = __atomic_fetch_add(p32, src32, __ATOMIC_SEQ_CST);
            break;
        case ATOMIC_OR:
        case ATOMIC_OR | EBPF_ATOMIC_FETCH:
            old32 = __atomic_fetch_or(p32, src32, __ATOMIC_SEQ_CST);
            break;
        case ATOMIC_AND:
        case ATOMIC_AND | EBPF_ATOMIC_FETCH:
            old32 = __atomic_fetch_and(p32, src32, __ATOMIC_SEQ_CST);
            break;
        default:
            old32 = __atomic_fetch_xor(p32, src32, __ATOMIC_SEQ_CST);
            break;
        }
        old = old32;
    }
    if (fetch) {
        regs[insn->src] = old;
    }
    return true;
}

/* Returns the map that 'ptr' designates, if it is one of the program's. */
static struct ebpf_map *
map_arg(const struct bpf_interp_areas *r, uint64_t ptr)
{
    for (size_t i = 0; i < r->prog->n_maps; i++) {
        if ((uintptr_t) r->prog->maps[i] == ptr) {
            return r->prog->maps[i];
        }
    }
    return NULL;
}

/* Returns the key that helper argument 'key' points to if 'ptr' is one of
 * the program's maps (stored in '*mapp') and the whole key lies in an area
 * of the run, otherwise NULL. */
static const void *
map_key_arg(struct bpf_interp_areas *r, uint64_t ptr, uint64_t key,
            struct ebpf_map **mapp)
{
    *mapp = map_arg(r, ptr);
    return *mapp ? mem_ptr(r, key, ebpf_map_key_size(*mapp), false) : NULL;
}

/* Helpers, with the arguments of the program's registers r1..r5 (the JIT's
 * code calls them directly with the areas as sixth argument).  A bad
 * argument sets 'r->fault'. */

uint64_t
bpf_interp_map_lookup(uint64_t r1, uint64_t r2, uint64_t r3 OVS_UNUSED,
                      uint64_t r4 OVS_UNUSED, uint64_t r5 OVS_UNUSED,
                      struct bpf_interp_areas *r)
{
    struct ebpf_map *map;
    const void *key = map_key_arg(r, r1, r2, &map);
    void *value;

    if (!key) {
        r->fault = "map_lookup_elem: bad map or key";
        return 0;
    }
    value = ebpf_map_lookup(map, key);
    if (value) {
        bpf_interp_add_region(r, (uintptr_t) value, ebpf_map_value_size(map));
    }
    return (uintptr_t) value;
}

/* Adds the 'size' bytes at 'start', a map value that map_lookup_elem
 * returned, to the areas of 'a''s run.  Lookups in loops or in functions
 * called more than once may add any number. */
void
bpf_interp_add_region(struct bpf_interp_areas *a, uintptr_t start,
                      size_t size)
{
    if (a->n_regions && a->regions[a->n_regions - 1].start == start) {
        return;
    }
    if (a->n_regions >= a->alloc_regions) {
        size_t alloc = MAX(16, 2 * a->alloc_regions);
        struct bpf_interp_region *regions = xmalloc(alloc * sizeof *regions);

        memcpy(regions, a->regions, a->n_regions * sizeof *regions);
        bpf_interp_regions_destroy(a);
        a->regions = regions;
        a->alloc_regions = alloc;
        a->regions_owned = true;
    }
    a->regions[a->n_regions].start = start;
    a->regions[a->n_regions].size = size;
    a->n_regions++;
}

uint64_t
bpf_interp_map_update(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                      uint64_t r5 OVS_UNUSED, struct bpf_interp_areas *r)
{
    struct ebpf_map *map;
    const void *key = map_key_arg(r, r1, r2, &map);
    const void *value = (key
                         ? mem_ptr(r, r3, ebpf_map_value_size(map), false)
                         : NULL);

    if (!key || !value) {
        r->fault = "map_update_elem: bad map, key or value";
        return 0;
    }
    return (int64_t) ebpf_map_update(map, key, value, r4);
}

uint64_t
bpf_interp_map_delete(uint64_t r1, uint64_t r2, uint64_t r3 OVS_UNUSED,
                      uint64_t r4 OVS_UNUSED, uint64_t r5 OVS_UNUSED,
                      struct bpf_interp_areas *r)
{
    struct ebpf_map *map;
    const void *key = map_key_arg(r, r1, r2, &map);

    if (!key) {
        r->fault = "map_delete_elem: bad map or key";
        return 0;
    }
    return (int64_t) ebpf_map_delete(map, key);
}

uint64_t
bpf_interp_ktime_get_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

uint64_t
bpf_interp_get_prandom_u32(void)
{
    return random_uint32();
}

/* Calls helper 'id' with arguments in regs[1..5], result in regs[0].  Returns
 * false (and sets 'r->fault') on a bad argument. */
static bool
call_helper(struct bpf_interp_areas *r, int32_t id, uint64_t *regs)
{
    switch (id) {
    case EBPF_FUNC_map_lookup_elem:
        regs[0] = bpf_interp_map_lookup(regs[1], regs[2], regs[3], regs[4],
                                        regs[5], r);
        break;
    case EBPF_FUNC_map_update_elem:
        regs[0] = bpf_interp_map_update(regs[1], regs[2], regs[3], regs[4],
                                        regs[5], r);
        break;
    case EBPF_FUNC_map_delete_elem:
        regs[0] = bpf_interp_map_delete(regs[1], regs[2], regs[3], regs[4],
                                        regs[5], r);
        break;
    case EBPF_FUNC_ktime_get_ns:
        regs[0] = bpf_interp_ktime_get_ns();
        break;
    case EBPF_FUNC_get_prandom_u32:
        regs[0] = bpf_interp_get_prandom_u32();
        break;
    case EBPF_FUNC_trace_printk:
        regs[0] = bpf_interp_trace_printk(regs[1], regs[2], regs[3], regs[4],
                                          regs[5], r);
        break;
    case EBPF_FUNC_get_smp_processor_id:
        regs[0] = bpf_interp_get_smp_processor_id();
        break;
    case EBPF_FUNC_csum_diff:
        regs[0] = bpf_interp_csum_diff(regs[1], regs[2], regs[3], regs[4],
                                       regs[5], r);
        break;
    case EBPF_FUNC_xdp_adjust_head:
        regs[0] = bpf_interp_xdp_adjust_head(regs[1], regs[2], regs[3],
                                             regs[4], regs[5], r);
        break;
    case EBPF_FUNC_xdp_adjust_tail:
        regs[0] = bpf_interp_xdp_adjust_tail(regs[1], regs[2], regs[3],
                                             regs[4], regs[5], r);
        break;
    case EBPF_FUNC_ktime_get_boot_ns:
        regs[0] = bpf_interp_ktime_get_boot_ns();
        break;
    case EBPF_FUNC_trace_vprintk:
        regs[0] = bpf_interp_trace_vprintk(regs[1], regs[2], regs[3], regs[4],
                                           regs[5], r);
        break;
    default:
        r->fault = "unknown helper";
        break;
    }
    return !r->fault;
}

/* The checks, for the JIT. */

void *
bpf_interp_mem_ptr(struct bpf_interp_areas *r, uint64_t addr, size_t size,
                   bool write)
{
    return mem_ptr(r, addr, size, write);
}

bool
bpf_interp_load(struct bpf_interp_areas *r, uint64_t addr, size_t size,
                uint64_t *valuep)
{
    return load(r, addr, size, valuep);
}

void *
bpf_interp_atomic_ptr(struct bpf_interp_areas *r, uint64_t addr, size_t size)
{
    return atomic_ptr(r, addr, size);
}

/* Returns 'x' converted to little endian and truncated to 'width' bits. */
static inline uint64_t
to_le(uint64_t x, int32_t width)
{
#ifdef WORDS_BIGENDIAN
    return (width == 16 ? __builtin_bswap16(x)
            : width == 32 ? __builtin_bswap32(x)
            : __builtin_bswap64(x));
#else
    return (width == 16 ? (uint16_t) x
            : width == 32 ? (uint32_t) x
            : x);
#endif
}

/* Returns 'x' converted to big endian and truncated to 'width' bits. */
static inline uint64_t
to_be(uint64_t x, int32_t width)
{
#ifdef WORDS_BIGENDIAN
    return (width == 16 ? (uint16_t) x
            : width == 32 ? (uint32_t) x
            : x);
#else
    return (width == 16 ? __builtin_bswap16(x)
            : width == 32 ? __builtin_bswap32(x)
            : __builtin_bswap64(x));
#endif
}

/* The opcodes that the interpreter runs, each with the label of its handler
 * in bpf_interp_run(): X(OPCODE, LABEL) for each. */
#define ALU_OPCODES(X, NAME, OP)                                        \
    X(EBPF_CLS_ALU64 | (OP) | EBPF_SRC_K, NAME##64_k)                   \
    X(EBPF_CLS_ALU64 | (OP) | EBPF_SRC_X, NAME##64_x)                   \
    X(EBPF_CLS_ALU | (OP) | EBPF_SRC_K, NAME##32_k)                     \
    X(EBPF_CLS_ALU | (OP) | EBPF_SRC_X, NAME##32_x)
#define JMP_OPCODES(X, NAME, OP)                                        \
    X(EBPF_CLS_JMP | (OP) | EBPF_SRC_K, NAME##64_k)                     \
    X(EBPF_CLS_JMP | (OP) | EBPF_SRC_X, NAME##64_x)                     \
    X(EBPF_CLS_JMP32 | (OP) | EBPF_SRC_K, NAME##32_k)                   \
    X(EBPF_CLS_JMP32 | (OP) | EBPF_SRC_X, NAME##32_x)
#define MEM_OPCODES(X, NAME, SIZE)                                      \
    X(EBPF_CLS_LDX | EBPF_MODE_MEM | (SIZE), ldx_##NAME)                \
    X(EBPF_CLS_STX | EBPF_MODE_MEM | (SIZE), stx_##NAME)                \
    X(EBPF_CLS_ST | EBPF_MODE_MEM | (SIZE), st_##NAME)
#define OPCODES(X)                                                      \
    ALU_OPCODES(X, add, EBPF_ALU_ADD)                                   \
    ALU_OPCODES(X, sub, EBPF_ALU_SUB)                                   \
    ALU_OPCODES(X, mul, EBPF_ALU_MUL)                                   \
    ALU_OPCODES(X, div, EBPF_ALU_DIV)                                   \
    ALU_OPCODES(X, mod, EBPF_ALU_MOD)                                   \
    ALU_OPCODES(X, or, EBPF_ALU_OR)                                     \
    ALU_OPCODES(X, and, EBPF_ALU_AND)                                   \
    ALU_OPCODES(X, xor, EBPF_ALU_XOR)                                   \
    ALU_OPCODES(X, lsh, EBPF_ALU_LSH)                                   \
    ALU_OPCODES(X, rsh, EBPF_ALU_RSH)                                   \
    ALU_OPCODES(X, arsh, EBPF_ALU_ARSH)                                 \
    ALU_OPCODES(X, mov, EBPF_ALU_MOV)                                   \
    X(EBPF_CLS_ALU64 | EBPF_ALU_NEG, op_neg64)                          \
    X(EBPF_CLS_ALU | EBPF_ALU_NEG, op_neg32)                            \
    X(EBPF_CLS_ALU | EBPF_ALU_END | EBPF_SRC_K, op_to_le)               \
    X(EBPF_CLS_ALU | EBPF_ALU_END | EBPF_SRC_X, op_to_be)               \
    JMP_OPCODES(X, jeq, EBPF_JMP_JEQ)                                   \
    JMP_OPCODES(X, jne, EBPF_JMP_JNE)                                   \
    JMP_OPCODES(X, jgt, EBPF_JMP_JGT)                                   \
    JMP_OPCODES(X, jge, EBPF_JMP_JGE)                                   \
    JMP_OPCODES(X, jlt, EBPF_JMP_JLT)                                   \
    JMP_OPCODES(X, jle, EBPF_JMP_JLE)                                   \
    JMP_OPCODES(X, jset, EBPF_JMP_JSET)                                 \
    JMP_OPCODES(X, jsgt, EBPF_JMP_JSGT)                                 \
    JMP_OPCODES(X, jsge, EBPF_JMP_JSGE)                                 \
    JMP_OPCODES(X, jslt, EBPF_JMP_JSLT)                                 \
    JMP_OPCODES(X, jsle, EBPF_JMP_JSLE)                                 \
    X(OP_JA, op_ja)                                                     \
    X(OP_CALL, op_call)                                                 \
    X(OP_EXIT, op_exit)                                                 \
    X(LD_IMM64, op_ld_imm64)                                            \
    MEM_OPCODES(X, b, EBPF_SIZE_B)                                      \
    MEM_OPCODES(X, h, EBPF_SIZE_H)                                      \
    MEM_OPCODES(X, w, EBPF_SIZE_W)                                      \
    MEM_OPCODES(X, dw, EBPF_SIZE_DW)                                    \
    X(EBPF_CLS_STX | EBPF_MODE_ATOMIC | EBPF_SIZE_W, op_atomic_w)       \
    X(EBPF_CLS_STX | EBPF_MODE_ATOMIC | EBPF_SIZE_DW, op_atomic_dw)

/* Returns true if bpf_interp_run() has a handler for 'opcode'. */
static bool
opcode_supported(uint8_t opcode)
{
#define CASE_TRUE(OPCODE, LABEL) case OPCODE:
    switch (opcode) {
    OPCODES(CASE_TRUE)
        return true;
    default:
        return false;
    }
#undef CASE_TRUE
}

/* Handlers of the ALU and ALU64, K and X forms of an operation, given as
 * expressions over 'a' and 'b'. */
#define ALU_HANDLERS(NAME, EXPR64, EXPR32)                              \
    NAME##64_k: {                                                       \
        uint64_t a = *dst, b = insn->imm;                               \
        *dst = (EXPR64);                                                \
        NEXT;                                                           \
    }                                                                   \
    NAME##64_x: {                                                       \
        uint64_t a = *dst, b = regs[insn->src];                         \
        *dst = (EXPR64);                                                \
        NEXT;                                                           \
    }                                                                   \
    NAME##32_k: {                                                       \
        uint32_t a = *dst, b = insn->imm;                               \
        *dst = (uint32_t) (EXPR32);                                     \
        NEXT;                                                           \
    }                                                                   \
    NAME##32_x: {                                                       \
        uint32_t a = *dst, b = regs[insn->src];                         \
        *dst = (uint32_t) (EXPR32);                                     \
        NEXT;                                                           \
    }

/* Handlers of a conditional jump, given as condition 'COND' over 'a' and 'b',
 * which have type 'T64' in the 64-bit forms and 'T32' in the 32-bit forms
 * (unsigned or signed). */
#define JMP_HANDLERS(NAME, T64, T32, COND)                              \
    NAME##64_k: {                                                       \
        T64 a = *dst, b = insn->imm;                                    \
        pc += (COND) ? insn->offset : 0;                                \
        NEXT;                                                           \
    }                                                                   \
    NAME##64_x: {                                                       \
        T64 a = *dst, b = regs[insn->src];                              \
        pc += (COND) ? insn->offset : 0;                                \
        NEXT;                                                           \
    }                                                                   \
    NAME##32_k: {                                                       \
        T32 a = *dst, b = insn->imm;                                    \
        pc += (COND) ? insn->offset : 0;                                \
        NEXT;                                                           \
    }                                                                   \
    NAME##32_x: {                                                       \
        T32 a = *dst, b = regs[insn->src];                              \
        pc += (COND) ? insn->offset : 0;                                \
        NEXT;                                                           \
    }
#define JMP_U(NAME, COND) JMP_HANDLERS(NAME, uint64_t, uint32_t, COND)
#define JMP_S(NAME, COND) JMP_HANDLERS(NAME, int64_t, int32_t, COND)

/* Handlers of the loads and stores of 'SIZE' bytes. */
#define MEM_HANDLERS(NAME, SIZE)                                        \
    ldx_##NAME:                                                         \
        if (!load(&r, regs[insn->src] + insn->offset, (SIZE), dst)) {   \
            goto fault;                                                 \
        }                                                               \
        NEXT;                                                           \
    stx_##NAME:                                                         \
        if (!store(&r, *dst + insn->offset, (SIZE), regs[insn->src])) { \
            goto fault;                                                 \
        }                                                               \
        NEXT;                                                           \
    st_##NAME:                                                          \
        if (!store(&r, *dst + insn->offset, (SIZE), insn->imm)) {       \
            goto fault;                                                 \
        }                                                               \
        NEXT;

/* Dispatch.  With GCC or clang, each handler jumps straight to the next
 * instruction's handler through a table of label addresses ("threaded
 * code"), which costs fewer instructions and predicts better than one
 * shared switch; other compilers get the switch.  Either way the opcodes are
 * the ones in OPCODES, which are the only ones bpf_interp_prepare() lets
 * through. */
#if defined(__GNUC__)
#define LABEL_ADDRESS(OPCODE, LABEL) [OPCODE] = &&LABEL,
#define DISPATCH() goto *dispatch[insn->handler]
#define DISPATCH_OPCODE() goto *dispatch[insn->opcode]
#else
#define CASE_GOTO(OPCODE, LABEL) case OPCODE: goto LABEL;
#define DISPATCH_ON(X)                                                  \
    switch (X) {                                                        \
    OPCODES(CASE_GOTO)                                                  \
    case OP_LOOP_CHECK: goto op_loop_check;                             \
    default:                                                            \
        goto unknown_opcode;                                            \
    }
#define DISPATCH() DISPATCH_ON(insn->handler)
#define DISPATCH_OPCODE() DISPATCH_ON(insn->opcode)
#endif

#define NEXT                                                            \
    insn = &insns[pc++];                                                \
    dst = &regs[insn->dst];                                             \
    n_exec++;                                                           \
    DISPATCH()

/* Runs 'prog' on the 'size' bytes of packet at 'data', which it may modify in
 * place (but not change the length of).  'xdp' supplies the context fields
 * other than the packet pointers (NULL: zeros).  Adds the number of
 * instructions executed to '*n_insnsp'.
 *
 * Returns the program's return value (r0, truncated to 32 bits as the kernel
 * does for XDP programs) or BPF_RUN_FAULT, in which case, if 'faultp' is
 * nonnull, it says where and why. */
uint64_t
bpf_interp_run(const struct bpf_interp_prog *prog, void *data, size_t size,
               const struct bpf_interp_ctx *xdp, uint64_t *n_insnsp,
               struct bpf_interp_fault *faultp)
{
    struct bpf_packet_buf buf = { .data = data, .size = size };

    return bpf_interp_run_buf(prog, &buf, false, xdp, n_insnsp, faultp);
}

/* As bpf_interp_run(), on the packet in 'buf', whose length the program may
 * change within the room of 'buf' if 'resizable': 'buf' then says where the
 * packet is after the run (also after a fault). */
uint64_t
bpf_interp_run_buf(const struct bpf_interp_prog *prog,
                   struct bpf_packet_buf *buf, bool resizable,
                   const struct bpf_interp_ctx *xdp, uint64_t *n_insnsp,
                   struct bpf_interp_fault *faultp)
{
    void *data = buf->data;
    size_t size = buf->size;
#if defined(__GNUC__)
    static const void *const dispatch[256] = {
        OPCODES(LABEL_ADDRESS)
        [OP_LOOP_CHECK] = &&op_loop_check,
    };
#endif
    /* Frame i's stack starts at i * BPF_INTERP_FRAME_STRIDE: only the
     * program's is zeroed now, each callee's when it is called. */
    uint64_t stack[EBPF_MAX_CALL_FRAMES * BPF_INTERP_FRAME_STRIDE
                   / sizeof(uint64_t)];
    struct {
        size_t ret_pc;          /* Where the call returns. */
        uint64_t saved[5];      /* The caller's r6-r10. */
    } calls[EBPF_MAX_CALL_FRAMES];
    uint32_t ctx[EBPF_XDP_MD_SIZE / sizeof(uint32_t)];
    struct bpf_interp_region local_regions[16];
    uint64_t regs[EBPF_N_REGS];
    const struct bpf_interp_insn *insns = prog->code;
    const struct bpf_interp_insn *insn;
    uint64_t n_exec = 0;
    uint64_t *dst;
    size_t pc = 0;
    struct bpf_interp_areas r = {
        .prog = prog,
        .pkt = (uintptr_t) data,
        .pkt_size = data ? size : 0,
        .headroom = data ? buf->headroom : 0,
        .tailroom = data ? buf->tailroom : 0,
        .resizable = resizable && data,
        .stack = (uintptr_t) stack,
        .stack_stride = BPF_INTERP_FRAME_STRIDE,
        .n_frames = 1,
        .ctx = (uintptr_t) ctx,
        .xdp = xdp,
    };

    bpf_interp_regions_init(&r, local_regions, ARRAY_SIZE(local_regions),
                            prog->n_lookups);
    memset(stack, 0, EBPF_STACK_SIZE);
    memset(ctx, 0, sizeof ctx);
    memset(regs, 0, sizeof regs);
    regs[1] = r.ctx;
    regs[10] = r.stack + EBPF_STACK_SIZE;

    NEXT;

    ALU_HANDLERS(add, a + b, a + b)
    ALU_HANDLERS(sub, a - b, a - b)
    ALU_HANDLERS(mul, a * b, a * b)
    ALU_HANDLERS(div, b ? a / b : 0, b ? a / b : 0)
    ALU_HANDLERS(mod, b ? a % b : a, b ? a % b : a)
    ALU_HANDLERS(or, a | b, a | b)
    ALU_HANDLERS(and, a & b, a & b)
    ALU_HANDLERS(xor, a ^ b, a ^ b)
    ALU_HANDLERS(lsh, a << (b & 63), a << (b & 31))
    ALU_HANDLERS(rsh, a >> (b & 63), a >> (b & 31))
    ALU_HANDLERS(arsh, (uint64_t) ((int64_t) a >> (b & 63)),
                 (uint32_t) ((int32_t) a >> (b & 31)))

mov64_k:
    *dst = insn->imm;
    NEXT;
mov64_x:
    *dst = regs[insn->src];
    NEXT;
mov32_k:
    *dst = (uint32_t) insn->imm;
    NEXT;
mov32_x:
    *dst = (uint32_t) regs[insn->src];
    NEXT;

op_neg64:
    *dst = -*dst;
    NEXT;
op_neg32:
    *dst = (uint32_t) -(uint32_t) *dst;
    NEXT;
op_to_le:
    *dst = to_le(*dst, insn->imm);
    NEXT;
op_to_be:
    *dst = to_be(*dst, insn->imm);
    NEXT;

    JMP_U(jeq, a == b)
    JMP_U(jne, a != b)
    JMP_U(jgt, a > b)
    JMP_U(jge, a >= b)
    JMP_U(jlt, a < b)
    JMP_U(jle, a <= b)
    JMP_U(jset, (a & b) != 0)
    JMP_S(jsgt, a > b)
    JMP_S(jsge, a >= b)
    JMP_S(jslt, a < b)
    JMP_S(jsle, a <= b)

op_ja:
    pc += insn->offset;
    NEXT;

op_loop_check:
    /* A jump backwards: the run may be looping. */
    if (OVS_UNLIKELY(n_exec > BPF_INTERP_MAX_RUN_INSNS)) {
        r.fault = "too many instructions executed (a loop?)";
        goto fault;
    }
    DISPATCH_OPCODE();

op_call:
    if (insn->src) {
        /* A BPF function, at pc + imm: a new frame. */
        uint8_t *frame;

        if (r.n_frames >= EBPF_MAX_CALL_FRAMES) {
            r.fault = "call stack too deep";
            goto fault;
        }
        calls[r.n_frames - 1].ret_pc = pc;
        memcpy(calls[r.n_frames - 1].saved, &regs[6], 5 * sizeof *regs);
        frame = (uint8_t *) stack + r.n_frames * BPF_INTERP_FRAME_STRIDE;
        memset(frame, 0, EBPF_STACK_SIZE);
        r.n_frames++;
        regs[10] = (uintptr_t) frame + EBPF_STACK_SIZE;
        pc += insn->imm;
        NEXT;
    }
    if (!call_helper(&r, insn->imm, regs)) {
        goto fault;
    }
    NEXT;

op_ld_imm64:
    *dst = insn->imm;
    pc++;
    NEXT;

    MEM_HANDLERS(b, 1)
    MEM_HANDLERS(h, 2)
    MEM_HANDLERS(w, 4)
    MEM_HANDLERS(dw, 8)

op_atomic_w:
op_atomic_dw:
    if (!atomic_op(&r, insn, regs)) {
        goto fault;
    }
    NEXT;

#if !defined(__GNUC__)
unknown_opcode:
    r.fault = "unknown opcode";
    goto fault;
#endif

op_exit:
    if (r.n_frames > 1) {
        /* Return from a BPF function. */
        r.n_frames--;
        memcpy(&regs[6], calls[r.n_frames - 1].saved, 5 * sizeof *regs);
        pc = calls[r.n_frames - 1].ret_pc;
        NEXT;
    }
    bpf_interp_regions_destroy(&r);
    *n_insnsp += n_exec;
    bpf_interp_buf_update(buf, &r);
    return (uint32_t) regs[0];

fault:
    bpf_interp_regions_destroy(&r);
    *n_insnsp += n_exec;
    bpf_interp_buf_update(buf, &r);
    if (faultp) {
        faultp->pc = insn - insns;
        faultp->reason = r.fault;
    }
    return BPF_RUN_FAULT;
}
