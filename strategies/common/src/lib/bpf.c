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

/* The BPF extension runtime: programs, their registry, and the "bpf/..."
 * ovs-appctl commands.  bpf-loader.c reads ELF objects, bpf-verifier.c checks
 * programs, bpf-interp.c runs them and bpf-map.c holds their maps.
 *
 * "bpf/load" reads, verifies and compiles a program in a thread of its own,
 * the loader, so that a slow verification (up to the verifier's CPU budget)
 * never stalls ovs-vswitchd's main thread, which forwards the packets of
 * non-PMD ports and answers every other command meanwhile.  The main thread
 * keeps the command's connection, and bpf_run() installs the program and
 * replies once the loader is done. */

#include <config.h>
#include "bpf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "bpf-interp.h"
#include "bpf-jit.h"
#include "bpf-loader.h"
#include "bpf-map.h"
#include "bpf-verifier.h"
#include "cmap.h"
#include "dp-packet.h"
#include "flow.h"
#include "hash.h"
#include "latch.h"
#include "openvswitch/list.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "seq.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(bpf);

/* Run statistics are kept in this many slots, one cache line each.  OVS
 * thread ids are unique and never reused, so a thread whose id is below
 * BPF_STATS_SLOTS - 1 owns slot 'id' and updates it with plain (relaxed)
 * loads and stores; threads with larger ids share the last slot and update it
 * with atomic additions.  Readers sum every slot. */
#define BPF_STATS_SLOTS 64

struct bpf_stats {
    PADDED_MEMBERS(CACHE_LINE_SIZE,
        atomic_uint64_t runs;
        atomic_uint64_t insns;
        atomic_uint64_t faults;
    );
};

struct bpf_prog {
    struct bpf_stats stats[BPF_STATS_SLOTS];

    struct cmap_node name_node;     /* In 'progs_by_name'. */
    struct cmap_node handle_node;   /* In 'progs_by_handle'. */
    char *bridge;                   /* NULL if not in the registry. */
    uint32_t id;
    uint32_t handle;                /* 0 if not in the registry. */
    char *file;

    struct bpf_elf elf;             /* Instructions and map declarations. */
    struct ebpf_map **maps;         /* One per 'elf.maps'. */
    struct bpf_interp_prog interp;
    struct bpf_verdict verdict;
    struct bpf_jit_prog *jit;       /* NULL if not compiled. */
    struct bpf_jit_prog *jit_checked;   /* The same, every check kept. */
    char *jit_error;                /* Why not, if the JIT declined it. */
};

/* CPU time that the phases of opening a program took, in ns of the thread
 * that opened it. */
struct bpf_open_cpu {
    long long int read;         /* Reading the ELF object. */
    long long int verify;       /* Creating the maps and verifying. */
    long long int compile;      /* Preparing the interpreter, JIT. */
};

/* A "bpf/load" in progress.  Only the main thread touches 'loads' and the
 * members marked "main"; the loader thread takes a load from 'load_queue',
 * fills in the members marked "loader" and puts it in 'load_done', where
 * bpf_run() finds it. */
struct bpf_load {
    struct ovs_list node;           /* In 'loads' (main). */
    struct ovs_list queue_node;     /* In 'load_queue' or 'load_done'. */
    char *bridge;
    uint32_t id;
    char *file;
    char *program;                  /* NULL: the object's only program. */
    struct unixctl_conn *conn;      /* Main: NULL once the load was cancelled
                                     * and the command answered. */

    struct bpf_prog *prog;          /* Loader: the program, or NULL. */
    char *error;                    /* Loader: why it was refused. */
    struct bpf_open_cpu cpu;        /* Loader: the CPU time it took. */
};

/* Loads between "bpf/load" and bpf_run() (main thread only). */
static struct ovs_list loads = OVS_LIST_INITIALIZER(&loads);

/* The loader thread's queues. */
static struct ovs_mutex load_mutex = OVS_MUTEX_INITIALIZER;
static pthread_cond_t load_cond;
static struct ovs_list load_queue OVS_GUARDED_BY(load_mutex)
    = OVS_LIST_INITIALIZER(&load_queue);
static struct ovs_list load_done OVS_GUARDED_BY(load_mutex)
    = OVS_LIST_INITIALIZER(&load_done);
static bool loader_paused OVS_GUARDED_BY(load_mutex);  /* bpf/loader-pause */
static struct latch load_latch; /* Set when 'load_done' gets a load. */
static bool loader_started;     /* Main thread only. */

/* How much nicer the loader thread is than the thread that created it (the
 * main thread): verification is background work, and on a shared CPU the
 * threads that forward packets should come first. */
#define BPF_LOADER_NICE 10

/* The JIT mode (enum bpf_jit_mode). */
static atomic_int jit_mode = BPF_JIT_DEFAULT;

/* The registry.  Written only with 'registry_mutex' held; read with RCU. */
static struct ovs_mutex registry_mutex = OVS_MUTEX_INITIALIZER;
static struct cmap progs_by_name = CMAP_INITIALIZER;
static struct cmap progs_by_handle = CMAP_INITIALIZER;
static uint32_t next_handle OVS_GUARDED_BY(registry_mutex) = 1;

/* A direct-mapped cache of 'progs_by_handle' for the datapath, which looks a
 * program up by handle on every run of a bpf action and, in oko, for every
 * filter on every cache hit: a cmap lookup there cost 4 % of the PMD's time
 * with one noop filter.  Slot 'handle % N_HANDLE_SLOTS' holds a program with
 * such a handle, or NULL; a program whose slot is taken is found in the cmap
 * only.  Written with 'registry_mutex' held; read with RCU. */
#define N_HANDLE_SLOTS 256
static OVSRCU_TYPE(struct bpf_prog *) handle_slots[N_HANDLE_SLOTS];
static bool (*bridge_exists)(const char *bridge);

static void bpf_unixctl_init(void);

/* Initializes the runtime: registers the "bpf/..." ovs-appctl commands.  May
 * be called more than once. */
void
bpf_init(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;

    if (ovsthread_once_start(&once)) {
        bpf_registry_seq();
        bpf_unixctl_init();
        ovsthread_once_done(&once);
    }
}

/* Returns the sequence number that changes on every load and unload. */
struct seq *
bpf_registry_seq(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;
    static struct seq *seq;

    if (ovsthread_once_start(&once)) {
        seq = seq_create();
        ovsthread_once_done(&once);
    }
    return seq;
}

/* Installs 'exists' as the function that says whether a bridge exists. */
void
bpf_set_bridge_checker(bool (*exists)(const char *bridge))
{
    bridge_exists = exists;
}

/* Program objects. */

/* Frees 'prog' and its maps at once (callers defer it with RCU if needed). */
static void
bpf_prog_destroy(struct bpf_prog *prog)
{
    if (!prog) {
        return;
    }
    for (size_t i = 0; i < prog->elf.n_maps; i++) {
        ebpf_map_destroy(prog->maps[i]);
    }
    bpf_jit_destroy(prog->jit);
    bpf_jit_destroy(prog->jit_checked);
    free(prog->jit_error);
    bpf_interp_destroy(&prog->interp);
    free(prog->maps);
    bpf_verdict_destroy(&prog->verdict);
    bpf_elf_destroy(&prog->elf);
    free(prog->bridge);
    free(prog->file);
    free_cacheline(prog);
}

/* Returns a new, empty program that was loaded from 'file'. */
static struct bpf_prog *
bpf_prog_alloc(const char *file)
{
    struct bpf_prog *prog = xzalloc_cacheline(sizeof *prog);

    prog->file = xstrdup(file);
    for (size_t i = 0; i < BPF_STATS_SLOTS; i++) {
        atomic_init(&prog->stats[i].runs, 0);
        atomic_init(&prog->stats[i].insns, 0);
        atomic_init(&prog->stats[i].faults, 0);
    }
    return prog;
}

static int bpf_prog_finish_open(struct bpf_prog *, struct bpf_open_cpu *,
                                char **errorp);

/* As bpf_prog_open_program(), and stores in '*cpu' the CPU time of each
 * phase. */
static int
bpf_prog_open__(const char *file, const char *program,
                struct bpf_open_cpu *cpu, struct bpf_prog **progp,
                char **errorp)
{
    struct bpf_prog *prog = bpf_prog_alloc(file);
    long long int start = bpf_thread_cpu_ns();
    int error;

    memset(cpu, 0, sizeof *cpu);
    *progp = NULL;
    *errorp = NULL;
    error = bpf_elf_load_file(file, program, &prog->elf, errorp);
    cpu->read = bpf_thread_cpu_ns() - start;
    if (!error) {
        error = bpf_prog_finish_open(prog, cpu, errorp);
    }
    if (error) {
        bpf_prog_destroy(prog);
        return error;
    }
    *progp = prog;
    return 0;
}

/* Loads, verifies and prepares the program in 'file'.  Returns 0 and stores
 * the new program in '*progp', or a positive errno and stores a malloc'd
 * message in '*errorp'. */
int
bpf_prog_open(const char *file, struct bpf_prog **progp, char **errorp)
{
    return bpf_prog_open_program(file, NULL, progp, errorp);
}

/* Like bpf_prog_open(), for program 'program' (a function name; NULL: the
 * only program) of the object in 'file'. */
int
bpf_prog_open_program(const char *file, const char *program,
                      struct bpf_prog **progp, char **errorp)
{
    struct bpf_open_cpu cpu;

    return bpf_prog_open__(file, program, &cpu, progp, errorp);
}

/* Like bpf_prog_open(), for the ELF object in the 'size' bytes at 'data',
 * which 'name' names in messages. */
int
bpf_prog_open_mem(const void *data, size_t size, const char *name,
                  struct bpf_prog **progp, char **errorp)
{
    struct bpf_prog *prog = bpf_prog_alloc(name);
    struct bpf_open_cpu cpu;
    int error;

    memset(&cpu, 0, sizeof cpu);
    *progp = NULL;
    *errorp = NULL;
    error = bpf_elf_load_mem(data, size, name, NULL, &prog->elf, errorp);
    if (!error) {
        error = bpf_prog_finish_open(prog, &cpu, errorp);
    }
    if (error) {
        bpf_prog_destroy(prog);
        return error;
    }
    *progp = prog;
    return 0;
}

/* Creates the maps of loaded program 'prog', verifies and prepares it, and
 * adds the CPU time of those phases to '*cpu'.  Returns 0 or a positive
 * errno with a message in '*errorp'. */
static int
bpf_prog_finish_open(struct bpf_prog *prog, struct bpf_open_cpu *cpu,
                     char **errorp)
{
    const struct bpf_elf *elf = &prog->elf;
    long long int start = bpf_thread_cpu_ns();
    const char *file = prog->file;
    struct bpf_map_info *infos;
    char *error_msg = NULL;
    int error = 0;

    /* The maps are created once the program is verified, so that a program
     * refused for what it does (e.g. bpf_redirect_map()) says so rather
     * than that its maps are of types that OVS does not have. */
    prog->maps = xcalloc(elf->n_maps ? elf->n_maps : 1, sizeof *prog->maps);
    infos = xcalloc(elf->n_maps ? elf->n_maps : 1, sizeof *infos);
    for (size_t i = 0; i < elf->n_maps; i++) {
        const struct bpf_elf_map *m = &elf->maps[i];

        infos[i].type = m->type;
        infos[i].key_size = m->key_size;
        infos[i].value_size = m->value_size;
        infos[i].max_entries = m->max_entries;
        infos[i].flags = m->flags;
    }

    error = bpf_verify(elf->insns, elf->n_insns, infos, elf->n_maps,
                       &prog->verdict, &error_msg);
    if (error) {
        *errorp = xasprintf("%s: rejected by the verifier: %s", file,
                            error_msg ? error_msg : "(no reason given)");
        cpu->verify += bpf_thread_cpu_ns() - start;
        goto out;
    }

    for (size_t i = 0; i < elf->n_maps; i++) {
        const struct bpf_elf_map *m = &elf->maps[i];

        error = ebpf_map_create(m->name, m->type, m->key_size, m->value_size,
                                m->max_entries, m->flags, &prog->maps[i],
                                &error_msg);
        if (error) {
            *errorp = xasprintf("%s: %s", file, error_msg);
            cpu->verify += bpf_thread_cpu_ns() - start;
            goto out;
        }
        if (m->data) {
            uint32_t key = 0;

            ovs_assert(!ebpf_map_update_user(prog->maps[i], &key, m->data,
                                             EBPF_MAP_ANY));
        }
        if (m->frozen) {
            ebpf_map_freeze(prog->maps[i]);
        }
    }
    cpu->verify += bpf_thread_cpu_ns() - start;
    start = bpf_thread_cpu_ns();

    error = bpf_interp_prepare(&prog->interp, elf->insns, elf->n_insns,
                               prog->maps, elf->n_maps, &error_msg);
    prog->interp.file = prog->file;
    prog->interp.name = prog->elf.prog_name;
    if (error) {
        *errorp = xasprintf("%s: rejected by the interpreter: %s", file,
                            error_msg);
        goto out;
    }
    bpf_interp_enforce_ranges(&prog->interp, &prog->verdict);

    /* A program that the JIT cannot compile runs in the interpreter. */
    if (bpf_jit_supported()) {
        char *jit_error = NULL;

        if (bpf_jit_compile(&prog->interp, false, &prog->jit, &jit_error)
            || bpf_jit_compile(&prog->interp, true, &prog->jit_checked,
                               &jit_error)) {
            VLOG_WARN("%s: not JIT-compiled: %s", file, jit_error);
            prog->jit_error = jit_error;
            bpf_jit_destroy(prog->jit);
            prog->jit = NULL;
        }
    }
    cpu->compile += bpf_thread_cpu_ns() - start;

out:
    free(error_msg);
    free(infos);
    return error;
}

/* Frees 'prog', which must not be in the registry, at once. */
void
bpf_prog_close(struct bpf_prog *prog)
{
    if (prog) {
        ovs_assert(!prog->handle);
        bpf_prog_destroy(prog);
    }
}

/* Program properties. */

/* Returns the id under which 'prog' was loaded (0 outside the registry). */
uint32_t
bpf_prog_id(const struct bpf_prog *prog)
{
    return prog->id;
}

/* Returns the datapath-wide handle of 'prog' (0 outside the registry). */
uint32_t
bpf_prog_handle(const struct bpf_prog *prog)
{
    return prog->handle;
}

/* Returns the bridge 'prog' was loaded on (NULL outside the registry). */
const char *
bpf_prog_bridge(const struct bpf_prog *prog)
{
    return prog->bridge;
}

/* Returns the file 'prog' was loaded from. */
const char *
bpf_prog_file(const struct bpf_prog *prog)
{
    return prog->file;
}

/* Returns the number of instructions of 'prog'. */
size_t
bpf_prog_n_insns(const struct bpf_prog *prog)
{
    return prog->elf.n_insns;
}

/* Returns the verifier's verdict on 'prog'. */
const struct bpf_verdict *
bpf_prog_verdict(const struct bpf_prog *prog)
{
    return &prog->verdict;
}

/* Returns true if the verifier found that 'prog' may write the packet. */
bool
bpf_prog_writes_packet(const struct bpf_prog *prog)
{
    return prog->verdict.n_writes > 0;
}

/* Returns the map named 'name' of 'prog', or NULL. */
struct ebpf_map *
bpf_prog_map(const struct bpf_prog *prog, const char *name)
{
    for (size_t i = 0; i < prog->elf.n_maps; i++) {
        if (!strcmp(ebpf_map_name(prog->maps[i]), name)) {
            return prog->maps[i];
        }
    }
    return NULL;
}

/* Returns the name of map 'i' of 'prog', or NULL if 'i' is too large. */
const char *
bpf_prog_map_name(const struct bpf_prog *prog, size_t i)
{
    return i < prog->elf.n_maps ? ebpf_map_name(prog->maps[i]) : NULL;
}

/* Stores in '*runs', '*insns' and '*faults' how many times 'prog' ran, how
 * many instructions it executed and how many runs faulted, over all
 * threads. */
void
bpf_prog_get_stats(const struct bpf_prog *prog, uint64_t *runs,
                   uint64_t *insns, uint64_t *faults)
{
    *runs = *insns = *faults = 0;
    for (size_t i = 0; i < BPF_STATS_SLOTS; i++) {
        struct bpf_stats *s = CONST_CAST(struct bpf_stats *,
                                         &prog->stats[i]);
        uint64_t v;

        atomic_read_relaxed(&s->runs, &v);
        *runs += v;
        atomic_read_relaxed(&s->insns, &v);
        *insns += v;
        atomic_read_relaxed(&s->faults, &v);
        *faults += v;
    }
}

/* Execution. */

/* Adds 'n' to counter 'c', which only this thread writes if 'own'. */
static inline void
stats_add(atomic_uint64_t *c, uint64_t n, bool own)
{
    if (own) {
        uint64_t v;

        atomic_read_relaxed(c, &v);
        atomic_store_relaxed(c, v + n);
    } else {
        uint64_t orig;

        atomic_add_relaxed(c, n, &orig);
    }
}

/* Runs 'prog' on the packet in 'buf' with 'in_port' as the context's
 * ingress_ifindex; the program may change the packet's length within the
 * room of 'buf' if 'resizable' (see bpf_prog_run_buf()).  Returns the
 * program's return value or BPF_RUN_FAULT. */
static uint64_t
run__(struct bpf_prog *prog, struct bpf_packet_buf *buf, bool resizable,
      uint32_t in_port)
{
    unsigned int id = ovsthread_id_self();
    bool own = id < BPF_STATS_SLOTS - 1;
    struct bpf_stats *s = &prog->stats[own ? id : BPF_STATS_SLOTS - 1];
    struct bpf_interp_ctx ctx = { .ingress_ifindex = in_port };
    struct bpf_interp_fault fault;
    uint64_t n_insns = 0;

    const struct bpf_jit_prog *jit = NULL;
    int mode;

    atomic_read_relaxed(&jit_mode, &mode);
    if (mode == BPF_JIT_ON) {
        jit = prog->jit;
    } else if (mode == BPF_JIT_CHECKED) {
        jit = prog->jit_checked;
    }
    uint64_t ret = (jit
                    ? bpf_jit_run_buf(jit, buf, resizable, &ctx, &n_insns,
                                      &fault)
                    : bpf_interp_run_buf(&prog->interp, buf, resizable, &ctx,
                                         &n_insns, &fault));
    stats_add(&s->runs, 1, own);
    stats_add(&s->insns, n_insns, own);
    if (OVS_UNLIKELY(ret == BPF_RUN_FAULT)) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

        stats_add(&s->faults, 1, own);
        VLOG_WARN_RL(&rl, "%s %"PRIu32" (%s): run-time fault at insn "
                     "%"PRIuSIZE": %s", prog->bridge ? prog->bridge : "-",
                     prog->id, prog->file, fault.pc, fault.reason);
    }
    return ret;
}

/* Runs 'prog' on the 'size' bytes at 'data' with 'in_port' as the context's
 * ingress_ifindex.  The program cannot change the packet's length:
 * bpf_xdp_adjust_head() and bpf_xdp_adjust_tail() fail with -EINVAL.
 * Returns the program's return value or BPF_RUN_FAULT. */
uint64_t
bpf_prog_run_data(struct bpf_prog *prog, void *data, size_t size,
                  uint32_t in_port)
{
    struct bpf_packet_buf buf = { .data = data, .size = size };

    return run__(prog, &buf, false, in_port);
}

/* Runs 'prog' on the packet in 'buf' with 'in_port' as the context's
 * ingress_ifindex.  The program may change the packet's length within the
 * room that 'buf' gives (bpf_xdp_adjust_head() and bpf_xdp_adjust_tail()):
 * 'buf' then says where the packet is after the run.  Returns the
 * program's return value or BPF_RUN_FAULT. */
uint64_t
bpf_prog_run_buf(struct bpf_prog *prog, struct bpf_packet_buf *buf,
                 uint32_t in_port)
{
    return run__(prog, buf, true, in_port);
}

/* Sets the JIT mode of every program, from the next run on. */
void
bpf_set_jit_mode(enum bpf_jit_mode mode)
{
    atomic_store_relaxed(&jit_mode, mode);
}

/* Returns the JIT mode. */
enum bpf_jit_mode
bpf_get_jit_mode(void)
{
    int mode;

    atomic_read_relaxed(&jit_mode, &mode);
    return mode;
}

/* Parses 's' ("true", "false", "checked"; NULL: the default) into '*modep'.
 * Returns false if 's' is none of these. */
bool
bpf_jit_mode_from_string(const char *s, enum bpf_jit_mode *modep)
{
    if (!s) {
        *modep = BPF_JIT_DEFAULT;
    } else if (!strcmp(s, "true")) {
        *modep = BPF_JIT_ON;
    } else if (!strcmp(s, "false")) {
        *modep = BPF_JIT_OFF;
    } else if (!strcmp(s, "checked")) {
        *modep = BPF_JIT_CHECKED;
    } else {
        return false;
    }
    return true;
}

/* Returns true if 'prog' runs as JIT code in the current mode, with its code
 * size in '*code_sizep'. */
bool
bpf_prog_jitted(const struct bpf_prog *prog, size_t *code_sizep)
{
    const struct bpf_jit_prog *jit;

    switch (bpf_get_jit_mode()) {
    case BPF_JIT_ON:
        jit = prog->jit;
        break;
    case BPF_JIT_CHECKED:
        jit = prog->jit_checked;
        break;
    case BPF_JIT_OFF:
    default:
        jit = NULL;
        break;
    }
    if (jit) {
        *code_sizep = bpf_jit_code_size(jit);
    }
    return jit != NULL;
}

/* Returns the offset 'ofs' of a header of a packet whose first 'head'
 * bytes were removed (negative: prepended) and that now has 'size' bytes:
 * UINT16_MAX ("none") if the header is gone. */
static uint16_t
shift_offset(uint16_t ofs, ptrdiff_t head, size_t size)
{
    ptrdiff_t new = (ptrdiff_t) ofs - head;

    return (ofs == UINT16_MAX || new < 0 || new >= size || new >= UINT16_MAX
            ? UINT16_MAX : new);
}

/* Runs 'prog' on 'packet'.  If the program changes the packet's length, the
 * packet's headers stay where they were in its buffer (as OVS's own
 * push and pop actions leave them), and headers that it removed are
 * forgotten: callers that go on with the packet re-parse it, as a program
 * that changes the length has the verdict "writes every byte".  A program
 * that may change the length gets at least BPF_XDP_HEADROOM bytes of room
 * in front of a packet in a malloc'd buffer and BPF_XDP_TAILROOM after it
 * (the buffer is reallocated, as tunnel encapsulation does); other packets
 * offer the room their buffer has. */
uint64_t
bpf_prog_run(struct bpf_prog *prog, struct dp_packet *packet)
{
    uint32_t in_port = odp_to_u32(packet->md.in_port.odp_port);

    if (OVS_LIKELY(!prog->verdict.changes_len)) {
        return bpf_prog_run_data(prog, dp_packet_data(packet),
                                 dp_packet_size(packet), in_port);
    }

    if (packet->source == DPBUF_MALLOC
        && (dp_packet_headroom(packet) < BPF_XDP_HEADROOM
            || dp_packet_tailroom(packet) < BPF_XDP_TAILROOM)) {
        dp_packet_resize(packet, MAX(dp_packet_headroom(packet),
                                     BPF_XDP_HEADROOM),
                         MAX(dp_packet_tailroom(packet), BPF_XDP_TAILROOM));
    }

    struct bpf_packet_buf buf = {
        .data = dp_packet_data(packet),
        .size = dp_packet_size(packet),
        .headroom = dp_packet_headroom(packet),
        .tailroom = dp_packet_tailroom(packet),
    };
    uint64_t ret = bpf_prog_run_buf(prog, &buf, in_port);
    if (buf.data != dp_packet_data(packet)
        || buf.size != dp_packet_size(packet)) {
        ptrdiff_t head = ((uint8_t *) buf.data
                          - (uint8_t *) dp_packet_data(packet));

        dp_packet_set_data(packet, buf.data);
        dp_packet_set_size(packet, buf.size);
        packet->l2_pad_size = 0;
        packet->l2_5_ofs = shift_offset(packet->l2_5_ofs, head, buf.size);
        packet->l3_ofs = shift_offset(packet->l3_ofs, head, buf.size);
        packet->l4_ofs = shift_offset(packet->l4_ofs, head, buf.size);
    }
    return ret;
}

/* Registry. */

/* Returns the hash of program 'id' of 'bridge' in 'progs_by_name'. */
static uint32_t
name_hash(const char *bridge, uint32_t id)
{
    return hash_string(bridge, hash_int(id, 0));
}

/* Returns the program loaded as 'id' on 'bridge', or NULL.  The pointer is
 * valid until the calling thread quiesces. */
struct bpf_prog *
bpf_registry_find(const char *bridge, uint32_t id)
{
    struct bpf_prog *prog;

    CMAP_FOR_EACH_WITH_HASH (prog, name_node, name_hash(bridge, id),
                             &progs_by_name) {
        if (prog->id == id && !strcmp(prog->bridge, bridge)) {
            return prog;
        }
    }
    return NULL;
}

/* Returns the program whose handle is 'handle', or NULL.  The pointer is
 * valid until the calling thread quiesces. */
struct bpf_prog *
bpf_registry_get(uint32_t handle)
{
    struct bpf_prog *prog = ovsrcu_get(struct bpf_prog *,
                                       &handle_slots[handle % N_HANDLE_SLOTS]);

    if (OVS_LIKELY(prog && prog->handle == handle)) {
        return prog;
    }
    CMAP_FOR_EACH_WITH_HASH (prog, handle_node, hash_int(handle, 0),
                             &progs_by_handle) {
        if (prog->handle == handle) {
            return prog;
        }
    }
    return NULL;
}

/* Puts 'prog' in its handle's slot if the slot is free ('add'), or frees the
 * slot if 'prog' holds it (not 'add'). */
static void
handle_slot_update(struct bpf_prog *prog, bool add)
    OVS_REQUIRES(registry_mutex)
{
    size_t i = prog->handle % N_HANDLE_SLOTS;
    struct bpf_prog *holder = ovsrcu_get_protected(struct bpf_prog *,
                                                   &handle_slots[i]);

    if (add && !holder) {
        ovsrcu_set(&handle_slots[i], prog);
    } else if (!add && holder == prog) {
        ovsrcu_set(&handle_slots[i], NULL);
    }
}

/* Returns a nonzero handle that no loaded program has. */
static uint32_t
allocate_handle(void)
    OVS_REQUIRES(registry_mutex)
{
    for (;;) {
        uint32_t handle = next_handle++;

        if (handle && !bpf_registry_get(handle)) {
            return handle;
        }
    }
}

/* Returns the load of program 'id' of 'bridge' that is in progress and was
 * not cancelled, or NULL.  Main thread only. */
static struct bpf_load *
find_load(const char *bridge, uint32_t id)
{
    struct bpf_load *load;

    LIST_FOR_EACH (load, node, &loads) {
        if (load->conn && load->id == id && !strcmp(load->bridge, bridge)) {
            return load;
        }
    }
    return NULL;
}

/* Returns 0 if program 'id' can be loaded on 'bridge', otherwise a positive
 * errno and a malloc'd message in '*errorp' (ENOENT: no such bridge, EEXIST:
 * 'id' is loaded or being loaded). */
static int
check_new_id(const char *bridge, uint32_t id, char **errorp)
    OVS_REQUIRES(registry_mutex)
{
    if (bridge_exists && !bridge_exists(bridge)) {
        *errorp = xasprintf("%s: no such bridge", bridge);
        return ENOENT;
    }
    if (bpf_registry_find(bridge, id)) {
        *errorp = xasprintf("%s: program %"PRIu32" is already loaded "
                            "(unload it first)", bridge, id);
        return EEXIST;
    }
    if (find_load(bridge, id)) {
        *errorp = xasprintf("%s: program %"PRIu32" is already being loaded "
                            "(unload it to cancel)", bridge, id);
        return EEXIST;
    }
    return 0;
}

/* Formats the CPU time in 'cpu' into 's', for the log. */
static void
format_open_cpu(const struct bpf_open_cpu *cpu, struct ds *s)
{
    ds_put_format(s, "CPU %.1f ms reading, %.1f ms verifying, %.1f ms "
                  "compiling", cpu->read / 1e6, cpu->verify / 1e6,
                  cpu->compile / 1e6);
}

/* Adds 'prog' to the registry as program 'id' of 'bridge', which
 * check_new_id() accepted, and logs it with the CPU time 'cpu' it took. */
static void
registry_insert(struct bpf_prog *prog, const char *bridge, uint32_t id,
                const struct bpf_open_cpu *cpu)
    OVS_REQUIRES(registry_mutex)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    prog->bridge = xstrdup(bridge);
    prog->id = id;
    prog->handle = allocate_handle();
    cmap_insert(&progs_by_name, &prog->name_node, name_hash(bridge, id));
    cmap_insert(&progs_by_handle, &prog->handle_node,
                hash_int(prog->handle, 0));
    handle_slot_update(prog, true);
    seq_change(bpf_registry_seq());
    format_open_cpu(cpu, &s);
    VLOG_INFO("%s: loaded program %"PRIu32" from %s (handle %"PRIu32", "
              "%"PRIuSIZE" instructions, %s the packet; %s)", bridge, id,
              prog->file, prog->handle, prog->elf.n_insns,
              bpf_prog_writes_packet(prog) ? "writes" : "does not write",
              ds_cstr(&s));
    ds_destroy(&s);
}

/* Loads the program in 'file' as 'id' on 'bridge', on the calling thread.
 * Returns 0, or a positive errno and a malloc'd message in '*errorp' (ENOENT:
 * no such bridge, EEXIST: 'id' is taken, others: the file or program was
 * rejected).  On error nothing changes.  Main thread only ("bpf/load" does
 * the same without blocking it). */
int
bpf_registry_load(const char *bridge, uint32_t id, const char *file,
                  char **errorp)
{
    return bpf_registry_load_program(bridge, id, file, NULL, errorp);
}

/* As bpf_registry_load(), for program 'program' (a function name; NULL: the
 * only program) of the object in 'file'. */
int
bpf_registry_load_program(const char *bridge, uint32_t id, const char *file,
                          const char *program, char **errorp)
{
    struct bpf_open_cpu cpu;
    struct bpf_prog *prog;
    int error;

    *errorp = NULL;
    ovs_mutex_lock(&registry_mutex);
    error = check_new_id(bridge, id, errorp);
    if (!error) {
        error = bpf_prog_open__(file, program, &cpu, &prog, errorp);
    }
    if (!error) {
        registry_insert(prog, bridge, id, &cpu);
    }
    ovs_mutex_unlock(&registry_mutex);
    return error;
}

/* The loader thread: opens (reads, verifies, compiles) the programs of the
 * loads in 'load_queue', one at a time, and hands them to bpf_run(). */
static void *
loader_main(void *arg OVS_UNUSED)
{
#ifdef __linux__
    pid_t tid = syscall(SYS_gettid);
    int nice;

    errno = 0;
    nice = getpriority(PRIO_PROCESS, tid);
    if (errno || setpriority(PRIO_PROCESS, tid,
                             MIN(nice + BPF_LOADER_NICE, 19))) {
        VLOG_WARN("cannot lower the priority of the BPF loader thread (%s)",
                  ovs_strerror(errno));
    }
#endif
    for (;;) {
        struct bpf_load *load;

        /* The loader reads nothing that RCU protects: it must not hold up
         * grace periods, in particular not while it verifies. */
        ovsrcu_quiesce_start();
        ovs_mutex_lock(&load_mutex);
        while (loader_paused || ovs_list_is_empty(&load_queue)) {
            ovs_mutex_cond_wait(&load_cond, &load_mutex);
        }
        load = CONTAINER_OF(ovs_list_pop_front(&load_queue), struct bpf_load,
                            queue_node);
        ovs_mutex_unlock(&load_mutex);

        bpf_prog_open__(load->file, load->program, &load->cpu, &load->prog,
                        &load->error);

        ovs_mutex_lock(&load_mutex);
        ovs_list_push_back(&load_done, &load->queue_node);
        ovs_mutex_unlock(&load_mutex);
        latch_set(&load_latch);
    }
    return NULL;
}

/* Starts loading program 'program' (NULL: the only one) in 'file' as 'id'
 * on 'bridge' in the loader thread; bpf_run() replies on 'conn' when it is
 * done.  Main thread only. */
static void
load_start(struct unixctl_conn *conn, const char *bridge, uint32_t id,
           const char *file, const char *program)
{
    struct bpf_load *load = xzalloc(sizeof *load);

    if (!loader_started) {
        loader_started = true;
        latch_init(&load_latch);
        xpthread_cond_init(&load_cond, NULL);
        ovs_thread_create("bpf_loader", loader_main, NULL);
    }
    load->bridge = xstrdup(bridge);
    load->id = id;
    load->file = xstrdup(file);
    load->program = nullable_xstrdup(program);
    load->conn = conn;
    ovs_list_push_back(&loads, &load->node);
    VLOG_INFO("%s: loading program %"PRIu32" from %s%s%s", bridge, id, file,
              program ? " program " : "", program ? program : "");

    ovs_mutex_lock(&load_mutex);
    ovs_list_push_back(&load_queue, &load->queue_node);
    xpthread_cond_signal(&load_cond);
    ovs_mutex_unlock(&load_mutex);
}

/* Cancels 'load', a load in progress: its command gets the error "BRIDGE:
 * loading program ID was cancelled: 'why'" now, and bpf_run() discards the
 * program when the loader is done with it. */
static void
load_cancel(struct bpf_load *load, const char *why)
{
    char *msg = xasprintf("%s: loading program %"PRIu32" was cancelled: %s",
                          load->bridge, load->id, why);

    VLOG_INFO("%s", msg);
    unixctl_command_reply_error(load->conn, msg);
    load->conn = NULL;
    free(msg);
}

/* Installs the program of 'load', which the loader is done with, and
 * answers its command, unless it was cancelled.  Frees 'load'. */
static void
load_finish(struct bpf_load *load)
{
    struct bpf_prog *prog = load->prog;
    char *error = load->error;

    if (load->conn && prog) {
        ovs_mutex_lock(&registry_mutex);
        if (!check_new_id(load->bridge, load->id, &error)) {
            registry_insert(prog, load->bridge, load->id, &load->cpu);
            prog = NULL;
        }
        ovs_mutex_unlock(&registry_mutex);
    }
    if (load->conn) {
        if (error) {
            struct ds s = DS_EMPTY_INITIALIZER;

            format_open_cpu(&load->cpu, &s);
            VLOG_INFO("%s: program %"PRIu32" not loaded (%s): %s",
                      load->bridge, load->id, ds_cstr(&s), error);
            ds_destroy(&s);
            unixctl_command_reply_error(load->conn, error);
        } else {
            char *reply = xasprintf("handle %"PRIu32,
                                    bpf_prog_handle(load->prog));

            unixctl_command_reply(load->conn, reply);
            free(reply);
        }
    }
    bpf_prog_destroy(prog);
    free(error);
    free(load->bridge);
    free(load->file);
    free(load->program);
    free(load);
}

/* Finishes the loads that the loader thread is done with: installs their
 * programs and answers their "bpf/load" commands.  ovs-vswitchd's main loop
 * calls it. */
void
bpf_run(void)
{
    struct ovs_list done = OVS_LIST_INITIALIZER(&done);
    struct bpf_load *load;

    if (!loader_started || !latch_poll(&load_latch)) {
        return;
    }
    ovs_mutex_lock(&load_mutex);
    ovs_list_push_back_all(&done, &load_done);
    ovs_mutex_unlock(&load_mutex);

    LIST_FOR_EACH_POP (load, queue_node, &done) {
        ovs_list_remove(&load->node);
        load_finish(load);
    }
}

/* Makes poll_block() wake up when the loader thread finishes a load. */
void
bpf_wait(void)
{
    if (loader_started) {
        latch_wait(&load_latch);
    }
}

/* Removes 'prog' from the registry and frees it after an RCU grace period. */
static void
unload__(struct bpf_prog *prog)
    OVS_REQUIRES(registry_mutex)
{
    cmap_remove(&progs_by_name, &prog->name_node,
                name_hash(prog->bridge, prog->id));
    cmap_remove(&progs_by_handle, &prog->handle_node,
                hash_int(prog->handle, 0));
    handle_slot_update(prog, false);
    VLOG_INFO("%s: unloaded program %"PRIu32" (handle %"PRIu32")",
              prog->bridge, prog->id, prog->handle);
    ovsrcu_postpone(bpf_prog_destroy, prog);
}

/* Unloads program 'id' of 'bridge', or cancels its load if "bpf/load" is
 * loading it.  Threads that still hold a pointer to it may use it until they
 * quiesce.  Returns 0 or ENOENT.  Main thread only. */
int
bpf_registry_unload(const char *bridge, uint32_t id)
{
    struct bpf_load *load = find_load(bridge, id);
    int error = 0;

    if (load) {
        load_cancel(load, "unloaded");
        return 0;
    }
    ovs_mutex_lock(&registry_mutex);
    struct bpf_prog *prog = bpf_registry_find(bridge, id);
    if (prog) {
        unload__(prog);
        seq_change(bpf_registry_seq());
    } else {
        error = ENOENT;
    }
    ovs_mutex_unlock(&registry_mutex);
    return error;
}

/* Unloads every program of 'bridge', and cancels the loads in progress on
 * it.  Main thread only. */
void
bpf_registry_unload_bridge(const char *bridge)
{
    struct bpf_prog *prog;
    struct bpf_load *load;
    bool changed = false;

    LIST_FOR_EACH (load, node, &loads) {
        if (load->conn && !strcmp(load->bridge, bridge)) {
            load_cancel(load, "the bridge was deleted");
        }
    }

    ovs_mutex_lock(&registry_mutex);
    CMAP_FOR_EACH (prog, name_node, &progs_by_name) {
        if (!strcmp(prog->bridge, bridge)) {
            unload__(prog);
            changed = true;
        }
    }
    if (changed) {
        seq_change(bpf_registry_seq());
    }
    ovs_mutex_unlock(&registry_mutex);
}

/* Formatting. */

/* Appends the 'n' 'ranges' to 's' as "[0,14) [23,end)", or "none". */
void
bpf_ranges_format(const struct bpf_range *ranges, size_t n, struct ds *s)
{
    if (!n) {
        ds_put_cstr(s, "none");
    }
    for (size_t i = 0; i < n; i++) {
        if (i) {
            ds_put_char(s, ' ');
        }
        ds_put_format(s, "[%"PRIu32",", ranges[i].start);
        if (ranges[i].end == BPF_RANGE_UNBOUNDED) {
            ds_put_cstr(s, "end)");
        } else {
            ds_put_format(s, "%"PRIu32")", ranges[i].end);
        }
    }
}

/* What a variant adds to each program's description in "bpf/show". */
static void (*show_extra)(const struct bpf_prog *, struct ds *);

/* Makes "bpf/show" call 'cb' after each program's verdict, to append lines
 * of the form "  key: value\n" to its description (NULL: none). */
void
bpf_set_show_extra(void (*cb)(const struct bpf_prog *, struct ds *))
{
    show_extra = cb;
}

/* Appends the description of 'prog' that "bpf/show" prints to 's'. */
static void
prog_format(const struct bpf_prog *prog, struct ds *s)
{
    uint64_t runs, insns, faults;

    ds_put_format(s, "%s %"PRIu32":\n", prog->bridge, prog->id);
    ds_put_format(s, "  handle: %"PRIu32"\n", prog->handle);
    ds_put_format(s, "  file: %s\n", prog->file);
    ds_put_format(s, "  program: %s (section %s)\n", prog->elf.prog_name,
                  prog->elf.section);
    ds_put_format(s, "  insns: %"PRIuSIZE"\n", prog->elf.n_insns);
    ds_put_cstr(s, "  maps:");
    if (!prog->elf.n_maps) {
        ds_put_cstr(s, " none");
    }
    for (size_t i = 0; i < prog->elf.n_maps; i++) {
        const struct ebpf_map *m = prog->maps[i];

        ds_put_format(s, "%s %s (%s, key %"PRIu32", value %"PRIu32", max "
                      "%"PRIu32")", i ? "," : "", ebpf_map_name(m),
                      ebpf_map_type_name(ebpf_map_type(m)),
                      ebpf_map_key_size(m), ebpf_map_value_size(m),
                      ebpf_map_max_entries(m));
    }
    ds_put_cstr(s, "\n  reads: ");
    bpf_ranges_format(prog->verdict.reads, prog->verdict.n_reads, s);
    ds_put_cstr(s, "\n  writes: ");
    bpf_ranges_format(prog->verdict.writes, prog->verdict.n_writes, s);
    ds_put_format(s, "\n  writes_packet: %s\n",
                  bpf_prog_writes_packet(prog) ? "true" : "false");
    if (prog->verdict.changes_len) {
        ds_put_format(s, "  changes_length: true (first at insn %"PRIuSIZE
                      ")\n", prog->verdict.first_len_insn);
    } else {
        ds_put_cstr(s, "  changes_length: false\n");
    }
    if (show_extra) {
        show_extra(prog, s);
    }
    size_t code_size;
    if (bpf_prog_jitted(prog, &code_size)) {
        ds_put_format(s, "  jit: yes (%"PRIuSIZE" bytes%s)\n", code_size,
                      (bpf_get_jit_mode() == BPF_JIT_CHECKED
                       ? ", every access checked" : ""));
    } else if (prog->jit_error) {
        ds_put_format(s, "  jit: no (%s)\n", prog->jit_error);
    } else {
        ds_put_cstr(s, "  jit: no\n");
    }
    bpf_prog_get_stats(prog, &runs, &insns, &faults);
    ds_put_format(s, "  runs: %"PRIu64"\n", runs);
    ds_put_format(s, "  insns_executed: %"PRIu64"\n", insns);
    ds_put_format(s, "  faults: %"PRIu64"\n", faults);
}

/* ovs-appctl commands. */

/* qsort() comparison of two programs by bridge name, then id. */
static int
compare_progs(const void *a_, const void *b_)
{
    const struct bpf_prog *const *a = a_;
    const struct bpf_prog *const *b = b_;
    int cmp = strcmp((*a)->bridge, (*b)->bridge);

    return cmp ? cmp : (*a)->id < (*b)->id ? -1 : (*a)->id > (*b)->id;
}

/* Parses 'bridge' and 'id_s'; replies an error on 'conn' and returns false if
 * they do not name a loaded program (if 'prog' is nonnull) or are invalid. */
static bool
parse_prog_args(struct unixctl_conn *conn, const char *bridge,
                const char *id_s, uint32_t *idp, struct bpf_prog **progp)
{
    unsigned int id;

    if (bridge_exists && !bridge_exists(bridge)) {
        char *msg = xasprintf("%s: no such bridge", bridge);
        unixctl_command_reply_error(conn, msg);
        free(msg);
        return false;
    }
    if (!str_to_uint(id_s, 10, &id)) {
        char *msg = xasprintf("%s: invalid program id (expected an integer "
                              "from 0 to %u)", id_s, UINT32_MAX);
        unixctl_command_reply_error(conn, msg);
        free(msg);
        return false;
    }
    *idp = id;
    if (progp) {
        *progp = bpf_registry_find(bridge, id);
        if (!*progp) {
            char *msg = xasprintf("%s: no program %u", bridge, id);
            unixctl_command_reply_error(conn, msg);
            free(msg);
            return false;
        }
    }
    return true;
}

/* "bpf/load BRIDGE ID FILE [PROGRAM]": replies "handle N" or the reason of
 * a refusal, once the loader thread is done with the program. */
static void
bpf_unixctl_load(struct unixctl_conn *conn, int argc, const char *argv[],
                 void *aux OVS_UNUSED)
{
    char *error = NULL;
    uint32_t id;

    if (!parse_prog_args(conn, argv[1], argv[2], &id, NULL)) {
        return;
    }
    ovs_mutex_lock(&registry_mutex);
    check_new_id(argv[1], id, &error);
    ovs_mutex_unlock(&registry_mutex);
    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
        return;
    }
    load_start(conn, argv[1], id, argv[3], argc > 4 ? argv[4] : NULL);
}

/* "bpf/loader-pause" and "bpf/loader-resume" (for tests): the loader thread
 * starts no load while paused. */
static void
bpf_unixctl_loader_pause(struct unixctl_conn *conn, int argc OVS_UNUSED,
                         const char *argv[] OVS_UNUSED, void *pause_)
{
    bool *pause = pause_;

    ovs_mutex_lock(&load_mutex);
    loader_paused = *pause;
    if (loader_started) {
        xpthread_cond_signal(&load_cond);
    }
    ovs_mutex_unlock(&load_mutex);
    unixctl_command_reply(conn, NULL);
}

/* "bpf/unload BRIDGE ID": also cancels a load in progress. */
static void
bpf_unixctl_unload(struct unixctl_conn *conn, int argc OVS_UNUSED,
                   const char *argv[], void *aux OVS_UNUSED)
{
    uint32_t id;

    if (!parse_prog_args(conn, argv[1], argv[2], &id, NULL)) {
        return;
    }
    if (bpf_registry_unload(argv[1], id)) {
        char *msg = xasprintf("%s: no program %"PRIu32, argv[1], id);

        unixctl_command_reply_error(conn, msg);
        free(msg);
    } else {
        unixctl_command_reply(conn, NULL);
    }
}

/* "bpf/show [BRIDGE]": every program, sorted by bridge and id. */
static void
bpf_unixctl_show(struct unixctl_conn *conn, int argc, const char *argv[],
                 void *aux OVS_UNUSED)
{
    const char *bridge = argc > 1 ? argv[1] : NULL;
    struct ds s = DS_EMPTY_INITIALIZER;
    struct bpf_prog **progs;
    struct bpf_prog *prog;
    size_t n = 0;

    if (bridge && bridge_exists && !bridge_exists(bridge)) {
        char *msg = xasprintf("%s: no such bridge", bridge);
        unixctl_command_reply_error(conn, msg);
        free(msg);
        return;
    }

    progs = xmalloc((cmap_count(&progs_by_name) + 1) * sizeof *progs);
    CMAP_FOR_EACH (prog, name_node, &progs_by_name) {
        if (!bridge || !strcmp(prog->bridge, bridge)) {
            progs[n++] = prog;
        }
    }
    qsort(progs, n, sizeof *progs, compare_progs);
    for (size_t i = 0; i < n; i++) {
        prog_format(progs[i], &s);
    }
    free(progs);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* Finds map 'name' of 'prog'; replies an error on 'conn' if there is none. */
static struct ebpf_map *
find_map_arg(struct unixctl_conn *conn, struct bpf_prog *prog,
             const char *name)
{
    struct ebpf_map *map = bpf_prog_map(prog, name);

    if (!map) {
        char *msg = xasprintf("%s %"PRIu32": no map '%s'", prog->bridge,
                              prog->id, name);
        unixctl_command_reply_error(conn, msg);
        free(msg);
    }
    return map;
}

/* Parses the hex string 's' (optionally "0x"-prefixed) into exactly 'size'
 * bytes at 'out'.  Returns true on success. */
static bool
parse_hex_bytes(const char *s, uint8_t *out, size_t size)
{
    if (!strncmp(s, "0x", 2)) {
        s += 2;
    }
    if (strlen(s) != 2 * size) {
        return false;
    }
    for (size_t i = 0; i < size; i++) {
        int hi = hexit_value(s[2 * i]);
        int lo = hexit_value(s[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            return false;
        }
        out[i] = hi << 4 | lo;
    }
    return true;
}

/* "bpf/map-dump BRIDGE ID MAP": one "key=HEX value=HEX" line per entry. */
static void
bpf_unixctl_map_dump(struct unixctl_conn *conn, int argc OVS_UNUSED,
                     const char *argv[], void *aux OVS_UNUSED)
{
    struct bpf_prog *prog;
    struct ebpf_map *map;
    uint32_t id;

    if (parse_prog_args(conn, argv[1], argv[2], &id, &prog)
        && (map = find_map_arg(conn, prog, argv[3])) != NULL) {
        struct ds s = DS_EMPTY_INITIALIZER;

        ebpf_map_format(map, &s);
        unixctl_command_reply(conn, ds_cstr(&s));
        ds_destroy(&s);
    }
}

/* Returns a message for 'error' returned by ebpf_map_update() or
 * ebpf_map_delete() on a map of 'type'. */
static const char *
map_error_string(uint32_t type, int error)
{
    switch (error) {
    case ENOENT:
        return "no such key";
    case EINVAL:
        return (type == EBPF_MAP_TYPE_ARRAY
                || type == EBPF_MAP_TYPE_PERCPU_ARRAY
                ? "the entries of an array map cannot be deleted"
                : "invalid argument");
    case E2BIG:
        return (type == EBPF_MAP_TYPE_ARRAY
                || type == EBPF_MAP_TYPE_PERCPU_ARRAY
                ? "index out of range" : "the map is full");
    case EPERM:
        return "the map is frozen (read-only global data)";
    default:
        return ovs_strerror(error);
    }
}

/* Handles "bpf/map-update BRIDGE ID MAP KEY VALUE" or, if 'delete',
 * "bpf/map-delete BRIDGE ID MAP KEY". */
static void
map_change(struct unixctl_conn *conn, const char *argv[], bool delete)
{
    struct bpf_prog *prog;
    struct ebpf_map *map;
    uint32_t id;

    if (!parse_prog_args(conn, argv[1], argv[2], &id, &prog)
        || !(map = find_map_arg(conn, prog, argv[3]))) {
        return;
    }

    uint8_t *key = xmalloc(ebpf_map_key_size(map));
    uint8_t *value = xmalloc(ebpf_map_value_size(map));
    char *msg = NULL;
    if (!parse_hex_bytes(argv[4], key, ebpf_map_key_size(map))) {
        msg = xasprintf("%s: key must be %"PRIu32" bytes in hex", argv[4],
                        ebpf_map_key_size(map));
    } else if (!delete && !parse_hex_bytes(argv[5], value,
                                           ebpf_map_value_size(map))) {
        msg = xasprintf("%s: value must be %"PRIu32" bytes in hex", argv[5],
                        ebpf_map_value_size(map));
    } else {
        int error = (delete
                     ? ebpf_map_delete_user(map, key)
                     : ebpf_map_update_user(map, key, value, EBPF_MAP_ANY));
        if (error) {
            msg = xasprintf("map '%s': %s", argv[3],
                            map_error_string(ebpf_map_type(map), -error));
        }
    }
    if (msg) {
        unixctl_command_reply_error(conn, msg);
        free(msg);
    } else {
        unixctl_command_reply(conn, NULL);
    }
    free(key);
    free(value);
}

/* "bpf/map-update BRIDGE ID MAP KEY VALUE". */
static void
bpf_unixctl_map_update(struct unixctl_conn *conn, int argc OVS_UNUSED,
                       const char *argv[], void *aux OVS_UNUSED)
{
    map_change(conn, argv, false);
}

/* "bpf/map-delete BRIDGE ID MAP KEY". */
static void
bpf_unixctl_map_delete(struct unixctl_conn *conn, int argc OVS_UNUSED,
                       const char *argv[], void *aux OVS_UNUSED)
{
    map_change(conn, argv, true);
}

/* Registers the "bpf/..." ovs-appctl commands. */
static void
bpf_unixctl_init(void)
{
    static bool pause = true;
    static bool resume = false;

    unixctl_command_register("bpf/load", "BRIDGE ID FILE [PROGRAM]", 3, 4,
                             bpf_unixctl_load, NULL);
    unixctl_command_register("bpf/unload", "BRIDGE ID", 2, 2,
                             bpf_unixctl_unload, NULL);
    unixctl_command_register("bpf/loader-pause", "", 0, 0,
                             bpf_unixctl_loader_pause, &pause);
    unixctl_command_register("bpf/loader-resume", "", 0, 0,
                             bpf_unixctl_loader_pause, &resume);
    unixctl_command_register("bpf/show", "[BRIDGE]", 0, 1,
                             bpf_unixctl_show, NULL);
    unixctl_command_register("bpf/map-dump", "BRIDGE ID MAP", 3, 3,
                             bpf_unixctl_map_dump, NULL);
    unixctl_command_register("bpf/map-update", "BRIDGE ID MAP KEY VALUE", 5,
                             5, bpf_unixctl_map_update, NULL);
    unixctl_command_register("bpf/map-delete", "BRIDGE ID MAP KEY", 4, 4,
                             bpf_unixctl_map_delete, NULL);
}
