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

#ifndef BPF_INSN_H
#define BPF_INSN_H 1

/* The eBPF instruction set, as the Linux kernel defines it (include/uapi/
 * linux/bpf.h and bpf_common.h), with an "EBPF_" prefix so that it does not
 * clash with the kernel headers that OVS's tree carries. */

#include <stdint.h>

struct ebpf_insn {
    uint8_t opcode;
    uint8_t dst : 4;
    uint8_t src : 4;
    int16_t offset;
    int32_t imm;
};

/* Instruction classes. */
#define EBPF_CLASS(OP) ((OP) & 0x07)
#define EBPF_CLS_LD    0x00
#define EBPF_CLS_LDX   0x01
#define EBPF_CLS_ST    0x02
#define EBPF_CLS_STX   0x03
#define EBPF_CLS_ALU   0x04
#define EBPF_CLS_JMP   0x05
#define EBPF_CLS_JMP32 0x06
#define EBPF_CLS_ALU64 0x07

/* Load/store sizes and modes. */
#define EBPF_SIZE(OP)  ((OP) & 0x18)
#define EBPF_SIZE_W    0x00
#define EBPF_SIZE_H    0x08
#define EBPF_SIZE_B    0x10
#define EBPF_SIZE_DW   0x18
#define EBPF_MODE(OP)  ((OP) & 0xe0)
#define EBPF_MODE_IMM  0x00
#define EBPF_MODE_ABS  0x20
#define EBPF_MODE_IND  0x40
#define EBPF_MODE_MEM  0x60
#define EBPF_MODE_ATOMIC 0xc0

/* ALU and jump operations, and their operand source. */
#define EBPF_OP(OP)    ((OP) & 0xf0)
#define EBPF_SRC(OP)   ((OP) & 0x08)
#define EBPF_SRC_K     0x00
#define EBPF_SRC_X     0x08

#define EBPF_ALU_ADD   0x00
#define EBPF_ALU_SUB   0x10
#define EBPF_ALU_MUL   0x20
#define EBPF_ALU_DIV   0x30
#define EBPF_ALU_OR    0x40
#define EBPF_ALU_AND   0x50
#define EBPF_ALU_LSH   0x60
#define EBPF_ALU_RSH   0x70
#define EBPF_ALU_NEG   0x80
#define EBPF_ALU_MOD   0x90
#define EBPF_ALU_XOR   0xa0
#define EBPF_ALU_MOV   0xb0
#define EBPF_ALU_ARSH  0xc0
#define EBPF_ALU_END   0xd0   /* Byte swap; EBPF_SRC_X means to big endian. */

#define EBPF_JMP_JA    0x00
#define EBPF_JMP_JEQ   0x10
#define EBPF_JMP_JGT   0x20
#define EBPF_JMP_JGE   0x30
#define EBPF_JMP_JSET  0x40
#define EBPF_JMP_JNE   0x50
#define EBPF_JMP_JSGT  0x60
#define EBPF_JMP_JSGE  0x70
#define EBPF_JMP_CALL  0x80
#define EBPF_JMP_EXIT  0x90
#define EBPF_JMP_JLT   0xa0
#define EBPF_JMP_JLE   0xb0
#define EBPF_JMP_JSLT  0xc0
#define EBPF_JMP_JSLE  0xd0

/* Atomic operations (EBPF_MODE_ATOMIC, in 'imm'). */
#define EBPF_ATOMIC_FETCH   0x01
#define EBPF_ATOMIC_XCHG    (0xe0 | EBPF_ATOMIC_FETCH)
#define EBPF_ATOMIC_CMPXCHG (0xf0 | EBPF_ATOMIC_FETCH)

/* "ld_imm64" pseudo source registers. */
#define EBPF_PSEUDO_MAP_FD 1    /* 'imm' is an index into the map table. */
#define EBPF_PSEUDO_MAP_VALUE 2 /* 'imm' is an index into the map table of
                                 * a single-entry array (global data), the
                                 * second half's 'imm' an offset into its
                                 * value: the address of that byte. */

/* "call" with this source register calls the BPF function that starts at
 * instruction pc + 1 + imm (a bpf-to-bpf call). */
#define EBPF_PSEUDO_CALL 1

/* Bpf-to-bpf calls: at most this many frames at once (the program's and
 * those of the functions it calls), as the kernel's MAX_CALL_FRAMES. */
#define EBPF_MAX_CALL_FRAMES 8

#define EBPF_N_REGS 11          /* r0..r10; r10: read-only frame pointer. */
#define EBPF_STACK_SIZE 512

/* Helper functions, with the Linux kernel's numbers. */
#define EBPF_FUNC_map_lookup_elem 1
#define EBPF_FUNC_map_update_elem 2
#define EBPF_FUNC_map_delete_elem 3
#define EBPF_FUNC_ktime_get_ns 5
#define EBPF_FUNC_trace_printk 6
#define EBPF_FUNC_get_prandom_u32 7
#define EBPF_FUNC_get_smp_processor_id 8
#define EBPF_FUNC_redirect 23
#define EBPF_FUNC_csum_diff 28
#define EBPF_FUNC_xdp_adjust_head 44
#define EBPF_FUNC_redirect_map 51
#define EBPF_FUNC_xdp_adjust_tail 65
#define EBPF_FUNC_ktime_get_boot_ns 125
#define EBPF_FUNC_trace_vprintk 177

/* Map types, with the Linux kernel's numbers. */
#define EBPF_MAP_TYPE_HASH 1
#define EBPF_MAP_TYPE_ARRAY 2
#define EBPF_MAP_TYPE_PERCPU_HASH 5
#define EBPF_MAP_TYPE_PERCPU_ARRAY 6
#define EBPF_MAP_TYPE_LRU_HASH 9

/* Map flags, with the Linux kernel's values.  EBPF_MAP_F_RDONLY_PROG: the
 * program may only read the map's values (libbpf's ".rodata"). */
#define EBPF_MAP_F_NO_COMMON_LRU (1u << 1)
#define EBPF_MAP_F_RDONLY_PROG (1u << 7)

/* The XDP context (struct xdp_md): every field is a 32-bit word. */
#define EBPF_XDP_MD_DATA 0
#define EBPF_XDP_MD_DATA_END 4
#define EBPF_XDP_MD_DATA_META 8
#define EBPF_XDP_MD_INGRESS_IFINDEX 12
#define EBPF_XDP_MD_RX_QUEUE_INDEX 16
#define EBPF_XDP_MD_EGRESS_IFINDEX 20
#define EBPF_XDP_MD_SIZE 24

#endif /* bpf-insn.h */
