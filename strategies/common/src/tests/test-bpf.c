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

/* "ovstest test-bpf": the BPF extension runtime without a daemon.
 *
 *   verify FILE
 *       Loads and verifies FILE; prints the verdict as one JSON object:
 *       {"accepted": true, "insns": N, "reads": [[START, END], ...],
 *        "writes": [...], "writes_packet": BOOL, "changes_length": BOOL,
 *        ...}, where END is null for "to the end of the packet", or
 *       {"accepted": false, "reason": "..."} and exits with status 1.
 *
 *   run FILE PKT_HEX...
 *       Runs FILE once on each packet (hex bytes; "" is an empty packet), in
 *       order, with the same maps, and prints one JSON object per packet:
 *       {"retval": N, "packet": "HEX", "insns": N}, or {"retval": null,
 *       "fault": true, ...} if the run faulted (exit status 1).  "packet"
 *       is the packet after the run: a program may change its length within
 *       the room that the kernel's BPF_PROG_TEST_RUN gives (TEST_RUN_*
 *       below), so that both give the same results.
 *
 *   serve FILE
 *       Loads FILE once, then executes commands read from stdin, one per line,
 *       answering each with one JSON line: "run PKT_HEX [REPEAT]" (as "run"
 *       above; with REPEAT, the program runs that many times on the same
 *       buffer and the last return value is reported, like the kernel's
 *       BPF_PROG_TEST_RUN), "dump MAP" ({"entries": [[KEY_HEX, VALUE_HEX],
 *       ...]} sorted by key, or {"error": "..."}), "jit MODE" (sets the
 *       JIT mode, as --jit; replies {"jit": BOOL}: whether the program now
 *       runs as JIT code).  Maps persist between commands.
 *
 *   threads FILE PKT_HEX THREADS N
 *       Runs FILE N times on the packet in each of THREADS threads at once
 *       (each thread on its own copy), then prints {"runs": R, "insns": I,
 *       "faults": F, "maps": {NAME: [[KEY_HEX, VALUE_HEX], ...], ...}}: the
 *       run counters and every map, for checking that concurrent runs lose
 *       no update.
 *
 *   check-interp
 *       Runs the interpreter on hand-made programs that bypass the verifier
 *       and checks its own defences: what bpf_interp_prepare() refuses, which
 *       run-time accesses fault and why, and a few results with the kernel's
 *       semantics.  Prints one line per case and exits 1 if any fails.  With
 *       --jit=true or --jit=checked, the programs run as JIT code instead,
 *       which must fault and return exactly as the interpreter does.
 *
 *   bench FILE PKT_HEX N
 *       Runs FILE N times on the packet (as the kernel's BPF_PROG_TEST_RUN
 *       with "repeat", the packet is not reset between runs) and prints
 *       {"runs": N, "ns_per_run": X, "cpu_ns_per_run": X, "retval": N,
 *       "insns_per_run": X}: wall-clock time, and the thread's CPU time
 *       (which leaves out the time other threads had the CPU, as the
 *       kernel's BPF_PROG_TEST_RUN leaves out the time it yields).
 *
 *   random SEED PROGRAMS RUNS
 *       The verifier's soundness, as a property: generates PROGRAMS random
 *       programs (bpf-progen.h; program I from seed SEED and I), verifies
 *       each (every other one with the merging pass from the start, merging
 *       from the first, second or third state at a join point), and runs
 *       each accepted one on RUNS random packets with the verdict's ranges
 *       enforced.  Prints {"programs": N, "accepted": N, "accepted_merging":
 *       N, "runs": N, "faults": N, "range_faults": N, "max_verify_ms": X,
 *       "first_fault": {...}} and exits 1 if any run faulted: a fault means
 *       that the verifier accepted an unsafe program ("range_faults": a
 *       packet access outside the verdict).
 *
 *   random-show SEED I
 *       Prints program I of "random SEED" (one instruction per line, as
 *       hex: opcode, dst, src, offset, imm) and the verifier's verdict.
 *
 * The option --jit=true|false|checked, before the command, selects the JIT
 * mode (see bpf.h; default: the runtime's default); the environment
 * variable XB_BPF_JIT does the same when the option is absent.  "verify"
 * then also prints "jit": true or false and "jit_code_size".  The option
 * --program=NAME, before the command, selects the program of FILE to load
 * (needed if FILE holds several). */

#include <config.h>
#undef NDEBUG
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpf.h"
#include "bpf-insn.h"
#include "bpf-interp.h"
#include "bpf-jit.h"
#include "bpf-map.h"
#include "bpf-progen.h"
#include "bpf-verifier.h"
#include "command-line.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/util.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "ovstest.h"
#include "util.h"

/* The program to load from an object (--program), or NULL for its only
 * one. */
static const char *program_opt;

/* The room around a packet of BPF_PROG_TEST_RUN in Linux (XDP): 256 bytes of
 * headroom, of which struct xdp_frame takes 40, and a linear buffer of
 * 3520 bytes from the packet's first byte. */
#define TEST_RUN_HEADROOM 256
#define TEST_RUN_FRAME 40
#define TEST_RUN_LINEAR 3520

/* Returns program 'file', or exits 1 after printing why it was refused (as
 * verify's JSON if 'json_on_error'). */
static struct bpf_prog *
open_or_exit(const char *file, bool json_on_error)
{
    struct bpf_prog *prog;
    char *error;

    if (bpf_prog_open_program(file, program_opt, &prog, &error)) {
        if (json_on_error) {
            struct json *j = json_object_create();

            json_object_put(j, "accepted", json_boolean_create(false));
            json_object_put_string(j, "reason", error);
            char *s = json_to_string(j, JSSF_SORT);
            puts(s);
            free(s);
            json_destroy(j);
        } else {
            fprintf(stderr, "%s\n", error);
        }
        free(error);
        exit(1);
    }
    return prog;
}

/* Returns the 'n' 'ranges' as JSON [[start, end or null], ...]. */
static struct json *
ranges_to_json(const struct bpf_range *ranges, size_t n)
{
    struct json *array = json_array_create_empty();

    for (size_t i = 0; i < n; i++) {
        struct json *pair = json_array_create_empty();

        json_array_add(pair, json_integer_create(ranges[i].start));
        json_array_add(pair, (ranges[i].end == BPF_RANGE_UNBOUNDED
                              ? json_null_create()
                              : json_integer_create(ranges[i].end)));
        json_array_add(array, pair);
    }
    return array;
}

/* Returns the bytes of hex string 's' (malloc'd), their number in '*sizep'. */
static uint8_t *
parse_hex_or_exit(const char *s, size_t *sizep)
{
    size_t len = strlen(s);
    uint8_t *data = xmalloc(len / 2 + 1);

    if (len % 2) {
        ovs_fatal(0, "%s: odd number of hex digits", s);
    }
    for (size_t i = 0; i < len / 2; i++) {
        int hi = hexit_value(s[2 * i]);
        int lo = hexit_value(s[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            ovs_fatal(0, "%.20s...: not a hex string", s);
        }
        data[i] = hi << 4 | lo;
    }
    *sizep = len / 2;
    return data;
}

/* Prints 'j' on one line and frees it. */
static void
print_json(struct json *j)
{
    char *s = json_to_string(j, JSSF_SORT);

    puts(s);
    free(s);
    json_destroy(j);
}

/* "verify FILE". */
static void
do_verify(struct ovs_cmdl_context *ctx)
{
    struct bpf_prog *prog = open_or_exit(ctx->argv[1], true);
    const struct bpf_verdict *v = bpf_prog_verdict(prog);
    struct json *j = json_object_create();

    json_object_put(j, "accepted", json_boolean_create(true));
    json_object_put(j, "insns", json_integer_create(bpf_prog_n_insns(prog)));
    json_object_put(j, "reads", ranges_to_json(v->reads, v->n_reads));
    json_object_put(j, "writes", ranges_to_json(v->writes, v->n_writes));
    json_object_put(j, "writes_packet",
                    json_boolean_create(bpf_prog_writes_packet(prog)));
    json_object_put(j, "changes_length", json_boolean_create(v->changes_len));
    json_object_put(j, "merged", json_boolean_create(v->verifier_merged));
    json_object_put(j, "processed",
                    json_integer_create(v->verifier_processed));
    json_object_put(j, "compared",
                    json_integer_create(v->verifier_compared));
    size_t code_size = 0;
    json_object_put(j, "jit",
                    json_boolean_create(bpf_prog_jitted(prog, &code_size)));
    json_object_put(j, "jit_code_size", json_integer_create(code_size));
    print_json(j);
    bpf_prog_close(prog);
}

/* Runs 'prog' 'repeat' times on a copy of the 'size' bytes at 'data', in a
 * buffer with the room of the kernel's BPF_PROG_TEST_RUN (a run starts with
 * the packet that the one before left, as in the kernel), and returns the
 * result as JSON ("retval", "packet" after the runs, "insns"); sets
 * '*faulted' on a fault. */
static struct json *
run_packet(struct bpf_prog *prog, const uint8_t *data, size_t size,
           unsigned int repeat, bool *faulted)
{
    uint64_t runs, insns, faults, insns_before;
    struct json *j = json_object_create();
    struct ds hex = DS_EMPTY_INITIALIZER;
    size_t linear = MAX(size, TEST_RUN_LINEAR);
    uint8_t *room = xzalloc(TEST_RUN_HEADROOM + linear);
    struct bpf_packet_buf buf = {
        .data = room + TEST_RUN_HEADROOM,
        .size = size,
        .headroom = TEST_RUN_HEADROOM - TEST_RUN_FRAME,
        .tailroom = linear - size,
    };
    uint64_t ret = 0;

    memcpy(buf.data, data, size);
    bpf_prog_get_stats(prog, &runs, &insns_before, &faults);
    for (unsigned int i = 0; i < repeat; i++) {
        ret = bpf_prog_run_buf(prog, &buf, 0);
    }
    bpf_prog_get_stats(prog, &runs, &insns, &faults);
    for (size_t k = 0; k < buf.size; k++) {
        ds_put_format(&hex, "%02"PRIx8, ((uint8_t *) buf.data)[k]);
    }
    if (ret == BPF_RUN_FAULT) {
        json_object_put(j, "retval", json_null_create());
        json_object_put(j, "fault", json_boolean_create(true));
        *faulted = true;
    } else {
        json_object_put(j, "retval", json_integer_create(ret));
    }
    json_object_put_string(j, "packet", ds_cstr(&hex));
    json_object_put(j, "insns", json_integer_create(insns - insns_before));
    ds_destroy(&hex);
    free(room);
    return j;
}

/* "run FILE PKT_HEX...". */
static void
do_run(struct ovs_cmdl_context *ctx)
{
    struct bpf_prog *prog = open_or_exit(ctx->argv[1], false);
    bool faulted = false;

    for (int i = 2; i < ctx->argc; i++) {
        size_t size;
        uint8_t *data = parse_hex_or_exit(ctx->argv[i], &size);

        print_json(run_packet(prog, data, size, 1, &faulted));
        free(data);
    }
    bpf_prog_close(prog);
    exit(faulted ? 1 : 0);
}

/* Returns the entries of map 'name' of 'prog' as JSON. */
static struct json *
dump_map(struct bpf_prog *prog, const char *name)
{
    struct ebpf_map *map = bpf_prog_map(prog, name);
    struct json *j = json_object_create();

    if (!map) {
        char *msg = xasprintf("no map '%s'", name);
        json_object_put_string(j, "error", msg);
        free(msg);
        return j;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    struct json *entries = json_array_create_empty();
    ebpf_map_format(map, &s);

    char *save_ptr = NULL;
    for (char *line = strtok_r(ds_cstr(&s), "\n", &save_ptr); line;
         line = strtok_r(NULL, "\n", &save_ptr)) {
        char key[2 * EBPF_MAP_MAX_KEY_SIZE + 1];
        char *value = strstr(line, " value=");

        if (!strncmp(line, "key=", 4) && value
            && value - line - 4 < sizeof key) {
            struct json *pair = json_array_create_empty();

            ovs_strlcpy(key, line + 4, value - line - 4 + 1);
            json_array_add(pair, json_string_create(key));
            json_array_add(pair, json_string_create(value + 7));
            json_array_add(entries, pair);
        }
    }
    ds_destroy(&s);
    json_object_put(j, "entries", entries);
    return j;
}

/* "serve FILE": commands on stdin, one JSON reply per line. */
static void
do_serve(struct ovs_cmdl_context *ctx)
{
    struct bpf_prog *prog = open_or_exit(ctx->argv[1], false);
    struct ds line = DS_EMPTY_INITIALIZER;
    bool faulted = false;

    while (!ds_get_line(&line, stdin)) {
        char *save_ptr = NULL;
        char *cmd = strtok_r(ds_cstr(&line), " ", &save_ptr);
        char *arg = strtok_r(NULL, " ", &save_ptr);
        char *arg2 = strtok_r(NULL, " ", &save_ptr);
        struct json *reply;

        if (cmd && !strcmp(cmd, "run")) {
            unsigned int repeat = 1;
            size_t size;
            uint8_t *data = parse_hex_or_exit(arg ? arg : "", &size);

            if (arg2 && (!str_to_uint(arg2, 10, &repeat) || !repeat)) {
                ovs_fatal(0, "%s: repeat count must be a positive integer",
                          arg2);
            }
            reply = run_packet(prog, data, size, repeat, &faulted);
            free(data);
        } else if (cmd && !strcmp(cmd, "dump") && arg) {
            reply = dump_map(prog, arg);
        } else if (cmd && !strcmp(cmd, "jit") && arg) {
            enum bpf_jit_mode mode;
            size_t code_size = 0;

            if (!bpf_jit_mode_from_string(arg, &mode)) {
                ovs_fatal(0, "jit %s: expected true, false or checked", arg);
            }
            bpf_set_jit_mode(mode);
            reply = json_object_create();
            json_object_put(reply, "jit", json_boolean_create(
                                bpf_prog_jitted(prog, &code_size)));
        } else {
            ovs_fatal(0, "unknown command '%s' (expected run, dump or jit)",
                      cmd ? cmd : "");
        }
        print_json(reply);
        fflush(stdout);
    }
    ds_destroy(&line);
    bpf_prog_close(prog);
}

struct thread_arg {
    struct bpf_prog *prog;
    const uint8_t *pkt;
    size_t size;
    unsigned int n;
};

/* A thread of "threads": runs the program 'n' times. */
static void *
run_thread(void *arg_)
{
    struct thread_arg *arg = arg_;
    uint8_t *pkt = xmemdup(arg->pkt, arg->size ? arg->size : 1);

    for (unsigned int i = 0; i < arg->n; i++) {
        memcpy(pkt, arg->pkt, arg->size);
        bpf_prog_run_data(arg->prog, pkt, arg->size, 0);
        if (i % 1024 == 0) {
            ovsrcu_quiesce();
        }
    }
    free(pkt);
    return NULL;
}

/* "threads FILE PKT_HEX THREADS N". */
static void
do_threads(struct ovs_cmdl_context *ctx)
{
    struct bpf_prog *prog = open_or_exit(ctx->argv[1], false);
    unsigned int n_threads, n;
    size_t size;
    uint8_t *pkt = parse_hex_or_exit(ctx->argv[2], &size);

    if (!str_to_uint(ctx->argv[3], 10, &n_threads) || !n_threads
        || n_threads > 64 || !str_to_uint(ctx->argv[4], 10, &n)) {
        ovs_fatal(0, "THREADS must be 1 to 64 and N a count");
    }

    struct thread_arg arg = { prog, pkt, size, n };
    pthread_t *threads = xcalloc(n_threads, sizeof *threads);
    for (unsigned int i = 0; i < n_threads; i++) {
        threads[i] = ovs_thread_create("bpf-run", run_thread, &arg);
    }
    for (unsigned int i = 0; i < n_threads; i++) {
        xpthread_join(threads[i], NULL);
    }
    free(threads);

    uint64_t runs, insns, faults;
    bpf_prog_get_stats(prog, &runs, &insns, &faults);
    struct json *j = json_object_create();
    json_object_put(j, "runs", json_integer_create(runs));
    json_object_put(j, "insns", json_integer_create(insns));
    json_object_put(j, "faults", json_integer_create(faults));

    struct json *maps = json_object_create();
    for (size_t i = 0; ; i++) {
        const char *name = bpf_prog_map_name(prog, i);
        if (!name) {
            break;
        }
        struct json *dump = dump_map(prog, name);
        json_object_put(maps, name,
                        json_clone(shash_find_data(json_object(dump),
                                                   "entries")));
        json_destroy(dump);
    }
    json_object_put(j, "maps", maps);
    print_json(j);
    free(pkt);
    bpf_prog_close(prog);
}

/* Instruction constructors for check-interp. */
#define INSN(OP, DST, SRC, OFF, IMM) \
    { .opcode = (OP), .dst = (DST), .src = (SRC), .offset = (OFF), \
      .imm = (IMM) }
#define EXIT INSN(EBPF_CLS_JMP | EBPF_JMP_EXIT, 0, 0, 0, 0)
#define MOV64_K(DST, IMM) INSN(EBPF_CLS_ALU64 | EBPF_ALU_MOV, DST, 0, 0, IMM)
#define MOV64_X(DST, SRC) \
    INSN(EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, DST, SRC, 0, 0)
#define ALU64_X(OP, DST, SRC) \
    INSN(EBPF_CLS_ALU64 | (OP) | EBPF_SRC_X, DST, SRC, 0, 0)
#define ALU32_X(OP, DST, SRC) \
    INSN(EBPF_CLS_ALU | (OP) | EBPF_SRC_X, DST, SRC, 0, 0)
#define LDX(SIZE, DST, SRC, OFF) \
    INSN(EBPF_CLS_LDX | EBPF_MODE_MEM | (SIZE), DST, SRC, OFF, 0)
#define STX(SIZE, DST, SRC, OFF) \
    INSN(EBPF_CLS_STX | EBPF_MODE_MEM | (SIZE), DST, SRC, OFF, 0)
#define ST(SIZE, DST, OFF, IMM) \
    INSN(EBPF_CLS_ST | EBPF_MODE_MEM | (SIZE), DST, 0, OFF, IMM)
#define ATOMIC_ADD64(DST, SRC, OFF) \
    INSN(EBPF_CLS_STX | EBPF_MODE_ATOMIC | EBPF_SIZE_DW, DST, SRC, OFF, 0)
#define CALL(ID) INSN(EBPF_CLS_JMP | EBPF_JMP_CALL, 0, 0, 0, ID)
#define CALL_FN(OFF) \
    INSN(EBPF_CLS_JMP | EBPF_JMP_CALL, 0, EBPF_PSEUDO_CALL, 0, OFF)
#define ADD64_K(DST, IMM) INSN(EBPF_CLS_ALU64 | EBPF_ALU_ADD, DST, 0, 0, IMM)
#define JA(OFF) INSN(EBPF_CLS_JMP | EBPF_JMP_JA, 0, 0, OFF, 0)
#define JGT_X(DST, SRC, OFF) \
    INSN(EBPF_CLS_JMP | EBPF_JMP_JGT | EBPF_SRC_X, DST, SRC, OFF, 0)
#define LD_MAP(DST, INDEX) \
    INSN(EBPF_CLS_LD | EBPF_SIZE_DW | EBPF_MODE_IMM, DST, \
         EBPF_PSEUDO_MAP_FD, 0, INDEX), INSN(0, 0, 0, 0, 0)
#define LD_MAP_VALUE(DST, INDEX, OFF) \
    INSN(EBPF_CLS_LD | EBPF_SIZE_DW | EBPF_MODE_IMM, DST, \
         EBPF_PSEUDO_MAP_VALUE, 0, INDEX), INSN(0, 0, 0, 0, OFF)
#define LD_DATA(DST) LDX(EBPF_SIZE_W, DST, 1, EBPF_XDP_MD_DATA)
/* r2 = pointer to a zeroed 4-byte key on the stack; r1 = map 0. */
#define KEY_AND_MAP \
    ST(EBPF_SIZE_W, 10, -4, 0), MOV64_X(2, 10), \
    INSN(EBPF_CLS_ALU64 | EBPF_ALU_ADD, 2, 0, 0, -4), LD_MAP(1, 0)

struct interp_case {
    const char *name;
    struct ebpf_insn insns[16];
    const char *prepare_error;  /* Substring of the expected refusal. */
    const char *fault;          /* Expected fault reason, or NULL. */
    uint64_t retval;            /* Expected return value if no fault. */
    unsigned int flags;         /* CASE_*, or 'true' for CASE_ENFORCE. */
};

/* Flags of an interp_case. */
#define CASE_ENFORCE 1          /* Enforce reads [0,4) and writes [8,10). */
#define CASE_RESIZABLE 2        /* The packet has 16 bytes of headroom and
                                 * of tailroom: its length may change. */

static const struct interp_case interp_cases[] = {
    /* What bpf_interp_prepare() refuses. */
    { "jump out of range", { JA(5), EXIT }, "out of range", NULL, 0, false },
    { "falls off the end", { MOV64_K(0, 0) }, "falls off", NULL, 0, false },
    { "register r11", { MOV64_K(11, 0), EXIT }, "invalid register",
      NULL, 0, false },
    { "unknown helper", { CALL(99), EXIT }, "unknown helper", NULL, 0, false },
    { "kfunc call",
      { INSN(EBPF_CLS_JMP | EBPF_JMP_CALL, 0, 2, 0, 1), EXIT, EXIT },
      "not supported", NULL, 0, false },
    { "call out of range", { CALL_FN(5), EXIT }, "call out of range",
      NULL, 0, false },
    { "call into ld_imm64", { CALL_FN(2), EXIT, LD_MAP(1, 0), EXIT },
      "call into the middle of ld_imm64", NULL, 0, false },
    { "map index out of range", { LD_MAP(1, 5), EXIT }, "unknown map",
      NULL, 0, false },
    { "incomplete ld_imm64",
      { INSN(EBPF_CLS_LD | EBPF_SIZE_DW | EBPF_MODE_IMM, 0, 0, 0, 0) },
      "incomplete", NULL, 0, false },
    { "jump into ld_imm64", { JA(1), LD_MAP(1, 0), EXIT },
      "middle of ld_imm64", NULL, 0, false },
    { "sdiv (cpu v4)",
      { INSN(EBPF_CLS_ALU64 | EBPF_ALU_DIV | EBPF_SRC_X, 0, 0, 1, 0),
        EXIT }, "cpu v4", NULL, 0, false },

    /* Run-time bounds checks. */
    { "packet read at the last byte",
      { LD_DATA(2), LDX(EBPF_SIZE_B, 0, 2, 15), EXIT }, NULL, NULL, 15,
      false },
    { "packet read past the end",
      { LD_DATA(2), LDX(EBPF_SIZE_B, 0, 2, 16), EXIT }, NULL,
      "load out of bounds", 0, false },
    { "packet read before the start",
      { LD_DATA(2), LDX(EBPF_SIZE_B, 0, 2, -1), EXIT }, NULL,
      "load out of bounds", 0, false },
    { "packet write straddling the end",
      { LD_DATA(2), ST(EBPF_SIZE_DW, 2, 12, 0), EXIT }, NULL,
      "store out of bounds", 0, false },
    { "stack at its bottom",
      { ST(EBPF_SIZE_DW, 10, -512, 7), LDX(EBPF_SIZE_DW, 0, 10, -512),
        EXIT }, NULL, NULL, 7, false },
    { "stack above the frame pointer",
      { LDX(EBPF_SIZE_DW, 0, 10, 0), EXIT }, NULL, "load out of bounds", 0,
      false },
    { "stack below its bottom",
      { ST(EBPF_SIZE_B, 10, -513, 0), EXIT }, NULL, "store out of bounds",
      0, false },
    { "context write",
      { ST(EBPF_SIZE_W, 1, 0, 0), EXIT }, NULL, "store out of bounds", 0,
      false },
    { "narrow context load",
      { LDX(EBPF_SIZE_B, 0, 1, 0), EXIT }, NULL, "bad context access", 0,
      false },
    { "data_end - data",
      { LD_DATA(2), LDX(EBPF_SIZE_W, 0, 1, EBPF_XDP_MD_DATA_END),
        ALU64_X(EBPF_ALU_SUB, 0, 2), EXIT }, NULL, NULL, 16, false },
    /* Packet pointers that the JIT's own analysis follows: a select of a
     * packet pointer and 0 (taken as 0 here, so the access must fault as
     * in the interpreter), and lengths learned from data_end. */
    { "select of 0 and a packet pointer, as 0",
      { LD_DATA(2), MOV64_K(3, 0),
        INSN(EBPF_CLS_JMP | EBPF_JMP_JNE, 1, 0, 1, 0), MOV64_X(3, 2),
        LDX(EBPF_SIZE_B, 0, 3, 4), EXIT }, NULL, "load out of bounds", 0,
      false },
    { "select of 0 and a packet pointer, as the pointer",
      { LD_DATA(2), MOV64_K(3, 0),
        INSN(EBPF_CLS_JMP | EBPF_JMP_JEQ, 1, 0, 1, 0), MOV64_X(3, 2),
        LDX(EBPF_SIZE_B, 0, 3, 4), EXIT }, NULL, NULL, 4, false },
    { "read guarded by data_end >= data + 16",
      { LD_DATA(2), LDX(EBPF_SIZE_W, 3, 1, EBPF_XDP_MD_DATA_END),
        MOV64_X(4, 2), INSN(EBPF_CLS_ALU64 | EBPF_ALU_ADD, 4, 0, 0, 16),
        MOV64_K(0, 99),
        INSN(EBPF_CLS_JMP | EBPF_JMP_JGE | EBPF_SRC_X, 3, 4, 1, 0), EXIT,
        LDX(EBPF_SIZE_B, 0, 2, 15), EXIT }, NULL, NULL, 15, false },
    { "read past a data_end guard",
      { LD_DATA(2), LDX(EBPF_SIZE_W, 3, 1, EBPF_XDP_MD_DATA_END),
        MOV64_X(4, 2), INSN(EBPF_CLS_ALU64 | EBPF_ALU_ADD, 4, 0, 0, 16),
        MOV64_K(0, 99),
        INSN(EBPF_CLS_JMP | EBPF_JMP_JGT | EBPF_SRC_X, 4, 3, 1, 0),
        LDX(EBPF_SIZE_B, 0, 2, 16), EXIT }, NULL, "load out of bounds", 0,
      false },
    { "map value in bounds",
      { KEY_AND_MAP, CALL(EBPF_FUNC_map_lookup_elem),
        ST(EBPF_SIZE_DW, 0, 0, 3), LDX(EBPF_SIZE_DW, 0, 0, 0), EXIT },
      NULL, NULL, 3, false },
    { "map value past its end",
      { KEY_AND_MAP, CALL(EBPF_FUNC_map_lookup_elem),
        LDX(EBPF_SIZE_DW, 0, 0, 8), EXIT }, NULL, "load out of bounds", 0,
      false },
    { "helper with a stack pointer as map",
      { MOV64_X(1, 10), MOV64_X(2, 10), CALL(EBPF_FUNC_map_lookup_elem),
        EXIT }, NULL, "map_lookup_elem: bad map or key", 0, false },
    { "helper with a key past the packet",
      { LD_DATA(2), INSN(EBPF_CLS_ALU64 | EBPF_ALU_ADD, 2, 0, 0, 14),
        LD_MAP(1, 0), CALL(EBPF_FUNC_map_lookup_elem), EXIT }, NULL,
      "map_lookup_elem: bad map or key", 0, false },
    { "misaligned atomic",
      { MOV64_K(1, 1), ST(EBPF_SIZE_DW, 10, -16, 0),
        ST(EBPF_SIZE_DW, 10, -8, 0), ATOMIC_ADD64(10, 1, -12), EXIT },
      NULL, "misaligned atomic", 0, false },
    { "atomic on the packet",
      { LD_DATA(2), MOV64_K(1, 1), ATOMIC_ADD64(2, 1, 0), EXIT }, NULL,
      "atomic access to the packet", 0, false },

    /* The verifier's ranges, enforced. */
    { "read inside the read ranges",
      { LD_DATA(2), LDX(EBPF_SIZE_B, 0, 2, 3), EXIT }, NULL, NULL, 3,
      true },
    { "read outside the read ranges",
      { LD_DATA(2), LDX(EBPF_SIZE_B, 0, 2, 4), EXIT }, NULL,
      "packet read outside the verifier's read ranges", 0, true },
    { "read straddling the end of a read range",
      { LD_DATA(2), LDX(EBPF_SIZE_H, 0, 2, 3), EXIT }, NULL,
      "packet read outside the verifier's read ranges", 0, true },
    { "write inside the write ranges",
      { LD_DATA(2), ST(EBPF_SIZE_H, 2, 8, 0), MOV64_K(0, 1), EXIT }, NULL,
      NULL, 1, true },
    { "write outside the write ranges",
      { LD_DATA(2), ST(EBPF_SIZE_B, 2, 7, 0), EXIT }, NULL,
      "packet write outside the verifier's write ranges", 0, true },
    { "helper key outside the read ranges",
      { LD_DATA(2), INSN(EBPF_CLS_ALU64 | EBPF_ALU_ADD, 2, 0, 0, 8),
        LD_MAP(1, 0), CALL(EBPF_FUNC_map_lookup_elem), EXIT }, NULL,
      "map_lookup_elem: bad map or key", 0, true },

    /* Loops and bpf-to-bpf calls. */
    { "bounded loop",
      { MOV64_K(0, 0), ADD64_K(0, 1),
        INSN(EBPF_CLS_JMP | EBPF_JMP_JLT, 0, 0, -2, 10), EXIT }, NULL, NULL,
      10, false },
    { "infinite loop stops at the instruction limit",
      { MOV64_K(0, 0), JA(-2), EXIT }, NULL,
      "too many instructions executed (a loop?)", 0, false },
    { "call and return",
      { MOV64_K(0, 1), CALL_FN(1), EXIT, ADD64_K(0, 41), EXIT }, NULL, NULL,
      42, false },
    { "r6-r10 survive a call",
      { MOV64_K(6, 3), ST(EBPF_SIZE_DW, 10, -8, 4), CALL_FN(3),
        LDX(EBPF_SIZE_DW, 0, 10, -8), ALU64_X(EBPF_ALU_ADD, 0, 6), EXIT,
        MOV64_K(6, 9), ST(EBPF_SIZE_DW, 10, -8, 9), EXIT }, NULL, NULL, 7,
      false },
    { "a callee's stack starts zeroed, apart from its caller's",
      { ST(EBPF_SIZE_DW, 10, -8, 5), CALL_FN(1), EXIT,
        LDX(EBPF_SIZE_DW, 0, 10, -8), EXIT }, NULL, NULL, 0, false },
    { "a callee reads its caller's stack through a pointer",
      { ST(EBPF_SIZE_DW, 10, -8, 7), MOV64_X(1, 10), ADD64_K(1, -8),
        CALL_FN(1), EXIT, LDX(EBPF_SIZE_DW, 0, 1, 0), EXIT }, NULL, NULL, 7,
      false },
    { "a callee's stack ends at its frame pointer",
      { CALL_FN(1), EXIT, LDX(EBPF_SIZE_DW, 0, 10, 0), EXIT }, NULL,
      "load out of bounds", 0, false },
    { "a callee's stack ends 512 bytes below its frame pointer",
      { CALL_FN(1), EXIT, LDX(EBPF_SIZE_B, 0, 10, -513), EXIT }, NULL,
      "load out of bounds", 0, false },
    { "recursion stops at the frame limit",
      { MOV64_K(0, 0), CALL_FN(1), EXIT, CALL_FN(-1), EXIT }, NULL,
      "call stack too deep", 0, false },
    { "a call in a loop",
      { MOV64_K(6, 0), MOV64_K(7, 0), CALL_FN(5), ALU64_X(EBPF_ALU_ADD, 7, 0),
        ADD64_K(6, 1), INSN(EBPF_CLS_JMP | EBPF_JMP_JLT, 6, 0, -4, 3),
        MOV64_X(0, 7), EXIT, MOV64_X(0, 6), EXIT }, NULL, NULL, 3, false },

    /* Semantics. */
    { "div by zero is 0",
      { MOV64_K(0, 5), MOV64_K(1, 0), ALU64_X(EBPF_ALU_DIV, 0, 1), EXIT },
      NULL, NULL, 0, false },
    { "mod by zero keeps the dividend",
      { MOV64_K(0, 5), MOV64_K(1, 0), ALU64_X(EBPF_ALU_MOD, 0, 1), EXIT },
      NULL, NULL, 5, false },
    { "64-bit shifts are masked",
      { MOV64_K(0, 1), MOV64_K(1, 65), ALU64_X(EBPF_ALU_LSH, 0, 1), EXIT },
      NULL, NULL, 2, false },
    { "32-bit results are zero-extended",
      { MOV64_K(0, -1), MOV64_K(1, 1), ALU32_X(EBPF_ALU_ADD, 0, 1),
        ALU64_X(EBPF_ALU_ADD, 0, 1), EXIT }, NULL, NULL, 1, false },
    { "return value truncated to 32 bits",
      { MOV64_K(0, -1), EXIT }, NULL, NULL, UINT32_MAX, false },

    /* Global data: map 1 is a read-only single-entry array holding 42. */
    { "read-only global data: load",
      { LD_MAP_VALUE(2, 1, 0), LDX(EBPF_SIZE_DW, 0, 2, 0), EXIT }, NULL,
      NULL, 42, false },
    { "read-only global data: store",
      { LD_MAP_VALUE(2, 1, 0), ST(EBPF_SIZE_B, 2, 0, 0), EXIT }, NULL,
      "store to read-only global data", 0, false },
    { "read-only global data: atomic",
      { LD_MAP_VALUE(2, 1, 0), MOV64_K(3, 1), ATOMIC_ADD64(2, 3, 0),
        EXIT }, NULL, "atomic access out of bounds", 0, false },
    { "global data past its end",
      { LD_MAP_VALUE(2, 1, 4), LDX(EBPF_SIZE_DW, 0, 2, 0), EXIT }, NULL,
      "load out of bounds", 0, false },
    { "ld_imm64 of a value of an array of two",
      { LD_MAP_VALUE(2, 0, 0), EXIT }, "not global data", NULL, 0, false },
    { "ld_imm64 of a value past the end",
      { LD_MAP_VALUE(2, 1, 8), EXIT }, "not global data", NULL, 0, false },

    /* Helpers of bpf-helpers.c. */
    { "xdp_adjust_head with r1 not the context",
      { MOV64_X(1, 10), MOV64_K(2, 0), CALL(EBPF_FUNC_xdp_adjust_head),
        EXIT }, NULL, "xdp_adjust_head: R1 is not the context", 0, false },
    { "xdp_adjust_tail in a run that cannot change the length",
      { MOV64_K(2, -2), CALL(EBPF_FUNC_xdp_adjust_tail), EXIT }, NULL,
      NULL, (uint32_t) -EINVAL, false },
    { "csum_diff with a bad pointer",
      { MOV64_K(1, 0), MOV64_K(2, 0), MOV64_X(3, 10), MOV64_K(4, 4),
        MOV64_K(5, 0), CALL(EBPF_FUNC_csum_diff), EXIT }, NULL,
      "csum_diff: bad memory argument", 0, false },
    { "csum_diff of 4 bytes of the packet",
      { LD_DATA(3), MOV64_K(1, 0), MOV64_K(2, 0), MOV64_K(4, 4),
        MOV64_K(5, 0), CALL(EBPF_FUNC_csum_diff), EXIT }, NULL, NULL,
      0x0402, false },
    { "csum_diff of 3 bytes",
      { LD_DATA(3), MOV64_K(1, 0), MOV64_K(2, 0), MOV64_K(4, 3),
        MOV64_K(5, 0), CALL(EBPF_FUNC_csum_diff), EXIT }, NULL, NULL,
      0x0102, false },
    /* Length changes and bpf-to-bpf calls: a caller's packet pointers and
     * what it learned of the length are stale after a callee changed the
     * length, and a callee's after its caller did.  The JIT's proofs must
     * not outlive them (the verifier refuses such programs). */
    { "a callee's length change makes the caller's packet pointer stale",
      { LD_DATA(7), LDX(EBPF_SIZE_W, 8, 1, EBPF_XDP_MD_DATA_END),
        MOV64_X(2, 7), ADD64_K(2, 16), JGT_X(2, 8, 3), CALL_FN(4),
        LDX(EBPF_SIZE_B, 0, 7, 15), EXIT, MOV64_K(0, 0), EXIT,
        MOV64_K(2, -2), CALL(EBPF_FUNC_xdp_adjust_tail), EXIT }, NULL,
      "load out of bounds", 0, CASE_RESIZABLE },
    { "a length change before a call makes the callee's proofs stale",
      { MOV64_X(6, 1), MOV64_K(2, -2), CALL(EBPF_FUNC_xdp_adjust_tail),
        MOV64_X(1, 6), CALL_FN(1), EXIT,
        LD_DATA(2), LDX(EBPF_SIZE_B, 0, 2, 15), EXIT }, NULL,
      "load out of bounds", 0, CASE_RESIZABLE },
    { "a length change in a loop makes the next iteration's proofs stale",
      { MOV64_X(6, 1), MOV64_K(7, 0), LD_DATA(2),
        LDX(EBPF_SIZE_B, 0, 2, 14), MOV64_X(1, 6), MOV64_K(2, -1),
        CALL(EBPF_FUNC_xdp_adjust_tail), ADD64_K(7, 1),
        INSN(EBPF_CLS_JMP | EBPF_JMP_JLT | EBPF_SRC_K, 7, 0, -7, 3), EXIT },
      NULL, "load out of bounds", 0, CASE_RESIZABLE },
    { "trace_printk with a bad format pointer",
      { MOV64_K(1, 8), MOV64_K(2, 4), CALL(EBPF_FUNC_trace_printk), EXIT },
      NULL, "trace_printk: bad format argument", 0, false },
};

/* "check-interp": runs 'interp_cases'. */
static void
do_check_interp(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    struct ebpf_map *maps[2];
    char *error = NULL;
    int n_failed = 0;

    ovs_assert(!ebpf_map_create("values", EBPF_MAP_TYPE_ARRAY, 4, 8, 2, 0,
                                &maps[0], &error));
    ovs_assert(!ebpf_map_create(".rodata", EBPF_MAP_TYPE_ARRAY, 4, 8, 1,
                                EBPF_MAP_F_RDONLY_PROG, &maps[1], &error));
    ovs_assert(!ebpf_map_update_user(maps[1], &(uint32_t) { 0 },
                                     &(uint64_t) { 42 }, EBPF_MAP_ANY));
    for (size_t i = 0; i < ARRAY_SIZE(interp_cases); i++) {
        const struct interp_case *c = &interp_cases[i];
        struct bpf_interp_prog prog;
        size_t n = ARRAY_SIZE(c->insns);
        char *problem = NULL;

        /* The program ends at the last nonzero instruction. */
        while (n > 0 && !memcmp(&c->insns[n - 1], &(struct ebpf_insn) { 0 },
                                sizeof c->insns[0])) {
            n--;
        }

        int err = bpf_interp_prepare(&prog, c->insns, n, maps,
                                     ARRAY_SIZE(maps), &error);
        if (c->prepare_error) {
            if (!err) {
                problem = xstrdup("accepted");
            } else if (!strstr(error, c->prepare_error)) {
                problem = xasprintf("refused with \"%s\"", error);
            }
        } else if (err) {
            problem = xasprintf("refused: %s", error);
        } else {
            static const struct bpf_range reads[] = { { 0, 4 } };
            static const struct bpf_range writes[] = { { 8, 10 } };
            const struct bpf_verdict verdict = {
                .reads = CONST_CAST(struct bpf_range *, reads),
                .n_reads = 1,
                .writes = CONST_CAST(struct bpf_range *, writes),
                .n_writes = 1,
            };
            uint8_t room[48];
            uint8_t *pkt = room + 16;
            struct bpf_packet_buf buf = {
                .data = pkt, .size = 16, .headroom = 16, .tailroom = 16,
            };
            struct bpf_interp_fault fault;
            uint64_t n_insns = 0;

            if (c->flags & CASE_ENFORCE) {
                bpf_interp_enforce_ranges(&prog, &verdict);
            }
            memset(room, 0, sizeof room);
            for (size_t k = 0; k < 16; k++) {
                pkt[k] = k;
            }
            enum bpf_jit_mode mode = bpf_get_jit_mode();
            struct bpf_jit_prog *jit = NULL;
            uint64_t ret;

            if (mode != BPF_JIT_OFF) {
                ovs_assert(!bpf_jit_compile(&prog, mode == BPF_JIT_CHECKED,
                                            &jit, &error));
                ret = (c->flags & CASE_RESIZABLE
                       ? bpf_jit_run_buf(jit, &buf, true, NULL, &n_insns,
                                         &fault)
                       : bpf_jit_run(jit, pkt, 16, NULL, &n_insns,
                                     &fault));
                bpf_jit_destroy(jit);
            } else {
                ret = (c->flags & CASE_RESIZABLE
                       ? bpf_interp_run_buf(&prog, &buf, true, NULL, &n_insns,
                                            &fault)
                       : bpf_interp_run(&prog, pkt, 16, NULL,
                                        &n_insns, &fault));
            }
            if (c->fault && ret != BPF_RUN_FAULT) {
                problem = xasprintf("returned %"PRIu64" without a fault",
                                    ret);
            } else if (c->fault && strcmp(fault.reason, c->fault)) {
                problem = xasprintf("faulted with \"%s\"", fault.reason);
            } else if (!c->fault && ret != c->retval) {
                problem = (ret == BPF_RUN_FAULT
                           ? xasprintf("faulted at insn %"PRIuSIZE": %s",
                                       fault.pc, fault.reason)
                           : xasprintf("returned %"PRIu64", not %"PRIu64,
                                       ret, c->retval));
            }
        }
        bpf_interp_destroy(&prog);
        printf("%s: %s%s\n", c->name, problem ? "FAILED: " : "ok",
               problem ? problem : "");
        n_failed += problem != NULL;
        free(problem);
        free(error);
        error = NULL;
    }
    ebpf_map_destroy(maps[0]);
    ebpf_map_destroy(maps[1]);
    exit(n_failed ? 1 : 0);
}

/* Returns clock 'clock' in ns. */
static long long int
clock_ns(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* "bench FILE PKT_HEX N". */
static void
do_bench(struct ovs_cmdl_context *ctx)
{
    struct bpf_prog *prog = open_or_exit(ctx->argv[1], false);
    uint64_t runs, insns, faults;
    unsigned int n;
    size_t size;
    uint8_t *data = parse_hex_or_exit(ctx->argv[2], &size);
    uint64_t ret = 0;

    if (!str_to_uint(ctx->argv[3], 10, &n) || !n) {
        ovs_fatal(0, "%s: repeat count must be a positive integer",
                  ctx->argv[3]);
    }

    long long int start = clock_ns(CLOCK_MONOTONIC);
    long long int cpu_start = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    for (unsigned int i = 0; i < n; i++) {
        ret = bpf_prog_run_data(prog, data, size, 0);
    }
    long long int cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
    long long int elapsed = clock_ns(CLOCK_MONOTONIC) - start;

    bpf_prog_get_stats(prog, &runs, &insns, &faults);
    struct json *j = json_object_create();
    json_object_put(j, "runs", json_integer_create(n));
    json_object_put(j, "ns_per_run", json_real_create((double) elapsed / n));
    json_object_put(j, "cpu_ns_per_run", json_real_create((double) cpu / n));
    json_object_put(j, "insns_per_run", json_real_create((double) insns / n));
    json_object_put(j, "retval", (ret == BPF_RUN_FAULT
                                  ? json_null_create()
                                  : json_integer_create(ret)));
    print_json(j);
    free(data);
    bpf_prog_close(prog);
    exit(faults ? 1 : 0);
}

/* Generates program 'i' of "random 'seed'" into 'insns' (room for
 * PROGEN_MAX_INSNS), with the verifier options it is checked with in
 * '*opts'.  Returns its length. */
static size_t
random_program(uint64_t seed, uint64_t i, struct ebpf_insn *insns,
               struct bpf_verifier_opts *opts)
{
    struct progen_rng rng;
    int k;

    progen_init(&rng, NULL, 0, seed * UINT64_C(0x100000001b3) + i + 1);
    memset(opts, 0, sizeof *opts);
    if (i % 2) {
        opts->merge_only = true;
        opts->merge_threshold = 1 + (i / 2) % 3;
    }
    return progen_program(&rng, insns, &k);
}

/* Parses 'arg' as an unsigned integer for 'what', or exits. */
static uint64_t
parse_u64_or_exit(const char *arg, const char *what)
{
    char *end;
    unsigned long long int x = strtoull(arg, &end, 10);

    if (!*arg || *end) {
        ovs_fatal(0, "%s: %s must be a non-negative integer", arg, what);
    }
    return x;
}

/* "random SEED PROGRAMS RUNS". */
static void
do_random(struct ovs_cmdl_context *ctx)
{
    uint64_t seed = parse_u64_or_exit(ctx->argv[1], "SEED");
    uint64_t n_programs = parse_u64_or_exit(ctx->argv[2], "PROGRAMS");
    uint64_t n_runs = parse_u64_or_exit(ctx->argv[3], "RUNS");
    uint64_t accepted = 0, accepted_merging = 0, runs = 0, faults = 0;
    uint64_t range_faults = 0;
    long long int max_verify_ns = 0;
    struct json *first_fault = NULL;
    struct ebpf_insn *insns = xmalloc(PROGEN_MAX_INSNS * sizeof *insns);
    uint8_t *pkt = xmalloc(1514);

    for (uint64_t i = 0; i < n_programs; i++) {
        struct bpf_interp_prog interp = { .code = NULL };
        struct bpf_verdict verdict;
        struct bpf_verifier_opts opts;
        struct progen_rng rng;
        char *error = NULL;
        size_t n = random_program(seed, i, insns, &opts);
        long long int start = clock_ns(CLOCK_MONOTONIC);
        int err = bpf_verify_opts(insns, n, NULL, 0, &opts, &verdict,
                                  &error);

        max_verify_ns = MAX(max_verify_ns, clock_ns(CLOCK_MONOTONIC) - start);
        if (err) {
            free(error);
            continue;
        }
        accepted++;
        accepted_merging += verdict.verifier_merged;
        if (bpf_interp_prepare(&interp, insns, n, NULL, 0, &error)) {
            ovs_fatal(0, "program %"PRIu64": accepted by the verifier, "
                      "refused by the interpreter: %s", i, error);
        }
        bpf_interp_enforce_ranges(&interp, &verdict);
        progen_init(&rng, NULL, 0, ~(seed * UINT64_C(0x100000001b3) + i));
        for (uint64_t r = 0; r < n_runs; r++) {
            uint32_t kind = progen_below(&rng, 4);
            size_t size = (kind == 0 ? progen_below(&rng, 256)
                           : kind == 1 ? 256 + progen_below(&rng, 1259)
                           : 60 + progen_below(&rng, 120));
            struct bpf_interp_fault fault;
            uint64_t n_executed = 0;

            progen_packet(&rng, pkt, size);
            runs++;
            if (bpf_interp_run(&interp, pkt, size, NULL, &n_executed,
                               &fault) != BPF_RUN_FAULT) {
                continue;
            }
            faults++;
            range_faults += strstr(fault.reason, "verifier's") != NULL;
            if (!first_fault) {
                first_fault = json_object_create();
                json_object_put(first_fault, "program",
                                json_integer_create(i));
                json_object_put(first_fault, "run", json_integer_create(r));
                json_object_put(first_fault, "pc",
                                json_integer_create(fault.pc));
                json_object_put_string(first_fault, "reason", fault.reason);
                json_object_put(first_fault, "size",
                                json_integer_create(size));
                json_object_put(first_fault, "reads",
                                ranges_to_json(verdict.reads,
                                               verdict.n_reads));
                json_object_put(first_fault, "writes",
                                ranges_to_json(verdict.writes,
                                               verdict.n_writes));
            }
        }
        bpf_interp_destroy(&interp);
        bpf_verdict_destroy(&verdict);
    }

    struct json *j = json_object_create();
    json_object_put(j, "programs", json_integer_create(n_programs));
    json_object_put(j, "accepted", json_integer_create(accepted));
    json_object_put(j, "accepted_merging",
                    json_integer_create(accepted_merging));
    json_object_put(j, "runs", json_integer_create(runs));
    json_object_put(j, "faults", json_integer_create(faults));
    json_object_put(j, "range_faults", json_integer_create(range_faults));
    json_object_put(j, "max_verify_ms",
                    json_real_create(max_verify_ns / 1e6));
    json_object_put(j, "first_fault",
                    first_fault ? first_fault : json_null_create());
    print_json(j);
    free(insns);
    free(pkt);
    exit(faults ? 1 : 0);
}

/* "random-show SEED I". */
static void
do_random_show(struct ovs_cmdl_context *ctx)
{
    uint64_t seed = parse_u64_or_exit(ctx->argv[1], "SEED");
    uint64_t i = parse_u64_or_exit(ctx->argv[2], "I");
    struct ebpf_insn *insns = xmalloc(PROGEN_MAX_INSNS * sizeof *insns);
    struct bpf_verifier_opts opts;
    struct bpf_verdict verdict;
    char *error = NULL;
    size_t n = random_program(seed, i, insns, &opts);

    for (size_t k = 0; k < n; k++) {
        printf("%zu: %02x %d %d %d %"PRId32"\n", k, insns[k].opcode,
               insns[k].dst, insns[k].src, insns[k].offset, insns[k].imm);
    }
    if (bpf_verify_opts(insns, n, NULL, 0, &opts, &verdict, &error)) {
        printf("rejected: %s\n", error);
        free(error);
    } else {
        struct ds s = DS_EMPTY_INITIALIZER;

        bpf_ranges_format(verdict.reads, verdict.n_reads, &s);
        ds_put_cstr(&s, " / ");
        bpf_ranges_format(verdict.writes, verdict.n_writes, &s);
        printf("accepted%s: reads / writes %s\n",
               verdict.verifier_merged ? " (merging)" : "", ds_cstr(&s));
        ds_destroy(&s);
        bpf_verdict_destroy(&verdict);
    }
    free(insns);
}

static const struct ovs_cmdl_command commands[] = {
    {"verify", "FILE", 1, 1, do_verify, OVS_RO},
    {"run", "FILE PKT_HEX...", 2, INT_MAX, do_run, OVS_RO},
    {"serve", "FILE", 1, 1, do_serve, OVS_RO},
    {"threads", "FILE PKT_HEX THREADS N", 4, 4, do_threads, OVS_RO},
    {"check-interp", NULL, 0, 0, do_check_interp, OVS_RO},
    {"bench", "FILE PKT_HEX N", 3, 3, do_bench, OVS_RO},
    {"random", "SEED PROGRAMS RUNS", 3, 3, do_random, OVS_RO},
    {"random-show", "SEED I", 2, 2, do_random_show, OVS_RO},
    {NULL, NULL, 0, 0, NULL, OVS_RO},
};

/* The "test-bpf" ovstest entry point. */
static void
test_bpf_main(int argc, char *argv[])
{
    const char *jit = getenv("XB_BPF_JIT");
    enum bpf_jit_mode mode;

    set_program_name(argv[0]);
    for (; optind < argc && !strncmp(argv[optind], "--", 2); optind++) {
        if (!strncmp(argv[optind], "--jit=", 6)) {
            jit = argv[optind] + 6;
        } else if (!strncmp(argv[optind], "--program=", 10)) {
            program_opt = argv[optind] + 10;
        } else {
            ovs_fatal(0, "%s: unknown option (expected --jit=MODE or "
                      "--program=NAME)", argv[optind]);
        }
    }
    if (!bpf_jit_mode_from_string(jit, &mode)) {
        ovs_fatal(0, "--jit=%s: expected true, false or checked", jit);
    }
    bpf_set_jit_mode(mode);

    struct ovs_cmdl_context ctx = {
        .argc = argc - optind,
        .argv = argv + optind,
    };

    ovs_cmdl_run_command(&ctx, commands);
}

OVSTEST_REGISTER("test-bpf", test_bpf_main);
