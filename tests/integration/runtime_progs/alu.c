/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* alu: ALU, byte-swap and jump semantics.  Reads two 64-bit operands a and b
 * from packet bytes [0, 16), writes results of every operation at [16, 16 +
 * 8 * N), and returns a mix of comparison results.  Operations whose C form
 * is undefined (division by zero, shifts past the width) are written in
 * inline assembly, so the instruction is exactly the one under test, except
 * modulo, which clang's BPF assembler does not parse: its C form compiles to
 * the plain instruction (see the disassembly). */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define N_RESULTS 48

#define ASM_OP(DST, SRC, OP) \
    asm volatile("%0 " OP " %1" : "+r"(DST) : "r"(SRC))
#define ASM_OP32(DST, SRC, OP) \
    asm volatile("%0 " OP " %1" : "+w"(DST) : "w"(SRC))
#define ASM_UN(DST, EXPR) asm volatile(EXPR : "+r"(DST))

SEC("xdp")
int
alu(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;
    __u64 *out = (__u64 *) (data + 16);
    __u64 a, b, x;
    __u32 x32, b32;
    int i = 0;

    if (data + 16 + 8 * N_RESULTS > data_end) {
        return XDP_ABORTED;
    }
    a = *(__u64 *) data;
    b = *(__u64 *) (data + 8);
    b32 = b;

#define EMIT(V) out[i++] = (V)
#define OP64(OP) x = a; ASM_OP(x, b, OP); EMIT(x)
#define OP32(OP) x32 = a; ASM_OP32(x32, b32, OP); EMIT(x32)

    OP64("+=");
    OP64("-=");
    OP64("*=");
    OP64("/=");
    EMIT(a % b);
    OP64("|=");
    OP64("&=");
    OP64("^=");
    OP64("<<=");
    OP64(">>=");
    OP64("s>>=");
    OP32("+=");
    OP32("-=");
    OP32("*=");
    OP32("/=");
    EMIT((__u32) a % b32);
    OP32("|=");
    OP32("&=");
    OP32("^=");
    OP32("<<=");
    OP32(">>=");
    OP32("s>>=");
    x = a; ASM_UN(x, "%0 = -%0"); EMIT(x);
    x32 = a; asm volatile("%0 = -%0" : "+w"(x32)); EMIT(x32);
    x = a; ASM_UN(x, "%0 = be16 %0"); EMIT(x);
    x = a; ASM_UN(x, "%0 = be32 %0"); EMIT(x);
    x = a; ASM_UN(x, "%0 = be64 %0"); EMIT(x);
    x = a; ASM_UN(x, "%0 = le16 %0"); EMIT(x);
    x = a; ASM_UN(x, "%0 = le32 %0"); EMIT(x);
    x = a; ASM_UN(x, "%0 = le64 %0"); EMIT(x);
    x32 = b32; ASM_OP32(x32, b32, "="); EMIT(x32);
    EMIT((__s64) (__s32) a);
    EMIT((__s64) (__s16) b);
    EMIT((__s64) (__s8) a);
    x = a; ASM_UN(x, "%0 /= 7"); EMIT(x);
    EMIT(a % 0xfffffffffffffffdULL);
    EMIT((__u32) a % 0xfffffffdU);
    x = a; ASM_UN(x, "%0 += -1"); EMIT(x);
    x32 = a; asm volatile("%0 += -1" : "+w"(x32)); EMIT(x32);
    x = a; ASM_UN(x, "%0 = -5"); EMIT(x);
    x32 = a; asm volatile("%0 = -5" : "+w"(x32)); EMIT(x32);
    EMIT(((__s64) a < (__s64) b) | ((__s32) a < (__s32) b) << 1
         | (a < b) << 2 | ((__u32) a < (__u32) b) << 3
         | ((__s64) a <= -2) << 4 | ((__s32) b > -2) << 5
         | ((a & b) != 0) << 6 | (a > 0xffffffff80000000ULL) << 7);

    return ((__s64) a > (__s64) b ? 2 : 1) + ((__u32) b >= (__u32) a ? 2 : 0);
}

char _license[] SEC("license") = "GPL";
