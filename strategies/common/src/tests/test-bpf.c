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
 *        "writes": [...], "writes_packet": BOOL, "maps": [...]}, where END
 *       is null for "to the end of the packet", or {"accepted": false,
 *       "reason": "..."} and exits with status 1.
 *
 *   run FILE PKT_HEX...
 *       Runs FILE once on each packet (hex bytes; "" is an empty packet), in
 *       order, with the same maps, and prints one JSON object per packet:
 *       {"retval": N, "packet": "HEX", "insns": N}, or {"retval": null,
 *       "fault": true, ...} if the run faulted (exit status 1).
 *
 *   serve FILE
 *       Loads FILE once, then executes commands read from stdin, one per line,
 *       answering each with one JSON line: "run PKT_HEX [REPEAT]" (as "run"
 *       above; with REPEAT, the program runs that many times on the same
 *       buffer and the last return value is reported, like the kernel's
 *       BPF_PROG_TEST_RUN), "dump MAP" ({"entries": [[KEY_HEX, VALUE_HEX],
 *       ...]} sorted by key, or {"error": "..."}).  Maps persist between
 *       commands.
 *
 *   threads FILE PKT_HEX THREADS N
 *       Runs FILE N times on the packet in each of THREADS threads at once
 *       (each thread on its own copy), then prints {"runs": R, "insns": I,
 *       "faults": F, "maps": {NAME: [[KEY_HEX, VALUE_HEX], ...], ...}}: the
 *       run counters and every map, for checking that concurrent runs lose
 *       no update.
 *
 *   bench FILE PKT_HEX N
 *       Runs FILE N times on the packet (as the kernel's BPF_PROG_TEST_RUN
 *       with "repeat", the packet is not reset between runs) and prints
 *       {"runs": N, "ns_per_run": X, "retval": N, "insns_per_run": X}. */

#include <config.h>
#undef NDEBUG
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpf.h"
#include "bpf-map.h"
#include "command-line.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/util.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "ovstest.h"
#include "util.h"

static struct bpf_prog *
open_or_exit(const char *file, bool json_on_error)
{
    struct bpf_prog *prog;
    char *error;

    if (bpf_prog_open(file, &prog, &error)) {
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

static void
print_json(struct json *j)
{
    char *s = json_to_string(j, JSSF_SORT);

    puts(s);
    free(s);
    json_destroy(j);
}

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
    print_json(j);
    bpf_prog_close(prog);
}

/* Runs 'prog' 'repeat' times on the 'size' bytes at 'data' and returns the
 * result as JSON ("retval", "packet", "insns"); sets '*faulted' on a fault. */
static struct json *
run_packet(struct bpf_prog *prog, uint8_t *data, size_t size,
           unsigned int repeat, bool *faulted)
{
    uint64_t runs, insns, faults, insns_before;
    struct json *j = json_object_create();
    struct ds hex = DS_EMPTY_INITIALIZER;
    uint64_t ret = 0;

    bpf_prog_get_stats(prog, &runs, &insns_before, &faults);
    for (unsigned int i = 0; i < repeat; i++) {
        ret = bpf_prog_run_data(prog, data, size, 0);
    }
    bpf_prog_get_stats(prog, &runs, &insns, &faults);
    for (size_t k = 0; k < size; k++) {
        ds_put_format(&hex, "%02"PRIx8, data[k]);
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
    return j;
}

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
        } else {
            ovs_fatal(0, "unknown command '%s' (expected run or dump)",
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

static long long int
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

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

    long long int start = now_ns();
    for (unsigned int i = 0; i < n; i++) {
        ret = bpf_prog_run_data(prog, data, size, 0);
    }
    long long int elapsed = now_ns() - start;

    bpf_prog_get_stats(prog, &runs, &insns, &faults);
    struct json *j = json_object_create();
    json_object_put(j, "runs", json_integer_create(n));
    json_object_put(j, "ns_per_run", json_real_create((double) elapsed / n));
    json_object_put(j, "insns_per_run", json_real_create((double) insns / n));
    json_object_put(j, "retval", (ret == BPF_RUN_FAULT
                                  ? json_null_create()
                                  : json_integer_create(ret)));
    print_json(j);
    free(data);
    bpf_prog_close(prog);
    exit(faults ? 1 : 0);
}

static const struct ovs_cmdl_command commands[] = {
    {"verify", "FILE", 1, 1, do_verify, OVS_RO},
    {"run", "FILE PKT_HEX...", 2, INT_MAX, do_run, OVS_RO},
    {"serve", "FILE", 1, 1, do_serve, OVS_RO},
    {"threads", "FILE PKT_HEX THREADS N", 4, 4, do_threads, OVS_RO},
    {"bench", "FILE PKT_HEX N", 3, 3, do_bench, OVS_RO},
    {NULL, NULL, 0, 0, NULL, OVS_RO},
};

static void
test_bpf_main(int argc, char *argv[])
{
    struct ovs_cmdl_context ctx = {
        .argc = argc - optind,
        .argv = argv + optind,
    };

    set_program_name(argv[0]);
    ovs_cmdl_run_command(&ctx, commands);
}

OVSTEST_REGISTER("test-bpf", test_bpf_main);
