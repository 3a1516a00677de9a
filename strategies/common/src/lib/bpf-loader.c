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
#include "bpf-loader.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bpf-helpers.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(bpf_loader);

#ifndef EM_BPF
#define EM_BPF 247
#endif

/* The opcode of the first half of an ld_imm64 instruction. */
#define LD_IMM64 (EBPF_CLS_LD | EBPF_SIZE_DW | EBPF_MODE_IMM)

/* libbpf reports problems through a global print callback.  While this
 * thread is inside bpf_elf_load_mem(), 'capture' points to a string that
 * collects libbpf's warnings for the error message; messages from other
 * threads go to the callback that was installed before (OVS's AF_XDP code
 * installs one). */
DEFINE_STATIC_PER_THREAD_DATA(struct ds *, capture, NULL);
static struct ovs_mutex print_mutex = OVS_MUTEX_INITIALIZER;
static libbpf_print_fn_t saved_print;

/* libbpf's print callback while a load runs (see 'capture' above). */
static int
capture_print(enum libbpf_print_level level, const char *format,
              va_list args)
{
    struct ds *s = *capture_get();

    if (!s) {
        return saved_print ? saved_print(level, format, args) : 0;
    }
    if (level == LIBBPF_WARN) {
        va_list copy;

        va_copy(copy, args);
        ds_clear(s);
        ds_put_format_valist(s, format, copy);
        va_end(copy);
        ds_chomp(s, '\n');
    } else if (VLOG_IS_DBG_ENABLED()) {
        vlog_valist(&this_module, VLL_DBG, format, args);
    }
    return 0;
}

/* Linux's helper names, indexed by number, from <linux/bpf.h> (whose list
 * is in the helpers' order: FN(name) in Linux 6.1's form, FN(name, number)
 * in later ones). */
#ifdef ___BPF_FUNC_MAPPER
#define HELPER_NAME(NAME, NUMBER, ...) [NUMBER] = #NAME,
#else
#define HELPER_NAME(NAME) #NAME
#endif
static const char *const helper_names[] = {
    __BPF_FUNC_MAPPER(HELPER_NAME)
};
#undef HELPER_NAME

/* Returns the Linux name of helper number 'id', or NULL (see
 * bpf-helpers.h). */
const char *
bpf_helper_name(int32_t id)
{
    return (id > 0 && id < ARRAY_SIZE(helper_names)
            ? helper_names[id] : NULL);
}

/* Frees what 'elf' holds (not 'elf' itself) and clears it. */
void
bpf_elf_destroy(struct bpf_elf *elf)
{
    if (!elf) {
        return;
    }
    for (size_t i = 0; i < elf->n_maps; i++) {
        free(elf->maps[i].name);
        free(elf->maps[i].data);
    }
    free(elf->maps);
    free(elf->insns);
    free(elf->prog_name);
    free(elf->section);
    memset(elf, 0, sizeof *elf);
}

/* Checks that 'e' is a relocatable 64-bit little-endian BPF object without a
 * legacy "maps" section.  Returns 0 or a positive errno with a message in
 * '*errorp'. */
static int
check_elf(Elf *e, char **errorp)
{
    GElf_Ehdr ehdr;
    size_t shstrndx;

    if (elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &ehdr)) {
        *errorp = xstrdup("not an ELF file");
        return EINVAL;
    }
    if (gelf_getclass(e) != ELFCLASS64
        || ehdr.e_ident[EI_DATA] != ELFDATA2LSB) {
        *errorp = xstrdup("not a 64-bit little-endian ELF object "
                          "(compile with clang -target bpf on this host)");
        return EINVAL;
    }
    if (ehdr.e_machine != EM_BPF || ehdr.e_type != ET_REL) {
        *errorp = xasprintf("not a relocatable BPF object (ELF machine %d, "
                            "type %d; expected %d and %d)",
                            (int) ehdr.e_machine, (int) ehdr.e_type,
                            EM_BPF, ET_REL);
        return EINVAL;
    }
    if (elf_getshdrstrndx(e, &shstrndx)) {
        *errorp = xasprintf("bad ELF section header string table (%s)",
                            elf_errmsg(-1));
        return EINVAL;
    }

    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(e, scn)) != NULL) {
        GElf_Shdr shdr;
        const char *name;

        if (!gelf_getshdr(scn, &shdr)
            || !(name = elf_strptr(e, shstrndx, shdr.sh_name))) {
            *errorp = xasprintf("bad ELF section header (%s)",
                                elf_errmsg(-1));
            return EINVAL;
        }
        if (!strcmp(name, "maps")) {
            *errorp = xstrdup("legacy 'maps' section (struct bpf_map_def) "
                              "is not supported: declare maps in the "
                              "BTF-defined '.maps' section, as libbpf 1.x "
                              "requires");
            return EOPNOTSUPP;
        }
    }
    return 0;
}

static Elf_Scn *find_section(Elf *, const char *name, bool code,
                             size_t *indexp);

/* Returns true if every type that BTF type 't' refers to is below 'n'. */
static bool
btf_refs_valid(const struct btf_type *t, uint32_t n)
{
    switch (btf_kind(t)) {
    case BTF_KIND_INT:
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
    case BTF_KIND_FWD:
    case BTF_KIND_FLOAT:
        return true;

    case BTF_KIND_PTR:
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_CONST:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_FUNC:
    case BTF_KIND_VAR:
    case BTF_KIND_DECL_TAG:
    case BTF_KIND_TYPE_TAG:
        return t->type < n;

    case BTF_KIND_ARRAY:
        return btf_array(t)->type < n && btf_array(t)->index_type < n;

    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: {
        const struct btf_member *m = btf_members(t);

        for (uint16_t i = 0; i < btf_vlen(t); i++) {
            if (m[i].type >= n) {
                return false;
            }
        }
        return true;
    }

    case BTF_KIND_FUNC_PROTO: {
        const struct btf_param *p = btf_params(t);

        for (uint16_t i = 0; i < btf_vlen(t); i++) {
            if (p[i].type >= n) {
                return false;
            }
        }
        return t->type < n;
    }

    case BTF_KIND_DATASEC: {
        const struct btf_var_secinfo *v = btf_var_secinfos(t);

        for (uint16_t i = 0; i < btf_vlen(t); i++) {
            if (v[i].type >= n) {
                return false;
            }
        }
        return true;
    }

    default:
        return false;
    }
}

/* Checks the ".BTF" section of 'e', if there is one: libbpf 1.1 parses it
 * but trusts the type ids it holds (it dereferences a NULL type for an id out
 * of range, found by fuzzing) and follows chains of modifiers and typedefs
 * without a limit.  Returns 0 or a positive errno with a message in
 * '*errorp'. */
static int
check_btf(Elf *e, char **errorp)
{
    size_t index;
    Elf_Scn *scn = find_section(e, ".BTF", false, &index);
    if (!scn) {
        return 0;
    }

    Elf_Data *data = elf_getdata(scn, NULL);
    if (!data || !data->d_buf || !data->d_size) {
        *errorp = xstrdup("empty or unreadable .BTF section");
        return EINVAL;
    }

    struct btf *btf = btf__new(data->d_buf, data->d_size);
    if (!btf) {
        int error = errno > 0 ? errno : EINVAL;

        *errorp = xasprintf("bad .BTF section (%s)", ovs_strerror(error));
        return error;
    }

    uint32_t n = btf__type_cnt(btf);
    int error = 0;
    for (uint32_t id = 1; id < n; id++) {
        const struct btf_type *t = btf__type_by_id(btf, id);

        if (!t || !btf_refs_valid(t, n)) {
            *errorp = xasprintf(".BTF type %"PRIu32" refers to a type that "
                                "does not exist", id);
            error = EINVAL;
            break;
        }
    }

    /* Now that every reference is valid: a chain of modifiers and typedefs
     * must end, and soon. */
    for (uint32_t id = 1; id < n && !error; id++) {
        const struct btf_type *t = btf__type_by_id(btf, id);

        for (int depth = 0; btf_is_mod(t) || btf_is_typedef(t); depth++) {
            if (depth >= 32) {
                *errorp = xasprintf(".BTF type %"PRIu32" starts a loop or "
                                    "too long a chain of modifiers", id);
                error = EINVAL;
                break;
            }
            t = btf__type_by_id(btf, t->type);
        }
    }
    btf__free(btf);
    return error;
}

/* Finds the section named 'name' that holds code, and its index.  Returns the
 * section or NULL. */
static Elf_Scn *
find_section(Elf *e, const char *name, bool code, size_t *indexp)
{
    size_t shstrndx;
    Elf_Scn *scn = NULL;

    if (elf_getshdrstrndx(e, &shstrndx)) {
        return NULL;
    }
    while ((scn = elf_nextscn(e, scn)) != NULL) {
        GElf_Shdr shdr;
        const char *s;

        if (gelf_getshdr(scn, &shdr)
            && (s = elf_strptr(e, shstrndx, shdr.sh_name))
            && !strcmp(s, name)
            && (!code || (shdr.sh_type == SHT_PROGBITS
                          && shdr.sh_flags & SHF_EXECINSTR))) {
            *indexp = elf_ndxscn(scn);
            return scn;
        }
    }
    return NULL;
}

/* Returns the index in 'elf->maps' of the map named 'name', or SIZE_MAX. */
static size_t
find_map(const struct bpf_elf *elf, const char *name)
{
    for (size_t i = 0; i < elf->n_maps; i++) {
        if (!strcmp(elf->maps[i].name, name)) {
            return i;
        }
    }
    return SIZE_MAX;
}

/* Where the program is in the object: its section and, within it, the byte
 * offset of its function; and which map each data section became. */
struct prog_place {
    size_t sec_index;           /* ELF index of the program's section. */
    uint64_t func_off;          /* Offset of its function, in bytes. */
    size_t maps_index;          /* ELF index of ".maps" (0 if none). */
    size_t *sec_map;            /* ELF section index -> index in
                                 * 'elf->maps', or SIZE_MAX. */
    size_t n_secs;
};

/* A call relocation (R_BPF_64_32) found on an instruction, applied once
 * the function it calls is in place (see link_functions()). */
struct call_reloc {
    bool present;
    size_t shndx;               /* Section of the symbol. */
    uint64_t value;             /* Its offset there, in bytes. */
    const char *name;           /* Its name (in the ELF data). */
};

/* Applies one relocation 'rel' of a code section to 'elf->insns', in which
 * the section's instructions [first, first + n) start at index 'at' (the
 * section may hold other functions, whose relocations are skipped).
 * 'place' says where '.maps' is and which data section became which map.
 * Marks the relocated instruction in 'relocated', or records a call
 * relocation in 'calls'.  Returns 0 or a positive errno with a message in
 * '*errorp'. */
static int
apply_relocation(Elf *e, Elf_Data *symbols, size_t strtab_index,
                 const struct prog_place *place, const GElf_Rel *rel,
                 size_t first, size_t n, size_t at, struct bpf_elf *elf,
                 bool *relocated, struct call_reloc *calls, char **errorp)
{
    size_t sym_index = GELF_R_SYM(rel->r_info);
    unsigned int type = GELF_R_TYPE(rel->r_info);
    size_t sec_idx = rel->r_offset / sizeof(struct ebpf_insn);
    size_t idx = at + (sec_idx - first);
    GElf_Sym sym;
    const char *name;

    if (sec_idx < first || sec_idx - first >= n) {
        /* Another function's. */
        return 0;
    }
    if (rel->r_offset % sizeof(struct ebpf_insn)) {
        *errorp = xasprintf("relocation at offset %"PRIu64" is not on an "
                            "instruction", (uint64_t) rel->r_offset);
        return EINVAL;
    }
    if (!gelf_getsym(symbols, sym_index, &sym)
        || !(name = elf_strptr(e, strtab_index, sym.st_name))) {
        *errorp = xasprintf("insn %"PRIuSIZE": relocation with a bad symbol "
                            "index %"PRIuSIZE, idx, sym_index);
        return EINVAL;
    }
    if (type == R_BPF_64_32) {
        if (sym.st_shndx == SHN_UNDEF) {
            *errorp = xasprintf("insn %"PRIuSIZE": call to external function "
                                "'%s' (kfuncs are not supported)", idx, name);
            return EOPNOTSUPP;
        }
        calls[idx] = (struct call_reloc) {
            .present = true,
            .shndx = sym.st_shndx,
            .value = sym.st_value,
            .name = name,
        };
        return 0;
    }
    if (type != R_BPF_64_64) {
        *errorp = xasprintf("insn %"PRIuSIZE": relocation type %u is not "
                            "supported", idx, type);
        return EOPNOTSUPP;
    }

    struct ebpf_insn *insn = &elf->insns[idx];
    if (insn->opcode != LD_IMM64 || idx + 1 >= elf->n_insns) {
        *errorp = xasprintf("insn %"PRIuSIZE": relocation against '%s' on an "
                            "instruction that is not ld_imm64", idx, name);
        return EINVAL;
    }
    if (sym.st_shndx == SHN_UNDEF) {
        *errorp = xasprintf("insn %"PRIuSIZE": reference to external symbol "
                            "'%s' (externs, kfuncs and __ksym are not "
                            "supported)", idx, name);
        return EOPNOTSUPP;
    }

    /* Global data: the address of a byte of a data section's map value, as
     * libbpf relocates it (the offset in the instruction plus the
     * variable's). */
    if (sym.st_shndx < place->n_secs
        && place->sec_map[sym.st_shndx] != SIZE_MAX) {
        size_t map = place->sec_map[sym.st_shndx];
        int64_t off = (int64_t) insn->imm + (int64_t) sym.st_value;

        if (insn[1].imm || off < 0 || off >= elf->maps[map].value_size) {
            *errorp = xasprintf("insn %"PRIuSIZE": reference to offset "
                                "%"PRId64" of '%s', outside its %"PRIu32" "
                                "bytes", idx, off, elf->maps[map].name,
                                elf->maps[map].value_size);
            return EINVAL;
        }
        insn->src = EBPF_PSEUDO_MAP_VALUE;
        insn->imm = map;
        insn[1].imm = off;
        relocated[idx] = true;
        return 0;
    }

    if (!place->maps_index || sym.st_shndx != place->maps_index) {
        *errorp = xasprintf("insn %"PRIuSIZE": reference to '%s', which is "
                            "neither a map in '.maps' nor global data in "
                            "'.data', '.rodata' or '.bss'",
                            idx, name[0] ? name : "a section");
        return EOPNOTSUPP;
    }

    size_t map = find_map(elf, name);
    if (map == SIZE_MAX) {
        *errorp = xasprintf("insn %"PRIuSIZE": reference to unknown map "
                            "'%s'", idx, name);
        return EINVAL;
    }
    insn->src = EBPF_PSEUDO_MAP_FD;
    insn->imm = map;
    insn[1].imm = 0;
    relocated[idx] = true;
    return 0;
}

/* Applies the relocations of code section 'sec_index' of 'e' that concern
 * its instructions [first, first + n), which are at index 'at' of
 * 'elf->insns' (see apply_relocation()).  Returns 0 or a positive errno with
 * a message in '*errorp'. */
static int
relocate(Elf *e, const struct prog_place *place, size_t sec_index,
         size_t first, size_t n, size_t at, struct bpf_elf *elf,
         bool *relocated, struct call_reloc *calls, char **errorp)
{
    Elf_Scn *scn = NULL;
    int error = 0;

    while (!error && (scn = elf_nextscn(e, scn)) != NULL) {
        GElf_Shdr shdr;

        if (!gelf_getshdr(scn, &shdr)) {
            continue;
        }
        if (shdr.sh_type == SHT_RELA && shdr.sh_info == sec_index) {
            *errorp = xstrdup("RELA relocations are not supported");
            error = EOPNOTSUPP;
            break;
        }
        if (shdr.sh_type != SHT_REL || shdr.sh_info != sec_index) {
            continue;
        }

        Elf_Scn *symscn = elf_getscn(e, shdr.sh_link);
        GElf_Shdr symshdr;
        Elf_Data *symbols, *rels = elf_getdata(scn, NULL);
        if (!symscn || !gelf_getshdr(symscn, &symshdr)
            || symshdr.sh_type != SHT_SYMTAB
            || !(symbols = elf_getdata(symscn, NULL)) || !rels
            || !shdr.sh_entsize) {
            *errorp = xstrdup("bad relocation section");
            error = EINVAL;
            break;
        }

        size_t n_rels = shdr.sh_size / shdr.sh_entsize;
        for (size_t i = 0; !error && i < n_rels; i++) {
            GElf_Rel rel;

            if (!gelf_getrel(rels, i, &rel)) {
                *errorp = xasprintf("bad relocation %"PRIuSIZE" (%s)", i,
                                    elf_errmsg(-1));
                error = EINVAL;
            } else {
                error = apply_relocation(e, symbols, symshdr.sh_link,
                                         place, &rel, first, n, at, elf,
                                         relocated, calls, errorp);
            }
        }
    }
    return error;
}

/* A function of ".text", which the program may call. */
struct text_func {
    const char *name;
    size_t start;               /* First instruction, in ".text". */
    size_t n;                   /* Number of instructions. */
    size_t at;                  /* Index in 'elf->insns' once appended, or
                                 * SIZE_MAX. */
};

/* Collects the functions of section 'text_index' of 'e' (its STT_FUNC
 * symbols) into '*funcsp' and '*np', and its instructions into '*codep' and
 * '*n_codep'.  Returns 0 or a positive errno with a message in '*errorp'. */
static int
collect_text_funcs(Elf *e, size_t text_index, struct text_func **funcsp,
                   size_t *np, const struct ebpf_insn **codep,
                   size_t *n_codep, char **errorp)
{
    Elf_Scn *text = elf_getscn(e, text_index);
    Elf_Data *data = text ? elf_getdata(text, NULL) : NULL;
    Elf_Scn *scn = NULL;
    size_t n = 0, alloc = 0;

    *funcsp = NULL;
    *np = 0;
    if (!data || (data->d_size && !data->d_buf)
        || data->d_size % sizeof(struct ebpf_insn)) {
        *errorp = xstrdup("bad .text section");
        return EINVAL;
    }
    *codep = data->d_buf;
    *n_codep = data->d_size / sizeof(struct ebpf_insn);

    while ((scn = elf_nextscn(e, scn)) != NULL) {
        GElf_Shdr shdr;
        Elf_Data *symbols;

        if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB
            || !shdr.sh_entsize || !(symbols = elf_getdata(scn, NULL))) {
            continue;
        }
        for (size_t i = 0; i < shdr.sh_size / shdr.sh_entsize; i++) {
            const char *name;
            GElf_Sym sym;

            if (!gelf_getsym(symbols, i, &sym)
                || GELF_ST_TYPE(sym.st_info) != STT_FUNC
                || sym.st_shndx != text_index) {
                continue;
            }
            name = elf_strptr(e, shdr.sh_link, sym.st_name);
            if (!name || sym.st_value % sizeof(struct ebpf_insn)
                || sym.st_size % sizeof(struct ebpf_insn) || !sym.st_size
                || sym.st_value / sizeof(struct ebpf_insn) > *n_codep
                || (sym.st_value + sym.st_size) / sizeof(struct ebpf_insn)
                   > *n_codep) {
                *errorp = xasprintf("function '%s' of .text has a bad "
                                    "offset or size", name ? name : "?");
                free(*funcsp);
                *funcsp = NULL;
                return EINVAL;
            }
            if (n >= alloc) {
                *funcsp = x2nrealloc(*funcsp, &alloc, sizeof **funcsp);
            }
            (*funcsp)[n++] = (struct text_func) {
                .name = name,
                .start = sym.st_value / sizeof(struct ebpf_insn),
                .n = sym.st_size / sizeof(struct ebpf_insn),
                .at = SIZE_MAX,
            };
        }
    }
    *np = n;
    return 0;
}

/* Appends to the program in 'elf' the functions of ".text" that it calls,
 * directly or not, each once, as libbpf does, relocating them as the
 * program, and points each call at its function's copy: the instruction
 * stream the kernel would get.  'place' says where the program is.  A
 * call without a relocation calls within its own section; in the
 * program's, it stays as it is.  Returns 0 or a positive errno with a
 * message in '*errorp'. */
static int
link_functions(Elf *e, const struct prog_place *place, struct bpf_elf *elf,
               char **errorp)
{
    struct segment {
        size_t sec_index, first, n, at;
    } *segs = xmalloc(sizeof *segs);
    size_t n_segs = 1, alloc_segs = 1;
    size_t alloc = elf->n_insns;
    bool *relocated = xcalloc(alloc, sizeof *relocated);
    struct call_reloc *calls = xcalloc(alloc, sizeof *calls);
    struct text_func *funcs = NULL;
    const struct ebpf_insn *text = NULL;
    size_t n_funcs = 0, n_text = 0, text_index = 0;
    int error = 0;

    segs[0] = (struct segment) {
        place->sec_index, place->func_off / sizeof(struct ebpf_insn),
        elf->n_insns, 0
    };
    for (size_t s = 0; !error && s < n_segs; s++) {
        struct segment seg = segs[s];

        error = relocate(e, place, seg.sec_index, seg.first, seg.n, seg.at,
                         elf, relocated, calls, errorp);
        for (size_t i = seg.at; !error && i < seg.at + seg.n; i++) {
            struct ebpf_insn *insn = &elf->insns[i];
            int64_t target;         /* In .text, as an instruction index. */

            if (insn->opcode == LD_IMM64) {
                i++;
                continue;
            } else if (insn->opcode != (EBPF_CLS_JMP | EBPF_JMP_CALL)
                       || insn->src != EBPF_PSEUDO_CALL) {
                if (calls[i].present) {
                    *errorp = xasprintf("insn %"PRIuSIZE": call relocation "
                                        "against '%s' on an instruction that "
                                        "is not a call", i, calls[i].name);
                    error = EINVAL;
                }
                continue;
            }
            if (!text_index) {
                Elf_Scn *scn = find_section(e, ".text", true, &text_index);

                error = (scn
                         ? collect_text_funcs(e, text_index, &funcs, &n_funcs,
                                              &text, &n_text, errorp)
                         : 0);
            }
            if (error) {
                break;
            }
            if (calls[i].present) {
                if (!text_index || calls[i].shndx != text_index) {
                    *errorp = xasprintf("insn %"PRIuSIZE": call to '%s', "
                                        "which is not a function in .text "
                                        "(as libbpf, functions that the "
                                        "program calls must be there)", i,
                                        calls[i].name);
                    error = EINVAL;
                    break;
                }
                target = (int64_t) (calls[i].value / sizeof *insn)
                         + insn->imm + 1;
            } else if (s == 0) {
                continue;
            } else {
                target = (int64_t) (seg.first + (i - seg.at)) + insn->imm + 1;
            }

            struct text_func *f = NULL;
            for (size_t k = 0; k < n_funcs; k++) {
                if (funcs[k].start == target) {
                    f = &funcs[k];
                    break;
                }
            }
            if (!f) {
                *errorp = xasprintf("insn %"PRIuSIZE": call to instruction "
                                    "%"PRId64" of .text, where no function "
                                    "starts", i, target);
                error = EINVAL;
                break;
            }
            if (f->at == SIZE_MAX) {
                /* Append it, and relocate and link it in its turn. */
                f->at = elf->n_insns;
                elf->n_insns += f->n;
                elf->insns = xrealloc(elf->insns,
                                      elf->n_insns * sizeof *elf->insns);
                insn = &elf->insns[i];
                memcpy(&elf->insns[f->at], &text[f->start],
                       f->n * sizeof *elf->insns);
                if (elf->n_insns > alloc) {
                    size_t old = alloc;

                    alloc = MAX(elf->n_insns, alloc * 2);
                    relocated = xrealloc(relocated,
                                         alloc * sizeof *relocated);
                    calls = xrealloc(calls, alloc * sizeof *calls);
                    memset(&relocated[old], 0,
                           (alloc - old) * sizeof *relocated);
                    memset(&calls[old], 0, (alloc - old) * sizeof *calls);
                }
                if (n_segs >= alloc_segs) {
                    segs = x2nrealloc(segs, &alloc_segs, sizeof *segs);
                }
                segs[n_segs++] = (struct segment) {
                    text_index, f->start, f->n, f->at
                };
            }
            insn->imm = (int64_t) f->at - (int64_t) i - 1;
        }
    }

    /* An ld_imm64 that refers to something must have been relocated: a
     * pseudo source register from the file itself is not trusted. */
    for (size_t i = 0; !error && i < elf->n_insns; i++) {
        if (elf->insns[i].opcode == LD_IMM64 && elf->insns[i].src
            && !relocated[i]) {
            *errorp = xasprintf("insn %"PRIuSIZE": ld_imm64 with pseudo "
                                "source %d has no relocation", i,
                                elf->insns[i].src);
            error = EINVAL;
        }
    }
    free(segs);
    free(relocated);
    free(calls);
    free(funcs);
    return error;
}

/* Returns true if 'name' is a section that libbpf makes a global data map
 * of, of 'type' (SHT_PROGBITS or SHT_NOBITS), and stores in '*rodata'
 * whether it is read-only data. */
static bool
is_data_section(const char *name, GElf_Word type, bool *rodata)
{
    *rodata = false;
    if (type == SHT_NOBITS) {
        return !strcmp(name, ".bss");
    } else if (type != SHT_PROGBITS) {
        return false;
    } else if (!strcmp(name, ".data") || !strncmp(name, ".data.", 6)) {
        return true;
    } else if (!strcmp(name, ".rodata") || !strncmp(name, ".rodata.", 8)) {
        *rodata = true;
        return true;
    }
    return false;
}

/* Adds to 'elf' a map for each global data section of 'e' (see bpf-loader.h)
 * and records in 'place' which section became which map.  Returns 0 or a
 * positive errno with a message in '*errorp'. */
static int
collect_global_data(Elf *e, struct bpf_elf *elf, struct prog_place *place,
                    char **errorp)
{
    size_t shstrndx, n_secs;
    Elf_Scn *scn = NULL;

    if (elf_getshdrstrndx(e, &shstrndx) || elf_getshdrnum(e, &n_secs)) {
        *errorp = xasprintf("bad ELF section headers (%s)", elf_errmsg(-1));
        return EINVAL;
    }
    place->n_secs = n_secs;
    place->sec_map = xmalloc((n_secs ? n_secs : 1) * sizeof *place->sec_map);
    for (size_t i = 0; i < n_secs; i++) {
        place->sec_map[i] = SIZE_MAX;
    }

    while ((scn = elf_nextscn(e, scn)) != NULL) {
        GElf_Shdr shdr;
        const char *name;
        bool rodata;

        if (!gelf_getshdr(scn, &shdr)
            || !(name = elf_strptr(e, shstrndx, shdr.sh_name))
            || shdr.sh_flags & SHF_EXECINSTR || !shdr.sh_size
            || !is_data_section(name, shdr.sh_type, &rodata)) {
            continue;
        }
        if (shdr.sh_size > UINT32_MAX) {
            *errorp = xasprintf("section '%s' is too large", name);
            return E2BIG;
        }

        uint8_t *data = NULL;
        if (shdr.sh_type == SHT_PROGBITS) {
            Elf_Data *d = elf_getdata(scn, NULL);

            if (!d || !d->d_buf || d->d_size != shdr.sh_size) {
                *errorp = xasprintf("section '%s' cannot be read", name);
                return EINVAL;
            }
            data = xmemdup(d->d_buf, d->d_size);
        }

        struct bpf_elf_map *m = &elf->maps[elf->n_maps];
        place->sec_map[elf_ndxscn(scn)] = elf->n_maps++;
        m->name = xstrdup(name);
        m->type = EBPF_MAP_TYPE_ARRAY;
        m->key_size = sizeof(uint32_t);
        m->value_size = shdr.sh_size;
        m->max_entries = 1;
        m->flags = rodata ? EBPF_MAP_F_RDONLY_PROG : 0;
        m->data = data;
        m->frozen = rodata;
    }
    return 0;
}

/* Copies the maps that 'obj' declares in ".maps" into 'elf', leaving room
 * for as many global data maps as 'e' has sections. */
static void
collect_maps(struct bpf_object *obj, Elf *e, struct bpf_elf *elf)
{
    struct bpf_map *map;
    size_t n = 0, n_secs = 0;

    bpf_object__for_each_map (map, obj) {
        n++;
    }
    elf_getshdrnum(e, &n_secs);
    elf->maps = xcalloc(n + n_secs + 1, sizeof *elf->maps);
    bpf_object__for_each_map (map, obj) {
        if (bpf_map__is_internal(map)) {
            /* .data, .rodata, .bss: collect_global_data() makes them from
             * the sections.  .kconfig: references to externs are rejected
             * by relocate(). */
            continue;
        }

        struct bpf_elf_map *m = &elf->maps[elf->n_maps++];
        m->name = xstrdup(bpf_map__name(map));
        m->type = bpf_map__type(map);
        m->key_size = bpf_map__key_size(map);
        m->value_size = bpf_map__value_size(map);
        m->max_entries = bpf_map__max_entries(map);
        m->flags = bpf_map__map_flags(map);
    }
}

/* Returns NULL if a program in section 'section' is an XDP program that this
 * runtime runs, otherwise why not.  The names are libbpf's: "xdp", "xdp/..."
 * and "xdp.frags" (OVS's packets are linear, so a multi-buffer program sees
 * one buffer), and libbpf 0.x's legacy "xdp_..."; not the programs that run
 * on redirected frames (devmap and cpumap), whose context differs. */
static const char *
xdp_section_refusal(const char *section)
{
    static const char *const redirect_prefixes[] = {
        "xdp/devmap", "xdp/cpumap", "xdp.frags/devmap", "xdp.frags/cpumap",
        "xdp_devmap", "xdp_cpumap",
    };

    for (size_t i = 0; i < ARRAY_SIZE(redirect_prefixes); i++) {
        if (!strncmp(section, redirect_prefixes[i],
                     strlen(redirect_prefixes[i]))) {
            return ("devmap and cpumap programs run on redirected frames, "
                    "which OVS does not have");
        }
    }
    if (!strcmp(section, "xdp") || !strncmp(section, "xdp/", 4)
        || !strcmp(section, "xdp.frags") || !strncmp(section, "xdp_", 4)) {
        return NULL;
    }
    return ("not an XDP program (sections: \"xdp\", \"xdp/NAME\", "
            "\"xdp.frags\", \"xdp_NAME\")");
}

/* Stores in '*offp' the byte offset of function 'name' in section
 * 'sec_index' of 'e'.  Returns false if there is no such function. */
static bool
find_function(Elf *e, size_t sec_index, const char *name, uint64_t *offp)
{
    Elf_Scn *scn = NULL;

    while ((scn = elf_nextscn(e, scn)) != NULL) {
        GElf_Shdr shdr;
        Elf_Data *symbols;

        if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB
            || !shdr.sh_entsize || !(symbols = elf_getdata(scn, NULL))) {
            continue;
        }
        for (size_t i = 0; i < shdr.sh_size / shdr.sh_entsize; i++) {
            const char *s;
            GElf_Sym sym;

            if (gelf_getsym(symbols, i, &sym)
                && GELF_ST_TYPE(sym.st_info) == STT_FUNC
                && sym.st_shndx == sec_index
                && (s = elf_strptr(e, shdr.sh_link, sym.st_name))
                && !strcmp(s, name)) {
                *offp = sym.st_value;
                return true;
            }
        }
    }
    return false;
}

/* Extracts program 'program' of 'obj' (NULL: its only program) into 'elf',
 * with its instructions as they are in the file, and stores in 'place'
 * where it is in 'e'.  Returns 0 or a positive errno with a message in
 * '*errorp'. */
static int
collect_program(struct bpf_object *obj, Elf *e, const char *program,
                struct bpf_elf *elf, struct prog_place *place, char **errorp)
{
    struct bpf_program *prog, *the_prog = NULL;
    struct ds names = DS_EMPTY_INITIALIZER;
    size_t n = 0;

    bpf_object__for_each_program (prog, obj) {
        const char *name = bpf_program__name(prog);

        if (program ? !strcmp(name, program) : !n) {
            the_prog = prog;
        }
        ds_put_format(&names, "%s%s (section %s)", n ? ", " : "", name,
                      bpf_program__section_name(prog));
        n++;
    }
    if (!n) {
        *errorp = xstrdup("the object holds no program (put an XDP program "
                          "in section \"xdp\": SEC(\"xdp\"))");
    } else if (program && !the_prog) {
        *errorp = xasprintf("the object has no program '%s' (programs: %s)",
                            program, ds_cstr(&names));
    } else if (!program && n > 1) {
        *errorp = xasprintf("the object holds %"PRIuSIZE" programs: name the "
                            "one to load (programs: %s)", n,
                            ds_cstr(&names));
    }
    ds_destroy(&names);
    if (*errorp) {
        return EINVAL;
    }

    const char *section = bpf_program__section_name(the_prog);
    const char *name = bpf_program__name(the_prog);
    const char *refusal = xdp_section_refusal(section);
    if (refusal) {
        *errorp = xasprintf("program '%s' in section '%s': %s", name,
                            section, refusal);
        return EINVAL;
    }

    size_t n_insns = bpf_program__insn_cnt(the_prog);
    const struct bpf_insn *insns = bpf_program__insns(the_prog);
    if (!n_insns || !insns) {
        *errorp = xasprintf("program '%s' is empty", name);
        return EINVAL;
    }
    if (!find_section(e, section, true, &place->sec_index)
        || !find_function(e, place->sec_index, name, &place->func_off)) {
        *errorp = xasprintf("program '%s' not found in section '%s'", name,
                            section);
        return EINVAL;
    }

    BUILD_ASSERT(sizeof(struct bpf_insn) == sizeof(struct ebpf_insn));
    elf->prog_name = xstrdup(name);
    elf->section = xstrdup(section);
    elf->n_insns = n_insns;
    elf->insns = xmemdup(insns, n_insns * sizeof *elf->insns);
    return 0;
}

/* Loads program 'program' (NULL: the only one) of the BPF object in the
 * 'size' bytes at 'data'.  'name' names the object in messages (e.g. its
 * file name).  Fills 'elf' (free it with bpf_elf_destroy()).
 *
 * Returns 0 or a positive errno, storing in '*errorp' a malloc'd message that
 * names 'name'; in that case 'elf' is left empty. */
int
bpf_elf_load_mem(const void *data, size_t size, const char *name,
                 const char *program, struct bpf_elf *elf, char **errorp)
{
    struct prog_place place = { .sec_map = NULL };
    struct bpf_object *obj = NULL;
    char *error_msg = NULL;
    Elf *e = NULL;
    int error;

    memset(elf, 0, sizeof *elf);
    *errorp = NULL;

    if (elf_version(EV_CURRENT) == EV_NONE) {
        *errorp = xasprintf("%s: libelf initialization failed", name);
        return EINVAL;
    }
    e = elf_memory(CONST_CAST(char *, data), size);
    if (!e) {
        *errorp = xasprintf("%s: not an ELF file (%s)", name,
                            elf_errmsg(-1));
        return EINVAL;
    }
    error = check_elf(e, &error_msg);
    if (!error) {
        error = check_btf(e, &error_msg);
    }
    if (error) {
        goto out;
    }

    /* Parse with libbpf, capturing its warnings. */
    struct ds messages = DS_EMPTY_INITIALIZER;
    ovs_mutex_lock(&print_mutex);
    saved_print = libbpf_set_print(capture_print);
    *capture_get() = &messages;
    LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "xb-ext");
    obj = bpf_object__open_mem(data, size, &opts);
    error = obj ? 0 : errno;
    *capture_get() = NULL;
    libbpf_set_print(saved_print);
    ovs_mutex_unlock(&print_mutex);
    if (!obj) {
        error = error > 0 ? error : EINVAL;
        error_msg = (messages.length
                     ? xasprintf("libbpf cannot parse it: %s",
                                 ds_cstr(&messages))
                     : xasprintf("libbpf cannot parse it (%s)",
                                 ovs_strerror(error)));
        ds_destroy(&messages);
        goto out;
    }
    ds_destroy(&messages);

    error = collect_program(obj, e, program, elf, &place, &error_msg);
    if (error) {
        goto out;
    }
    collect_maps(obj, e, elf);
    error = collect_global_data(e, elf, &place, &error_msg);
    if (error) {
        goto out;
    }
    if (!find_section(e, ".maps", false, &place.maps_index)) {
        place.maps_index = 0;
    }
    error = link_functions(e, &place, elf, &error_msg);

out:
    if (obj) {
        bpf_object__close(obj);
    }
    free(place.sec_map);
    elf_end(e);
    if (error) {
        bpf_elf_destroy(elf);
        *errorp = xasprintf("%s: %s", name, error_msg);
    }
    free(error_msg);
    return error;
}

/* Loads program 'program' of the BPF object in 'file' as bpf_elf_load_mem()
 * does. */
int
bpf_elf_load_file(const char *file, const char *program,
                  struct bpf_elf *elf, char **errorp)
{
    struct stat st;
    FILE *stream;

    memset(elf, 0, sizeof *elf);
    stream = fopen(file, "rb");
    if (!stream) {
        int error = errno;

        *errorp = xasprintf("%s: cannot open (%s)", file,
                            ovs_strerror(error));
        return error;
    }
    if (fstat(fileno(stream), &st) || !S_ISREG(st.st_mode)) {
        *errorp = xasprintf("%s: not a regular file", file);
        fclose(stream);
        return EINVAL;
    }
    if (st.st_size > BPF_ELF_MAX_SIZE) {
        *errorp = xasprintf("%s: larger than %u bytes", file,
                            BPF_ELF_MAX_SIZE);
        fclose(stream);
        return EFBIG;
    }

    size_t size = st.st_size;
    void *data = xmalloc(size ? size : 1);
    if (fread(data, 1, size, stream) != size) {
        *errorp = xasprintf("%s: read error", file);
        free(data);
        fclose(stream);
        return EIO;
    }
    fclose(stream);

    int error = bpf_elf_load_mem(data, size, file, program, elf, errorp);
    free(data);
    return error;
}
