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

#ifndef BPF_H
#define BPF_H 1

/* BPF extension runtime: the interface that the extension variants use.
 *
 * Programs are XDP-shaped ELF objects compiled by clang.  They are loaded per
 * bridge under a user-chosen 32-bit 'id' ("ovs-appctl bpf/load BRIDGE ID
 * FILE"), verified at load time, and run by an interpreter on the real packet.
 * Each loaded program also gets a datapath-wide 'handle' (nonzero, not reused
 * while the program is loaded): datapath actions and filter chains carry the
 * handle, because one "ovs-netdev" datapath serves every netdev bridge.
 *
 * Thread safety: lookups return RCU-protected pointers, valid until the
 * calling thread quiesces.  bpf_prog_run() may be called concurrently from
 * any thread (PMD, main, handler, revalidator).  Loads and unloads happen on
 * the main thread. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dp_packet;
struct ds;
struct seq;
struct bpf_prog;
struct ebpf_map;

/* XDP return codes, as in <linux/bpf.h>. */
enum bpf_xdp_action {
    BPF_XDP_ABORTED = 0,
    BPF_XDP_DROP = 1,
    BPF_XDP_PASS = 2,
    BPF_XDP_TX = 3,
    BPF_XDP_REDIRECT = 4,
};

/* Returned by bpf_prog_run() when the program faulted at run time (an
 * out-of-bounds access caught by the interpreter's own checks, which the
 * verifier should have made impossible). */
#define BPF_RUN_FAULT UINT64_MAX

/* A byte range [start, end) of the packet, as offsets from its first byte
 * (the Ethernet header).  'end' == BPF_RANGE_UNBOUNDED means "up to the end of
 * the packet, whatever its length": the verifier could not bound the
 * offset. */
#define BPF_RANGE_UNBOUNDED UINT32_MAX
struct bpf_range {
    uint32_t start;
    uint32_t end;
};

/* What the verifier proved about a program's packet accesses.  Ranges are
 * sorted and merged.  A program that may write no byte has n_writes == 0. */
struct bpf_verdict {
    struct bpf_range *reads;
    size_t n_reads;
    struct bpf_range *writes;
    size_t n_writes;
    size_t first_write_insn;    /* If n_writes > 0: index of the first
                                 * instruction that may write the packet, for
                                 * error messages. */
    bool verifier_merged;       /* The verifier needed its merging pass. */
    uint64_t verifier_processed;    /* Instructions it interpreted. */
    uint64_t verifier_compared;     /* Pairs of states it compared. */

    /* The program's inputs other than packet bytes, for callers that need
     * to know what its result depends on (e.g. folding a filter into a
     * cached flow).  Each over-approximates every path. */
    uint64_t helpers;           /* Bit N: may call helper N (N < 64). */
    uint32_t ctx_reads;         /* Bit N: may read the struct xdp_md field
                                 * at byte offset 4 * N. */
    uint32_t len_compared;      /* The packet's length matters only up to
                                 * here: every comparison of a packet
                                 * pointer with the packet's end has the
                                 * same outcome for all packets at least
                                 * this long (0: no comparison;
                                 * BPF_RANGE_UNBOUNDED: no such length). */
    bool uses_len;              /* Computes a distance between packet
                                 * pointers (e.g. data_end - data), which
                                 * makes the packet's length a value. */

    /* A program that may change the packet's length (bpf_xdp_adjust_head()
     * or bpf_xdp_adjust_tail()) has reads and writes [0, end): every byte
     * may move, so every variant must treat every byte as read and written
     * (and 'uses_len' and 'len_compared' say the length matters). */
    bool changes_len;
    size_t first_len_insn;      /* If 'changes_len': the first instruction
                                 * that may change it, for messages. */
};

void bpf_init(void);

/* "bpf/load" verifies programs in a thread of its own and replies later:
 * ovs-vswitchd's main loop calls bpf_run(), which installs the programs that
 * thread is done with and replies, and bpf_wait(). */
void bpf_run(void);
void bpf_wait(void);

/* Registry. */
int bpf_registry_load(const char *bridge, uint32_t id, const char *file,
                      char **errorp);
int bpf_registry_unload(const char *bridge, uint32_t id);
struct bpf_prog *bpf_registry_find(const char *bridge, uint32_t id);
struct bpf_prog *bpf_registry_get(uint32_t handle);
struct seq *bpf_registry_seq(void);

/* Program properties. */
uint32_t bpf_prog_id(const struct bpf_prog *);
uint32_t bpf_prog_handle(const struct bpf_prog *);
const struct bpf_verdict *bpf_prog_verdict(const struct bpf_prog *);
bool bpf_prog_writes_packet(const struct bpf_prog *);

/* Execution.  Runs 'prog' on the bytes of 'packet' (its real data and
 * length; the program may change bytes, and the length if its verdict says
 * 'changes_len').  Returns the program's return value, or BPF_RUN_FAULT.
 * Counts runs and instructions. */
uint64_t bpf_prog_run(struct bpf_prog *, struct dp_packet *);

/* Additions to the interface above (nothing above changed meaning). */

/* The return value of bpf_prog_run() is the program's r0 truncated to 32
 * bits, as the kernel does for XDP programs, so it never equals
 * BPF_RUN_FAULT. */

/* Registry and programs outside it (below): an ELF object may hold several
 * programs; the "_program" functions take the name of the one to load (its
 * function name), or NULL for the only one.  The functions without it load
 * the only one. */
int bpf_registry_load_program(const char *bridge, uint32_t id,
                              const char *file, const char *program,
                              char **errorp);
int bpf_prog_open_program(const char *file, const char *program,
                          struct bpf_prog **progp, char **errorp);

/* A packet in a buffer with room around it, whose length a program may
 * change (bpf_xdp_adjust_head(), bpf_xdp_adjust_tail()): the packet's first
 * byte and length, and how many bytes before and after it the program may
 * grow the packet into.  bpf_prog_run_buf() updates all four.  The bytes a
 * program adds read as zeros. */
struct bpf_packet_buf {
    void *data;
    size_t size;
    size_t headroom;
    size_t tailroom;
};
uint64_t bpf_prog_run_buf(struct bpf_prog *, struct bpf_packet_buf *,
                          uint32_t in_port);

/* The room that bpf_prog_run() gives a program that may change a packet's
 * length in front of the packet (as XDP_PACKET_HEADROOM in Linux) and after
 * it, when the packet's buffer can be reallocated. */
#define BPF_XDP_HEADROOM 256
#define BPF_XDP_TAILROOM 256

/* Registry: bridges.  bpf_set_bridge_checker() installs a function that says
 * whether a bridge exists ("bpf/load" refuses other names); ofproto-dpif
 * installs one.  bpf_registry_unload_bridge() unloads every program of
 * 'bridge' (when the bridge is destroyed). */
void bpf_set_bridge_checker(bool (*exists)(const char *bridge));
void bpf_registry_unload_bridge(const char *bridge);

/* More program properties. */
const char *bpf_prog_bridge(const struct bpf_prog *);
const char *bpf_prog_file(const struct bpf_prog *);
size_t bpf_prog_n_insns(const struct bpf_prog *);
void bpf_prog_get_stats(const struct bpf_prog *, uint64_t *runs,
                        uint64_t *insns, uint64_t *faults);

/* Programs outside the registry (tests and tools): bpf_prog_open() loads,
 * verifies and prepares 'file' like "bpf/load" does, returning 0 or a
 * positive errno with a message in '*errorp' (bpf_prog_open_mem() does the
 * same for an object in memory, named 'name' in messages); bpf_prog_close()
 * frees it at once (no RCU).  bpf_prog_run_data() runs a program on 'size'
 * bytes at 'data' (which it may modify, but not change the length of:
 * length changes fail with -EINVAL), with the context's ingress_ifindex set
 * to 'in_port'. */
int bpf_prog_open(const char *file, struct bpf_prog **progp, char **errorp);
int bpf_prog_open_mem(const void *data, size_t size, const char *name,
                      struct bpf_prog **progp, char **errorp);
void bpf_prog_close(struct bpf_prog *);
uint64_t bpf_prog_run_data(struct bpf_prog *, void *data, size_t size,
                           uint32_t in_port);

/* Returns the map named 'name' of 'prog' (see bpf-map.h), or NULL; and the
 * name of the map with index 'i' in 'prog', or NULL if there is none. */
struct ebpf_map *bpf_prog_map(const struct bpf_prog *, const char *name);
const char *bpf_prog_map_name(const struct bpf_prog *, size_t i);

/* JIT compilation (see bpf-jit.h).  Programs are compiled when they are
 * loaded (x86-64 only); the mode chooses, at each run, between the
 * interpreter (BPF_JIT_OFF), the JIT code (BPF_JIT_ON), and JIT code that
 * keeps every run-time check, for differential testing (BPF_JIT_CHECKED).
 * ovs-vswitchd sets it from other_config:bpf-jit (true, false or checked).
 * bpf_jit_mode_from_string() parses those names (NULL: the default) into
 * '*modep' and returns true, or returns false. */
enum bpf_jit_mode {
    BPF_JIT_OFF,
    BPF_JIT_ON,
    BPF_JIT_CHECKED,
};
#define BPF_JIT_DEFAULT BPF_JIT_ON
void bpf_set_jit_mode(enum bpf_jit_mode);
enum bpf_jit_mode bpf_get_jit_mode(void);
bool bpf_jit_mode_from_string(const char *, enum bpf_jit_mode *modep);

/* Returns true if 'prog' runs as JIT code in the current mode, and then
 * stores its code size (bytes) in '*code_sizep'. */
bool bpf_prog_jitted(const struct bpf_prog *, size_t *code_sizep);

/* "bpf/show": makes it call 'cb' to append "  key: value\n" lines to each
 * program's description, after its verdict (NULL: nothing). */
void bpf_set_show_extra(void (*cb)(const struct bpf_prog *, struct ds *));

/* Formats 'n' ranges as "[0,14) [23,end)", or "none" if 'n' is 0. */
void bpf_ranges_format(const struct bpf_range *, size_t n, struct ds *);

#endif /* bpf.h */
