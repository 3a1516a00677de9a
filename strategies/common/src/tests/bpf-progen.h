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

#ifndef BPF_PROGEN_H
#define BPF_PROGEN_H 1

/* Random XDP programs for testing the verifier's soundness, shared by
 * "ovstest test-bpf random" and the fuzz target (header only, so that both
 * build it without changes to the build system).
 *
 * A program checks that the packet has at least K bytes, then runs a
 * sequence of random blocks: packet loads at constant offsets, scalar
 * arithmetic (64 and 32 bits) among r0 and r6..r9, copies (which link
 * scalars), conditional jumps over the next few blocks (join points),
 * spills and fills of scalars and packet pointers, packet pointers at a
 * variable offset (r5, with r4 for the bounds check against data_end) and
 * loads and stores through them.  Nothing keeps the program safe: the
 * verifier rejects many of them.  Those it accepts must run on any packet
 * without a fault, with the packet accesses inside the verdict's ranges.
 *
 * The random source is a byte string (a fuzzer's input) followed by a
 * xorshift generator seeded from it, or the generator alone. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "bpf-insn.h"
#include "util.h"

/* Largest program generated, in instructions. */
#define PROGEN_MAX_INSNS 1024

/* A source of random numbers. */
struct progen_rng {
    const uint8_t *data;        /* Bytes used first (may be NULL)... */
    size_t size;
    size_t pos;
    uint64_t state;             /* ...then xorshift64 from this state. */
    int n_scalars;              /* Scalar registers the program uses. */
};

/* Initializes 'rng' to draw from the 'size' bytes at 'data', then from a
 * generator seeded with 'seed'. */
static inline void
progen_init(struct progen_rng *rng, const uint8_t *data, size_t size,
            uint64_t seed)
{
    rng->data = data;
    rng->size = data ? size : 0;
    rng->pos = 0;
    rng->state = seed ? seed : UINT64_C(0x9e3779b97f4a7c15);
    rng->n_scalars = 5;
}

/* Returns a random 32-bit number from 'rng'. */
static inline uint32_t
progen_u32(struct progen_rng *rng)
{
    if (rng->pos + 4 <= rng->size) {
        uint32_t x;

        memcpy(&x, rng->data + rng->pos, 4);
        rng->pos += 4;
        return x;
    }
    rng->state ^= rng->state << 13;
    rng->state ^= rng->state >> 7;
    rng->state ^= rng->state << 17;
    return rng->state >> 32;
}

/* Returns a random number in [0, 'n'), 'n' > 0. */
static inline uint32_t
progen_below(struct progen_rng *rng, uint32_t n)
{
    return progen_u32(rng) % n;
}

/* Returns an instruction. */
static inline struct ebpf_insn
progen_insn(uint8_t opcode, uint8_t dst, uint8_t src, int16_t offset,
            int32_t imm)
{
    struct ebpf_insn insn;

    memset(&insn, 0, sizeof insn);
    insn.opcode = opcode;
    insn.dst = dst;
    insn.src = src;
    insn.offset = offset;
    insn.imm = imm;
    return insn;
}

/* A block of the program being generated. */
struct progen_block {
    struct ebpf_insn insns[8];
    int n;
    int skip;                   /* If > 0, insns[n - 1] is a conditional
                                 * jump over the next 'skip' blocks. */
};

/* Returns a random scalar register among the program's: r6..r9, r0. */
static inline int
progen_scalar(struct progen_rng *rng)
{
    static const int regs[] = { 6, 7, 8, 9, 0 };

    return regs[progen_below(rng, rng->n_scalars)];
}

/* Returns a random immediate: small numbers, masks, bytes, edges. */
static inline int32_t
progen_imm(struct progen_rng *rng)
{
    switch (progen_below(rng, 6)) {
    case 0: return progen_below(rng, 4);
    case 1: return progen_below(rng, 256);
    case 2: return (1 << progen_below(rng, 16)) - 1;
    case 3: return -(int32_t) progen_below(rng, 16);
    case 4: return progen_below(rng, 70000);
    default: return progen_u32(rng);
    }
}

/* Returns the opcode of a random memory access size. */
static inline uint8_t
progen_size(struct progen_rng *rng, int *bytesp)
{
    static const uint8_t sizes[] = {
        EBPF_SIZE_B, EBPF_SIZE_H, EBPF_SIZE_W, EBPF_SIZE_DW,
    };
    int i = progen_below(rng, 4);

    *bytesp = 1 << i;
    return sizes[i];
}

/* Fills 'b' with a random block for a program that proved 'k' bytes of
 * packet at r2 (r3 is data_end). */
static inline void
progen_block(struct progen_rng *rng, struct progen_block *b, int k)
{
    static const uint8_t alu_ops[] = {
        EBPF_ALU_ADD, EBPF_ALU_SUB, EBPF_ALU_MUL, EBPF_ALU_DIV, EBPF_ALU_OR,
        EBPF_ALU_AND, EBPF_ALU_LSH, EBPF_ALU_RSH, EBPF_ALU_MOD, EBPF_ALU_XOR,
        EBPF_ALU_MOV, EBPF_ALU_ARSH,
    };
    static const uint8_t jmp_ops[] = {
        EBPF_JMP_JEQ, EBPF_JMP_JGT, EBPF_JMP_JGE, EBPF_JMP_JSET,
        EBPF_JMP_JNE, EBPF_JMP_JSGT, EBPF_JMP_JSGE, EBPF_JMP_JLT,
        EBPF_JMP_JLE, EBPF_JMP_JSLT, EBPF_JMP_JSLE,
    };
    int d = progen_scalar(rng);
    int s = progen_scalar(rng);
    int slot = -8 * (1 + (int) progen_below(rng, 8));
    int bytes;
    uint8_t size;

    b->n = 0;
    b->skip = 0;
    switch (progen_below(rng, 16)) {
    case 0:
        /* A load at a constant offset within the proven length. */
        size = progen_size(rng, &bytes);
        if (k >= bytes) {
            b->insns[b->n++] = progen_insn(EBPF_CLS_LDX | EBPF_MODE_MEM
                                           | size, d, 2,
                                           progen_below(rng, k - bytes + 1),
                                           0);
        }
        break;

    case 1: {
        /* Arithmetic with an immediate. */
        uint8_t op = alu_ops[progen_below(rng, ARRAY_SIZE(alu_ops))];
        bool is64 = progen_below(rng, 2);
        int32_t imm = progen_imm(rng);

        if (op == EBPF_ALU_LSH || op == EBPF_ALU_RSH
            || op == EBPF_ALU_ARSH) {
            imm = progen_below(rng, is64 ? 64 : 32);
        } else if ((op == EBPF_ALU_DIV || op == EBPF_ALU_MOD) && !imm) {
            imm = 3;
        }
        b->insns[b->n++] = progen_insn((is64 ? EBPF_CLS_ALU64 : EBPF_CLS_ALU)
                                       | op, d, 0, 0, imm);
        break;
    }

    case 2: {
        /* Arithmetic between scalars. */
        uint8_t op = alu_ops[progen_below(rng, ARRAY_SIZE(alu_ops))];
        bool is64 = progen_below(rng, 2);

        b->insns[b->n++] = progen_insn((is64 ? EBPF_CLS_ALU64 : EBPF_CLS_ALU)
                                       | op | EBPF_SRC_X, d, s, 0, 0);
        break;
    }

    case 14:
        /* A copy on one path only: a diamond, whose two sides differ in
         * which scalars are copies of each other. */
        b->insns[b->n++] = progen_insn(EBPF_CLS_JMP | EBPF_JMP_JEQ,
                                       progen_scalar(rng), 0, 1,
                                       progen_below(rng, 4));
        /* Fall through. */
    case 3:
    case 12:
    case 13:
        /* A copy, 64 or 32 bits. */
        b->insns[b->n++] = progen_insn((progen_below(rng, 4)
                                        ? EBPF_CLS_ALU64 : EBPF_CLS_ALU)
                                       | EBPF_ALU_MOV | EBPF_SRC_X, d, s,
                                       0, 0);
        break;

    case 4:
    case 5: {
        /* A conditional jump over the next blocks. */
        uint8_t op = jmp_ops[progen_below(rng, ARRAY_SIZE(jmp_ops))];
        uint8_t cls = progen_below(rng, 3) ? EBPF_CLS_JMP : EBPF_CLS_JMP32;

        if (progen_below(rng, 3)) {
            b->insns[b->n++] = progen_insn(cls | op, d, 0, 0,
                                           progen_imm(rng));
        } else {
            b->insns[b->n++] = progen_insn(cls | op | EBPF_SRC_X, d, s, 0,
                                           0);
        }
        b->skip = 1 + progen_below(rng, 4);
        break;
    }

    case 6:
        /* Bounds a scalar. */
        b->insns[b->n++] = progen_insn(EBPF_CLS_ALU64 | EBPF_ALU_AND, d, 0, 0,
                                       (1 << progen_below(rng, 10)) - 1);
        break;

    case 7:
        /* Spills a scalar (or the variable packet pointer), 8 or 4
         * bytes. */
        if (progen_below(rng, 4) == 0) {
            b->insns[b->n++] = progen_insn(EBPF_CLS_STX | EBPF_MODE_MEM
                                           | EBPF_SIZE_DW, 10, 5, slot, 0);
        } else {
            b->insns[b->n++] = progen_insn(EBPF_CLS_STX | EBPF_MODE_MEM
                                           | (progen_below(rng, 3)
                                              ? EBPF_SIZE_DW : EBPF_SIZE_W),
                                           10, d, slot, 0);
        }
        break;

    case 8:
        /* Fills a scalar (or the variable packet pointer). */
        b->insns[b->n++] = progen_insn(EBPF_CLS_LDX | EBPF_MODE_MEM
                                       | (progen_below(rng, 3)
                                          ? EBPF_SIZE_DW : EBPF_SIZE_W),
                                       progen_below(rng, 4) ? d : 5, 10,
                                       slot, 0);
        break;

    case 9:
    case 10:
    case 15: {
        /* r5 = r2 + scalar, checked against data_end through r4, then an
         * access through r5 (or through an older r5), maybe only if some
         * scalar is small. */
        int off = progen_below(rng, 3);
        bool fresh = progen_below(rng, 4);
        bool store = progen_below(rng, 2);
        int guard = -1;

        size = progen_size(rng, &bytes);
        if (progen_below(rng, 2)) {
            guard = b->n;
            b->insns[b->n++] = progen_insn(EBPF_CLS_JMP
                                           | (progen_below(rng, 2)
                                              ? EBPF_JMP_JGT
                                              : EBPF_JMP_JSGT),
                                           s, 0, 0, progen_below(rng, 64));
            s = progen_scalar(rng);
        }
        if (fresh) {
            if (progen_below(rng, 2)) {
                b->insns[b->n++] = progen_insn(EBPF_CLS_ALU64 | EBPF_ALU_AND,
                                               d, 0, 0,
                                               (1 << progen_below(rng, 9))
                                               - 1);
            }
            b->insns[b->n++] = progen_insn(EBPF_CLS_ALU64 | EBPF_ALU_MOV
                                           | EBPF_SRC_X, 5, 2, 0, 0);
            b->insns[b->n++] = progen_insn(EBPF_CLS_ALU64 | EBPF_ALU_ADD
                                           | EBPF_SRC_X, 5, d, 0, 0);
        }
        if (progen_below(rng, 4)) {
            b->insns[b->n++] = progen_insn(EBPF_CLS_ALU64 | EBPF_ALU_MOV
                                           | EBPF_SRC_X, 4, 5, 0, 0);
            b->insns[b->n++] = progen_insn(EBPF_CLS_ALU64 | EBPF_ALU_ADD, 4,
                                           0, 0, off + bytes
                                           + progen_below(rng, 2));
            b->insns[b->n++] = progen_insn(EBPF_CLS_JMP | EBPF_JMP_JGT
                                           | EBPF_SRC_X, 4, 3, 1, 0);
        }
        if (store) {
            b->insns[b->n++] = progen_insn(EBPF_CLS_ST | EBPF_MODE_MEM | size,
                                           5, 0, off, progen_imm(rng));
        } else {
            b->insns[b->n++] = progen_insn(EBPF_CLS_LDX | EBPF_MODE_MEM
                                           | size, s, 5, off, 0);
        }
        if (guard >= 0) {
            b->insns[guard].offset = b->n - guard - 1;
        }
        break;
    }

    case 11:
        /* A store at a constant offset within the proven length. */
        size = progen_size(rng, &bytes);
        if (k >= bytes) {
            b->insns[b->n++] = progen_insn(EBPF_CLS_STX | EBPF_MODE_MEM
                                           | size, 2, d,
                                           progen_below(rng, k - bytes + 1),
                                           0);
        }
        break;
    }
}

/* Writes a random program into 'insns' (room for PROGEN_MAX_INSNS) and
 * returns its length.  Stores the number of packet bytes that its first
 * check requires in '*kp'. */
static inline size_t
progen_program(struct progen_rng *rng, struct ebpf_insn *insns, int *kp)
{
    enum { MAX_BLOCKS = 100 };
    struct progen_block blocks[MAX_BLOCKS];
    int start[MAX_BLOCKS + 1];
    int n_blocks = 4 + progen_below(rng, MAX_BLOCKS - 4);
    int k = progen_below(rng, 80);
    int i, n = 0;
    int epilogue;

    /* Fewer registers make more of them copies of each other. */
    rng->n_scalars = 2 + progen_below(rng, 4);

    /* r2 = data, r3 = data_end, scalars initialised, r5 = r2. */
    insns[n++] = progen_insn(EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_W,
                             2, 1, EBPF_XDP_MD_DATA, 0);
    insns[n++] = progen_insn(EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_W,
                             3, 1, EBPF_XDP_MD_DATA_END, 0);
    for (i = 6; i <= 9; i++) {
        insns[n++] = progen_insn(EBPF_CLS_ALU64 | EBPF_ALU_MOV, i, 0, 0,
                                 progen_imm(rng));
    }
    insns[n++] = progen_insn(EBPF_CLS_ALU64 | EBPF_ALU_MOV, 0, 0, 0, 0);
    insns[n++] = progen_insn(EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X,
                             5, 2, 0, 0);
    insns[n++] = progen_insn(EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X,
                             4, 2, 0, 0);
    insns[n++] = progen_insn(EBPF_CLS_ALU64 | EBPF_ALU_ADD, 4, 0, 0, k);
    /* The offset of this jump to the epilogue is set below. */
    insns[n++] = progen_insn(EBPF_CLS_JMP | EBPF_JMP_JGT | EBPF_SRC_X,
                             4, 3, 0, 0);

    for (i = 0; i < n_blocks; i++) {
        progen_block(rng, &blocks[i], k);
    }
    start[0] = n;
    for (i = 0; i < n_blocks; i++) {
        start[i + 1] = start[i] + blocks[i].n;
    }
    epilogue = start[n_blocks];
    insns[n - 1].offset = epilogue - n;
    for (i = 0; i < n_blocks; i++) {
        struct progen_block *b = &blocks[i];

        if (b->skip && b->n) {
            int target = start[MIN(i + 1 + b->skip, n_blocks)];

            b->insns[b->n - 1].offset = target - (start[i] + b->n);
        }
        memcpy(&insns[n], b->insns, b->n * sizeof *insns);
        n += b->n;
    }
    /* Return a scalar (w0 = r0 would also do; the value is only
     * compared). */
    insns[n++] = progen_insn(EBPF_CLS_JMP | EBPF_JMP_EXIT, 0, 0, 0, 0);
    *kp = k;
    return n;
}

/* Fills the 'size' bytes at 'pkt' with random data that often matches the
 * immediates of progen_imm(). */
static inline void
progen_packet(struct progen_rng *rng, uint8_t *pkt, size_t size)
{
    size_t i;

    for (i = 0; i < size; i++) {
        switch (progen_below(rng, 4)) {
        case 0: pkt[i] = 0; break;
        case 1: pkt[i] = progen_below(rng, 4); break;
        case 2: pkt[i] = 0xff; break;
        default: pkt[i] = progen_u32(rng); break;
        }
    }
}

#endif /* bpf-progen.h */
