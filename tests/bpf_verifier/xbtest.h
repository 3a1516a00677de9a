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

#endif /* xbtest.h */
