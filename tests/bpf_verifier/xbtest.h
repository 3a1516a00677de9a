/* Helpers for the verifier test programs in this folder.
 *
 * Every program is an XDP program named "prog" in section "xdp", compiled
 * by clang -O2 -g -target bpf -mcpu=v3, so that both the OVS runtime and the
 * Linux kernel (bpftool prog load ... type xdp) can load it.  Programs that
 * need exact instruction sequences are written in BPF assembly with
 * ASM_PROG(); encodings the assembler refuses are written with RAW(). */

#ifndef XBTEST_H
#define XBTEST_H 1

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* An XDP program "prog" whose body is the BPF assembly 'BODY'. */
#define ASM_PROG(BODY)                                  \
    asm(".pushsection xdp, \"ax\", @progbits\n"         \
        ".globl prog\n"                                 \
        ".type prog, @function\n"                       \
        "prog:\n"                                       \
        BODY                                            \
        ".size prog, .-prog\n"                          \
        ".popsection\n")

/* A BPF function "NAME" in .text whose body is the BPF assembly 'BODY',
 * for a program to call ("call NAME": a bpf-to-bpf call, relocated as
 * libbpf relocates calls to static functions). */
#define ASM_FUNC(NAME, BODY)                            \
    asm(".pushsection .text, \"ax\", @progbits\n"      \
        ".type " #NAME ", @function\n"                  \
        #NAME ":\n"                                     \
        BODY                                            \
        ".size " #NAME ", .-" #NAME "\n"                 \
        ".popsection\n")

/* One raw instruction: opcode, registers (src << 4 | dst), offset, imm. */
#define RAW(OP, REGS, OFF, IMM) \
    ".byte " #OP ", " #REGS "\n.short " #OFF "\n.long " #IMM "\n"

/* The usual prologue of assembly programs: r2 = data, r3 = data_end. */
#define LOAD_PKT                                        \
    "r2 = *(u32 *)(r1 + 0)\n"                           \
    "r3 = *(u32 *)(r1 + 4)\n"

/* A one-element array map with an 8-byte value, for assembly programs
 * ("r1 = counts ll"). */
#define COUNTS_MAP                                      \
    struct {                                            \
        __uint(type, BPF_MAP_TYPE_ARRAY);               \
        __type(key, __u32);                             \
        __type(value, __u64);                           \
        __uint(max_entries, 1);                         \
    } counts SEC(".maps")

#define LICENSE char _license[] SEC("license") = "GPL"

/* 16 independent tests of packet bytes [16, 32) (the packet must have been
 * checked to hold them) that set bits of 'FLAGS'.  A program that later
 * compares FLAGS makes its value matter, so its 2^16 paths cannot prune
 * each other in OVS: its precise pass runs out of budget and the merging
 * pass verifies the program.  The "merge" cases use it. */
#define MERGE_FLAG(D, FLAGS, I)                 \
    if ((D)[16 + (I)] == (I)) {                 \
        (FLAGS) |= 1u << (I);                   \
    }
#define MERGE_FLAGS(D, FLAGS)                                           \
    MERGE_FLAG(D, FLAGS, 0) MERGE_FLAG(D, FLAGS, 1)                     \
    MERGE_FLAG(D, FLAGS, 2) MERGE_FLAG(D, FLAGS, 3)                     \
    MERGE_FLAG(D, FLAGS, 4) MERGE_FLAG(D, FLAGS, 5)                     \
    MERGE_FLAG(D, FLAGS, 6) MERGE_FLAG(D, FLAGS, 7)                     \
    MERGE_FLAG(D, FLAGS, 8) MERGE_FLAG(D, FLAGS, 9)                     \
    MERGE_FLAG(D, FLAGS, 10) MERGE_FLAG(D, FLAGS, 11)                   \
    MERGE_FLAG(D, FLAGS, 12) MERGE_FLAG(D, FLAGS, 13)                   \
    MERGE_FLAG(D, FLAGS, 14) MERGE_FLAG(D, FLAGS, 15)

/* Makes 'FLAGS' matter to OVS (see MERGE_FLAGS) and returns.  OVS counts
 * any value stored to the stack as one that matters; the kernel's
 * precision tracking knows better, and prunes the paths. */
#define MERGE_RETURN(FLAGS)                     \
    do {                                        \
        volatile __u32 sink_[1];                \
                                                \
        sink_[0] = (FLAGS);                     \
        return XDP_PASS;                        \
    } while (0)

/* A copy of register 'SRC' into 'DST' that the compiler cannot see
 * through (a "mov" the verifier sees as a copy). */
#define COPY(DST, SRC) asm volatile("%0 = %1" : "=r"(DST) : "r"(SRC))

/* Hides 'X' from the compiler's value tracking. */
#define OPAQUE(X) asm volatile("" : "+r"(X))

#endif /* xbtest.h */
