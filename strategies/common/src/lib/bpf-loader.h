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

#ifndef BPF_LOADER_H
#define BPF_LOADER_H 1

/* ELF loader for BPF extension programs.
 *
 * Accepts a relocatable ELF object from "clang -O2 -g -target bpf" holding
 * XDP programs, as libbpf sees them: one or more functions in sections
 * "xdp", "xdp/NAME", "xdp.frags" or, as libbpf 0.x accepted them, "xdp_NAME"
 * (several functions may share a section).  The program is chosen by its
 * function name; an object with a single program needs none.  Maps are
 * declared the way libbpf programs declare them in the BTF-defined ".maps"
 * section:
 *
 *     struct {
 *         __uint(type, BPF_MAP_TYPE_HASH);
 *         __type(key, __u32);
 *         __type(value, __u64);
 *         __uint(max_entries, 1024);
 *     } counts SEC(".maps");
 *
 * Global variables become maps as libbpf makes them: each section ".data",
 * ".data.*", ".rodata", ".rodata.*" and ".bss" is an array map of one entry,
 * named after the section, whose value is the section (initialised from the
 * object; ".bss" with zeros).  ".rodata" maps are read-only to the program
 * (EBPF_MAP_F_RDONLY_PROG) and frozen.
 *
 * Legacy "maps" sections (struct bpf_map_def) are rejected, as libbpf 1.x
 * rejects them.  So are kfuncs.  Functions of ".text" that the program calls
 * (bpf-to-bpf calls, with R_BPF_64_32 relocations) are appended to it, each
 * once, and the calls pointed at them, as libbpf does before it loads a
 * program.
 *
 * The ELF object and its BTF are parsed by libbpf (bpf_object__open_mem(),
 * which does not touch the kernel) and libelf; map references (ld_imm64 with
 * an R_BPF_64_64 relocation against a map's symbol) are rewritten into
 * ld_imm64 with src == EBPF_PSEUDO_MAP_FD and imm == the map's index in
 * 'maps', and references to global data (against a data section's symbol
 * or a variable's, plus the offset in the instruction) into ld_imm64 with
 * src == EBPF_PSEUDO_MAP_VALUE, imm == the map's index and the second
 * half's imm == the offset in its value, as the kernel takes them.  Before
 * libbpf sees the object, the ELF header and the BTF type graph are checked
 * here, because libbpf 1.1 crashes on some malformed BTF (found by
 * fuzzing).
 *
 * This header deliberately does not include bpf-verifier.h: <linux/bpf.h>,
 * which libbpf includes, also defines a "struct bpf_map_info". */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf-insn.h"

/* A map declared by the object. */
struct bpf_elf_map {
    char *name;                 /* A global data map: its section's name. */
    uint32_t type;              /* EBPF_MAP_TYPE_* (not checked here). */
    uint32_t key_size;
    uint32_t value_size;
    uint32_t max_entries;
    uint32_t flags;             /* EBPF_MAP_F_*, as libbpf sets them. */
    uint8_t *data;              /* Global data: the initial value
                                 * ('value_size' bytes), or NULL for
                                 * zeros. */
    bool frozen;                /* Frozen once initialised (".rodata"). */
};

/* A loaded object. */
struct bpf_elf {
    char *prog_name;            /* The program's function name. */
    char *section;              /* Its section, e.g. "xdp". */
    struct ebpf_insn *insns;    /* Relocated instructions. */
    size_t n_insns;
    struct bpf_elf_map *maps;
    size_t n_maps;
};

/* Largest object file accepted, in bytes. */
#define BPF_ELF_MAX_SIZE (64u << 20)

/* 'program' names the program to load (its function's name), or is NULL
 * for the only program of the object. */
int bpf_elf_load_file(const char *file, const char *program,
                      struct bpf_elf *, char **errorp);
int bpf_elf_load_mem(const void *data, size_t size, const char *name,
                     const char *program, struct bpf_elf *, char **errorp);
void bpf_elf_destroy(struct bpf_elf *);

#endif /* bpf-loader.h */
