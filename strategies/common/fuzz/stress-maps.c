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

/* Concurrency stress of the runtime's maps, built with AddressSanitizer:
 *
 *   stress-maps [THREADS [OPS]]
 *
 * THREADS threads (default 4) each do OPS (default 1000000) random lookups,
 * updates and deletes on small hash maps (one of each type: hash, LRU hash,
 * per-CPU hash, chosen at random for each operation), as PMD threads
 * running programs would: every looked-up value is read, then incremented
 * atomically, while other threads replace, delete and (LRU) evict entries.
 * Threads quiesce (RCU) every 256 operations, as PMD threads do between
 * batches.  A use after free or an out-of-bounds access makes ASan abort;
 * otherwise it checks that every thread's private array counter and its
 * slot of a per-CPU array counter ended exact, and prints the totals. */

#include <config.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf-insn.h"
#include "bpf-map.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "random.h"
#include "util.h"

#define N_KEYS 48

/* The hash maps under stress. */
static const struct {
    const char *name;
    uint32_t type;
} hash_types[] = {
    { "hash", EBPF_MAP_TYPE_HASH },
    { "lru_hash", EBPF_MAP_TYPE_LRU_HASH },
    { "percpu_hash", EBPF_MAP_TYPE_PERCPU_HASH },
};
static struct ebpf_map *hashes[ARRAY_SIZE(hash_types)];
static struct ebpf_map *array, *percpu_array;
static unsigned int n_ops = 1000000;

struct totals {
    uint64_t found, inserted, deleted, full;
};

/* A stress thread; 'arg' is its slot in the array map.  Returns its totals. */
static void *
stress_thread(void *arg)
{
    uint32_t slot = (uintptr_t) arg;
    struct totals *t = xzalloc(sizeof *t);
    uint64_t value[2] = { 0, 0 };

    random_set_seed(slot + 1);
    for (unsigned int i = 0; i < n_ops; i++) {
        uint32_t key = random_range(N_KEYS);
        uint32_t op = random_range(8);
        size_t h = random_range(ARRAY_SIZE(hash_types));
        struct ebpf_map *hash = hashes[h];

        if (op < 5) {
            uint64_t *v = ebpf_map_lookup(hash, &key);
            if (v) {
                /* Read the whole value, then count in it, as programs do. */
                uint64_t copy[2];

                memcpy(copy, v, sizeof copy);
                __atomic_fetch_add(&v[1], copy[0] ? 1 : 2, __ATOMIC_SEQ_CST);
                t->found++;
            }
        } else if (op < 7) {
            value[0] = i;
            int error = ebpf_map_update(hash, &key, value, EBPF_MAP_ANY);
            if (!error) {
                t->inserted++;
            } else {
                /* An LRU map evicts instead. */
                ovs_assert(error == -E2BIG
                           && hash_types[h].type != EBPF_MAP_TYPE_LRU_HASH);
                t->full++;
            }
        } else if (!ebpf_map_delete(hash, &key)) {
            t->deleted++;
        }

        uint64_t *mine = ebpf_map_lookup(array, &slot);
        ovs_assert(mine);
        __atomic_fetch_add(mine, 1, __ATOMIC_SEQ_CST);

        /* This thread's own slot: no other thread writes it. */
        uint32_t zero = 0;
        uint64_t *own = ebpf_map_lookup(percpu_array, &zero);
        ovs_assert(own);
        *own += 1;
        if (i % 256 == 0) {
            ovsrcu_quiesce();
        }
    }

    uint32_t zero = 0;
    uint64_t *own = ebpf_map_lookup(percpu_array, &zero);
    if (*own != n_ops) {
        ovs_fatal(0, "thread %"PRIu32" counted %"PRIu64" operations in its "
                  "per-CPU slot, not %u", slot, *own, n_ops);
    }
    return t;
}

int
main(int argc, char *argv[])
{
    unsigned int n_threads = argc > 1 ? atoi(argv[1]) : 4;
    char *error = NULL;

    set_program_name(argv[0]);
    if (argc > 2) {
        n_ops = atoi(argv[2]);
    }
    if (!n_threads || n_threads > EBPF_MAP_SLOTS - 1) {
        /* Each thread needs a per-CPU slot of its own. */
        ovs_fatal(0, "THREADS must be 1 to %d", EBPF_MAP_SLOTS - 1);
    }
    for (size_t h = 0; h < ARRAY_SIZE(hash_types); h++) {
        if (ebpf_map_create(hash_types[h].name, hash_types[h].type, 4, 16, 32,
                            0, &hashes[h], &error)) {
            ovs_fatal(0, "%s", error);
        }
    }
    if (ebpf_map_create("array", EBPF_MAP_TYPE_ARRAY, 4, 8, 64, 0, &array,
                        &error)
        || ebpf_map_create("percpu_array", EBPF_MAP_TYPE_PERCPU_ARRAY, 4, 8,
                           1, 0, &percpu_array, &error)) {
        ovs_fatal(0, "%s", error);
    }

    pthread_t *threads = xcalloc(n_threads, sizeof *threads);
    for (unsigned int i = 0; i < n_threads; i++) {
        threads[i] = ovs_thread_create("stress", stress_thread,
                                       (void *) (uintptr_t) i);
    }

    struct totals sum = { 0, 0, 0, 0 };
    for (unsigned int i = 0; i < n_threads; i++) {
        struct totals *t;

        xpthread_join(threads[i], (void **) &t);
        sum.found += t->found;
        sum.inserted += t->inserted;
        sum.deleted += t->deleted;
        sum.full += t->full;
        free(t);

        uint32_t key = i;
        uint64_t *count = ebpf_map_lookup(array, &key);
        if (*count != n_ops) {
            ovs_fatal(0, "thread %u counted %"PRIu64" operations, not %u",
                      i, *count, n_ops);
        }
    }
    free(threads);
    printf("stress-maps: %u threads x %u ops: %"PRIu64" found, %"PRIu64
           " inserted or replaced, %"PRIu64" deleted, %"PRIu64" refused "
           "(full)\n", n_threads, n_ops, sum.found, sum.inserted, sum.deleted,
           sum.full);

    ovsrcu_synchronize();
    for (size_t h = 0; h < ARRAY_SIZE(hash_types); h++) {
        ebpf_map_destroy(hashes[h]);
    }
    ovsrcu_exit();
    ebpf_map_destroy(array);
    ebpf_map_destroy(percpu_array);
    return 0;
}
