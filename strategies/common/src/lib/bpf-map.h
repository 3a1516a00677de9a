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

#ifndef BPF_MAP_H
#define BPF_MAP_H 1

/* BPF maps of the extension runtime, as in the kernel: array, hash, their
 * per-CPU variants (one value per OVS thread that runs programs, see
 * ebpf_map_slot()) and the LRU hash.
 *
 * The struct is named "ebpf_map" (like "ebpf_insn") so that it does not clash
 * with libbpf's "struct bpf_map".
 *
 * Thread safety: ebpf_map_lookup(), ebpf_map_update() and ebpf_map_delete()
 * may be called concurrently from any thread.  A pointer returned by
 * ebpf_map_lookup() stays valid until the calling thread quiesces (RCU), even
 * if the entry is deleted or replaced meanwhile, as in the kernel.  Updates
 * copy the value without a lock, so concurrent readers of an array entry may
 * see a partial update (the kernel behaves the same); counters in values must
 * use BPF atomic instructions. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ds;
struct ebpf_map;

/* Flags of ebpf_map_update(), as the kernel's BPF_ANY, BPF_NOEXIST,
 * BPF_EXIST and BPF_F_LOCK. */
#define EBPF_MAP_ANY 0
#define EBPF_MAP_NOEXIST 1
#define EBPF_MAP_EXIST 2
#define EBPF_MAP_F_LOCK 4

/* Limits on what a map declaration may ask for.  Per-CPU values are at most
 * 32 kB, as in the kernel. */
#define EBPF_MAP_MAX_KEY_SIZE 512
#define EBPF_MAP_MAX_VALUE_SIZE 65536
#define EBPF_MAP_MAX_PERCPU_VALUE_SIZE 32768
#define EBPF_MAP_MAX_BYTES (1u << 30)

/* Per-CPU maps hold one value per "slot".  A thread gets a slot the first
 * time it needs one (its first lookup or update in a per-CPU map, or its
 * first call of get_smp_processor_id) and keeps it until it exits, when the
 * slot becomes free for the next thread (its values stay, as the kernel
 * keeps the values of a CPU that goes offline).  So live threads have
 * distinct slots as long as at most EBPF_MAP_SLOTS of them run programs;
 * past that, threads share slots (logged once), and updates that are not
 * atomic may then be lost, as they would be on a shared CPU. */
#define EBPF_MAP_SLOTS 64
unsigned int ebpf_map_slot(void);

int ebpf_map_create(const char *name, uint32_t type, uint32_t key_size,
                    uint32_t value_size, uint32_t max_entries, uint32_t flags,
                    struct ebpf_map **mapp, char **errorp);
void ebpf_map_destroy(struct ebpf_map *);

const char *ebpf_map_name(const struct ebpf_map *);
uint32_t ebpf_map_type(const struct ebpf_map *);
uint32_t ebpf_map_key_size(const struct ebpf_map *);
uint32_t ebpf_map_value_size(const struct ebpf_map *);
uint32_t ebpf_map_max_entries(const struct ebpf_map *);
uint32_t ebpf_map_flags(const struct ebpf_map *);
const char *ebpf_map_type_name(uint32_t type);
bool ebpf_map_type_supported(uint32_t type);

/* A frozen map refuses ebpf_map_update_user() and ebpf_map_delete_user()
 * (libbpf freezes ".rodata" once it is initialised); programs are not
 * affected (EBPF_MAP_F_RDONLY_PROG is what makes a map read-only to them,
 * and the verifier enforces it). */
void ebpf_map_freeze(struct ebpf_map *);
bool ebpf_map_frozen(const struct ebpf_map *);

/* What a program does (bpf_map_lookup_elem() and the other helpers): in a
 * per-CPU map, these see the calling thread's slot only. */
void *ebpf_map_lookup(struct ebpf_map *, const void *key);
uint8_t *ebpf_map_array(const struct ebpf_map *, size_t *stridep);
int ebpf_map_update(struct ebpf_map *, const void *key, const void *value,
                    uint64_t flags);
int ebpf_map_delete(struct ebpf_map *, const void *key);

/* What user space does ("bpf/map-update", "bpf/map-delete"): an update of
 * a per-CPU map sets every slot to 'value' (as bpftool does). */
int ebpf_map_update_user(struct ebpf_map *, const void *key,
                         const void *value, uint64_t flags);
int ebpf_map_delete_user(struct ebpf_map *, const void *key);

void ebpf_map_format(const struct ebpf_map *, struct ds *);

#endif /* bpf-map.h */
