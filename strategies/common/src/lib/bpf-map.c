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
#include "bpf-map.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "bpf-insn.h"
#include "cmap.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/util.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "random.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(bpf_map);

/* An entry of a hash map: the key, padded to 8 bytes, then the value (one
 * per slot in a per-CPU map), so that values are 8-byte aligned for BPF
 * atomic instructions; in an LRU map, then a struct lru_node. */
struct ebpf_htab_elem {
    struct cmap_node node;      /* In 'map->htab'. */
    uint64_t data[];            /* Key, padding, values, LRU node. */
};

/* The LRU state of an entry of an LRU hash map. */
struct lru_node {
    struct ovs_list list;       /* In 'map->lru', oldest first.  Guarded by
                                 * the map's mutex. */
    atomic_bool ref;            /* Used since it was last considered for
                                 * eviction. */
};

struct ebpf_map {
    char *name;
    uint32_t type;              /* EBPF_MAP_TYPE_*. */
    uint32_t key_size;
    uint32_t value_size;
    uint32_t max_entries;
    uint32_t flags;             /* EBPF_MAP_F_*. */
    bool percpu;                /* One value per slot. */
    atomic_bool frozen;         /* See ebpf_map_freeze(). */

    /* Array maps: 'max_entries' values of 'elem_size' bytes each; per-CPU
     * arrays hold one such run per slot, 'slot_stride' bytes apart. */
    uint8_t *array;
    size_t elem_size;           /* 'value_size' rounded up to 8. */
    size_t slot_stride;

    /* Hash maps.  Writers hold 'mutex'; readers use RCU. */
    struct ovs_mutex mutex;
    struct cmap htab OVS_GUARDED;
    size_t key_space;           /* 'key_size' rounded up to 8. */
    size_t value_space;         /* Bytes of values in an entry. */
    uint64_t seed[2];           /* Random, for keys of up to 16 bytes. */
    atomic_count n_entries;     /* Number of entries in 'htab'. */
    struct ovs_list lru OVS_GUARDED;    /* LRU maps: entries, oldest
                                         * first. */
};

/* Slots of per-CPU maps (see ebpf_map_slot() in bpf-map.h). */
static struct ovs_mutex slot_mutex = OVS_MUTEX_INITIALIZER;
static unsigned long slot_busy[BITMAP_N_LONGS(EBPF_MAP_SLOTS)]
    OVS_GUARDED_BY(slot_mutex);
static char slot_names[EBPF_MAP_SLOTS][32] OVS_GUARDED_BY(slot_mutex);
static atomic_uint n_slots_used;    /* Slots ever handed out: 0 to this. */
static pthread_key_t slot_key;      /* Frees a thread's slot when it
                                     * exits. */
DEFINE_STATIC_PER_THREAD_DATA(unsigned int, thread_slot, UINT_MAX);

/* Frees the slot of an exiting thread ('arg': the slot plus one). */
static void
slot_release(void *arg)
{
    unsigned int slot = (uintptr_t) arg - 1;

    ovs_mutex_lock(&slot_mutex);
    bitmap_set0(slot_busy, slot);
    ovs_mutex_unlock(&slot_mutex);
}

/* Returns a slot for the calling thread, which has none. */
static unsigned int
slot_assign(void)
{
    static struct ovsthread_once key_once = OVSTHREAD_ONCE_INITIALIZER;
    static unsigned int n_shared;
    const char *name = get_subprogram_name();
    unsigned int slot;
    bool shared = false;

    if (ovsthread_once_start(&key_once)) {
        xpthread_key_create(&slot_key, slot_release);
        ovsthread_once_done(&key_once);
    }

    ovs_mutex_lock(&slot_mutex);
    slot = bitmap_scan(slot_busy, 0, 0, EBPF_MAP_SLOTS);
    if (slot < EBPF_MAP_SLOTS) {
        bitmap_set1(slot_busy, slot);
        xpthread_setspecific(slot_key, (void *) (uintptr_t) (slot + 1));
    } else {
        slot = n_shared++ % EBPF_MAP_SLOTS;
        shared = true;
    }
    snprintf(slot_names[slot], sizeof slot_names[slot], "%s%s",
             name[0] ? name : "main", shared ? " (shared)" : "");

    unsigned int n;
    atomic_read_relaxed(&n_slots_used, &n);
    if (slot >= n) {
        atomic_store_relaxed(&n_slots_used, slot + 1);
    }
    ovs_mutex_unlock(&slot_mutex);

    if (shared) {
        VLOG_WARN_ONCE("more than %d threads run BPF programs: some share a "
                       "slot of per-CPU maps (thread %s shares slot %u)",
                       EBPF_MAP_SLOTS, name, slot);
    }
    return slot;
}

/* Returns the slot of per-CPU maps that the calling thread uses (0 to
 * EBPF_MAP_SLOTS - 1), assigning one if it has none.  It is also what
 * get_smp_processor_id returns to the thread's programs. */
unsigned int
ebpf_map_slot(void)
{
    unsigned int *slot = thread_slot_get();

    if (OVS_UNLIKELY(*slot == UINT_MAX)) {
        *slot = slot_assign();
    }
    return *slot;
}

/* Returns the key of hash map entry 'elem'. */
static inline uint8_t *
htab_elem_key(const struct ebpf_htab_elem *elem)
{
    return CONST_CAST(uint8_t *, (const uint8_t *) elem->data);
}

/* Returns the value of entry 'elem' of hash map 'map' (of a per-CPU map:
 * the value of slot 0; slot i follows at i * 'map->elem_size'). */
static inline uint8_t *
htab_elem_value(const struct ebpf_map *map, const struct ebpf_htab_elem *elem)
{
    return htab_elem_key(elem) + map->key_space;
}

/* Returns the LRU node of entry 'elem' of LRU map 'map'. */
static inline struct lru_node *
htab_elem_lru(const struct ebpf_map *map, const struct ebpf_htab_elem *elem)
{
    return ALIGNED_CAST(struct lru_node *,
                        htab_elem_value(map, elem) + map->value_space);
}

/* Returns the name of map 'type' ("hash", "array", ...), or "unknown". */
const char *
ebpf_map_type_name(uint32_t type)
{
    switch (type) {
    case EBPF_MAP_TYPE_HASH:
        return "hash";
    case EBPF_MAP_TYPE_ARRAY:
        return "array";
    case EBPF_MAP_TYPE_PERCPU_HASH:
        return "percpu_hash";
    case EBPF_MAP_TYPE_PERCPU_ARRAY:
        return "percpu_array";
    case EBPF_MAP_TYPE_LRU_HASH:
        return "lru_hash";
    default:
        return "unknown";
    }
}

/* Returns true if the runtime has maps of 'type'. */
bool
ebpf_map_type_supported(uint32_t type)
{
    return strcmp(ebpf_map_type_name(type), "unknown") != 0;
}

/* Returns true if 'type' is an array type (per-CPU or not). */
static bool
is_array(uint32_t type)
{
    return type == EBPF_MAP_TYPE_ARRAY || type == EBPF_MAP_TYPE_PERCPU_ARRAY;
}

/* Creates a map named 'name' of the kernel's map 'type' (EBPF_MAP_TYPE_*,
 * see ebpf_map_type_supported()) with keys of 'key_size' bytes, values of
 * 'value_size' bytes, at most 'max_entries' entries and the kernel's map
 * 'flags' (EBPF_MAP_F_*; others are refused).  Array maps start with every
 * value zero; hash maps start empty.
 *
 * Returns 0 and stores the map in '*mapp', or a positive errno and stores a
 * malloc'd message in '*errorp'. */
int
ebpf_map_create(const char *name, uint32_t type, uint32_t key_size,
                uint32_t value_size, uint32_t max_entries, uint32_t flags,
                struct ebpf_map **mapp, char **errorp)
{
    bool percpu = (type == EBPF_MAP_TYPE_PERCPU_ARRAY
                   || type == EBPF_MAP_TYPE_PERCPU_HASH);

    *mapp = NULL;
    if (!ebpf_map_type_supported(type)) {
        *errorp = xasprintf("map '%s': type %"PRIu32" is not supported "
                            "(supported: hash (%d), array (%d), percpu_hash "
                            "(%d), percpu_array (%d), lru_hash (%d))", name,
                            type, EBPF_MAP_TYPE_HASH, EBPF_MAP_TYPE_ARRAY,
                            EBPF_MAP_TYPE_PERCPU_HASH,
                            EBPF_MAP_TYPE_PERCPU_ARRAY,
                            EBPF_MAP_TYPE_LRU_HASH);
        return EOPNOTSUPP;
    }
    if (!key_size || !value_size || !max_entries) {
        *errorp = xasprintf("map '%s': key size, value size and max entries "
                            "must be nonzero", name);
        return EINVAL;
    }
    if (is_array(type) && key_size != 4) {
        *errorp = xasprintf("map '%s': an array map's key must be 4 bytes, "
                            "not %"PRIu32, name, key_size);
        return EINVAL;
    }
    uint32_t allowed = EBPF_MAP_F_RDONLY_PROG;
    if (type == EBPF_MAP_TYPE_LRU_HASH) {
        /* One LRU list for the whole map either way (see the README). */
        allowed |= EBPF_MAP_F_NO_COMMON_LRU;
    }
    if (flags & ~allowed) {
        *errorp = xasprintf("map '%s': map flags 0x%"PRIx32" are not "
                            "supported", name, flags & ~allowed);
        return EINVAL;
    }
    if (key_size > EBPF_MAP_MAX_KEY_SIZE
        || value_size > EBPF_MAP_MAX_VALUE_SIZE
        || (percpu && value_size > EBPF_MAP_MAX_PERCPU_VALUE_SIZE)) {
        *errorp = xasprintf("map '%s': key size %"PRIu32" or value size "
                            "%"PRIu32" too large (limits %d and %d)", name,
                            key_size, value_size, EBPF_MAP_MAX_KEY_SIZE,
                            (percpu ? EBPF_MAP_MAX_PERCPU_VALUE_SIZE
                             : EBPF_MAP_MAX_VALUE_SIZE));
        return E2BIG;
    }

    size_t elem_size = ROUND_UP(value_size, 8);
    size_t key_space = ROUND_UP(key_size, 8);
    size_t value_space = elem_size * (percpu ? EBPF_MAP_SLOTS : 1);
    size_t per_entry = (is_array(type)
                        ? value_space
                        : (sizeof(struct ebpf_htab_elem) + key_space
                           + value_space
                           + (type == EBPF_MAP_TYPE_LRU_HASH
                              ? sizeof(struct lru_node) : 0)));
    if ((uint64_t) per_entry * max_entries > EBPF_MAP_MAX_BYTES) {
        *errorp = xasprintf("map '%s': %"PRIu32" entries of %"PRIuSIZE
                            " bytes exceed the limit of %u bytes", name,
                            max_entries, per_entry, EBPF_MAP_MAX_BYTES);
        return E2BIG;
    }

    struct ebpf_map *map = xzalloc(sizeof *map);
    map->name = xstrdup(name);
    map->type = type;
    map->key_size = key_size;
    map->value_size = value_size;
    map->max_entries = max_entries;
    map->flags = flags;
    map->percpu = percpu;
    atomic_init(&map->frozen, false);
    map->elem_size = elem_size;
    map->key_space = key_space;
    map->value_space = value_space;
    map->seed[0] = random_uint64();
    map->seed[1] = random_uint64();
    ovs_mutex_init(&map->mutex);
    cmap_init(&map->htab);
    ovs_list_init(&map->lru);
    atomic_count_init(&map->n_entries, 0);
    if (is_array(type)) {
        /* Each slot's values on cache lines of their own, so that threads
         * that update their own values do not share lines. */
        map->slot_stride = ROUND_UP(elem_size * max_entries, CACHE_LINE_SIZE);
        map->array = xzalloc_cacheline(map->slot_stride
                                       * (percpu ? EBPF_MAP_SLOTS : 1));
    }
    *mapp = map;
    return 0;
}

/* Frees 'map' and every entry.  The caller must make sure that no thread can
 * still use 'map' (e.g. call this after an RCU grace period). */
void
ebpf_map_destroy(struct ebpf_map *map)
{
    if (!map) {
        return;
    }

    struct ebpf_htab_elem *elem;
    CMAP_FOR_EACH (elem, node, &map->htab) {
        free(elem);
    }
    cmap_destroy(&map->htab);
    ovs_mutex_destroy(&map->mutex);
    free_cacheline(map->array);
    free(map->name);
    free(map);
}

/* Accessors for 'map''s declaration. */
const char *
ebpf_map_name(const struct ebpf_map *map)
{
    return map->name;
}

/* Returns the EBPF_MAP_TYPE_* of 'map'. */
uint32_t
ebpf_map_type(const struct ebpf_map *map)
{
    return map->type;
}

/* Returns the key size of 'map', in bytes. */
uint32_t
ebpf_map_key_size(const struct ebpf_map *map)
{
    return map->key_size;
}

/* Returns the value size of 'map', in bytes. */
uint32_t
ebpf_map_value_size(const struct ebpf_map *map)
{
    return map->value_size;
}

/* Returns the values of array map 'map', value i at i * '*stridep' bytes
 * (fixed for the map's lifetime), or NULL if 'map' is not an array. */
uint8_t *
ebpf_map_array(const struct ebpf_map *map, size_t *stridep)
{
    *stridep = map->elem_size;
    return map->type == EBPF_MAP_TYPE_ARRAY ? map->array : NULL;
}

/* Returns the maximum number of entries of 'map'. */
uint32_t
ebpf_map_max_entries(const struct ebpf_map *map)
{
    return map->max_entries;
}

/* Returns the EBPF_MAP_F_* flags of 'map'. */
uint32_t
ebpf_map_flags(const struct ebpf_map *map)
{
    return map->flags;
}

/* Makes 'map' read-only to user space (see bpf-map.h). */
void
ebpf_map_freeze(struct ebpf_map *map)
{
    atomic_store(&map->frozen, true);
}

/* Returns true if 'map' was frozen. */
bool
ebpf_map_frozen(const struct ebpf_map *map)
{
    bool frozen;

    atomic_read(&CONST_CAST(struct ebpf_map *, map)->frozen, &frozen);
    return frozen;
}

/* Returns the value of index 'index' (in range) of array 'map' in 'slot'
 * (0 for a map that is not per-CPU). */
static inline uint8_t *
array_value(const struct ebpf_map *map, uint32_t index, unsigned int slot)
{
    return (map->array + (size_t) slot * map->slot_stride
            + (size_t) index * map->elem_size);
}

/* Keys of up to HTAB_SMALL_KEY bytes (addresses, ports, 5-tuples) are
 * hashed and compared as two 64-bit words, zero-padded as entries store
 * them; longer keys with hash_bytes() and memcmp(). */
#if defined(__SIZEOF_INT128__)
#define HTAB_SMALL_KEY 16
#else
#define HTAB_SMALL_KEY 0
#endif

/* Loads the 'n' (at most 16) bytes at 'key' into 'w', zero-padded.  The
 * common sizes get fixed-size copies, which compile to plain loads. */
static inline void
htab_load_small(const void *key, size_t n, uint64_t w[2])
{
    w[0] = w[1] = 0;
    switch (n) {
    case 4:
        memcpy(w, key, 4);
        break;
    case 8:
        memcpy(w, key, 8);
        break;
    case 16:
        memcpy(w, key, 16);
        break;
    default:
        memcpy(w, key, n);
        break;
    }
}

/* Returns the hash of the small key 'w' in 'map': one 64x64->128-bit
 * multiplication of the words mixed with the map's random seeds (as wyhash
 * mixes), folded to 32 bits.  cmap rehashes it with its own random basis. */
static inline uint32_t
htab_hash_small(const struct ebpf_map *map, const uint64_t w[2])
{
#if HTAB_SMALL_KEY
    unsigned __int128 m = ((unsigned __int128) (w[0] ^ map->seed[0])
                           * (w[1] ^ map->seed[1]));
    uint64_t h = (uint64_t) (m >> 64) ^ (uint64_t) m;

    return h ^ (h >> 32);
#else
    OVS_NOT_REACHED();
#endif
}

/* Returns the hash of the key at 'key' in hash map 'map'. */
static uint32_t
htab_hash(const struct ebpf_map *map, const void *key)
{
    if (map->key_size <= HTAB_SMALL_KEY) {
        uint64_t w[2];

        htab_load_small(key, map->key_size, w);
        return htab_hash_small(map, w);
    }
    return hash_bytes(key, map->key_size, 0);
}

/* Returns the entry of hash map 'map' whose key is 'key' with hash 'hash', or
 * NULL. */
static struct ebpf_htab_elem *
htab_find(const struct ebpf_map *map, const void *key, uint32_t hash)
{
    struct ebpf_htab_elem *elem;

    CMAP_FOR_EACH_WITH_HASH (elem, node, hash, &map->htab) {
        if (!memcmp(htab_elem_key(elem), key, map->key_size)) {
            return elem;
        }
    }
    return NULL;
}

/* htab_find() for a key of at most HTAB_SMALL_KEY bytes, loaded into 'w':
 * entries store keys zero-padded to 'key_space', so whole words compare. */
static inline struct ebpf_htab_elem *
htab_find_small(const struct ebpf_map *map, const uint64_t w[2])
{
    struct ebpf_htab_elem *elem;

    CMAP_FOR_EACH_WITH_HASH (elem, node, htab_hash_small(map, w),
                             &map->htab) {
        if (elem->data[0] == w[0]
            && (map->key_space == 8 || elem->data[1] == w[1])) {
            return elem;
        }
    }
    return NULL;
}

/* Returns a pointer to the value of 'map' under the 'map->key_size' bytes at
 * 'key', or NULL if there is none.  For an array map the key is a 32-bit
 * index in host byte order. */
void *
ebpf_map_lookup(struct ebpf_map *map, const void *key)
{
    if (is_array(map->type)) {
        uint32_t index;

        memcpy(&index, key, sizeof index);
        if (index >= map->max_entries) {
            return NULL;
        }
        return array_value(map, index, map->percpu ? ebpf_map_slot() : 0);
    } else {
        struct ebpf_htab_elem *elem;

        if (map->key_size <= HTAB_SMALL_KEY) {
            uint64_t w[2];

            htab_load_small(key, map->key_size, w);
            elem = htab_find_small(map, w);
        } else {
            elem = htab_find(map, key, htab_hash(map, key));
        }
        if (!elem) {
            return NULL;
        }
        if (map->type == EBPF_MAP_TYPE_LRU_HASH) {
            /* Only a change is written, so that lookups of a hot entry
             * do not bounce its cache line between threads. */
            struct lru_node *lru = htab_elem_lru(map, elem);
            bool ref;

            atomic_read_relaxed(&lru->ref, &ref);
            if (!ref) {
                atomic_store_relaxed(&lru->ref, true);
            }
        }
        return (htab_elem_value(map, elem)
                + (map->percpu ? ebpf_map_slot() * map->elem_size : 0));
    }
}

/* Copies 'value' into 'dst', the values of an entry of 'map': into slot
 * 'slot', or into every slot if 'slot' is negative. */
static void
copy_values(const struct ebpf_map *map, uint8_t *dst, const void *value,
            int slot)
{
    if (slot >= 0) {
        memcpy(dst + slot * map->elem_size, value, map->value_size);
        return;
    }
    for (unsigned int i = 0; i < (map->percpu ? EBPF_MAP_SLOTS : 1); i++) {
        memcpy(dst + i * map->elem_size, value, map->value_size);
    }
}

/* ebpf_map_update() for an array map, setting the value of slot 'slot' (of
 * every slot if negative). */
static int
array_update(struct ebpf_map *map, const void *key, const void *value,
             uint64_t flags, int slot)
{
    uint32_t index;

    memcpy(&index, key, sizeof index);
    if (index >= map->max_entries) {
        return -E2BIG;
    } else if (flags & EBPF_MAP_NOEXIST) {
        /* Every index of an array exists. */
        return -EEXIST;
    } else if (flags & EBPF_MAP_F_LOCK) {
        /* Our values never hold a spin lock. */
        return -EINVAL;
    }
    if (slot >= 0 || !map->percpu) {
        memcpy(array_value(map, index, MAX(slot, 0)), value, map->value_size);
    } else {
        for (unsigned int i = 0; i < EBPF_MAP_SLOTS; i++) {
            memcpy(array_value(map, index, i), value, map->value_size);
        }
    }
    return 0;
}

/* Removes 'elem' from hash map 'map' and frees it after a grace period. */
static void
htab_remove(struct ebpf_map *map, struct ebpf_htab_elem *elem, uint32_t hash)
    OVS_REQUIRES(map->mutex)
{
    cmap_remove(&map->htab, &elem->node, hash);
    if (map->type == EBPF_MAP_TYPE_LRU_HASH) {
        ovs_list_remove(&htab_elem_lru(map, elem)->list);
    }
    atomic_count_dec(&map->n_entries);
    ovsrcu_postpone(free, elem);
}

/* Evicts one entry of full LRU map 'map': the oldest one that was not used
 * since it was last considered.  The entries it passes over that were used
 * are moved to the young end and considered unused from now on (the
 * "second chance" approximation of LRU that the kernel's LRU lists also
 * make). */
static void
lru_evict(struct ebpf_map *map)
    OVS_REQUIRES(map->mutex)
{
    /* After one pass every entry is unused, so two passes find one. */
    for (size_t i = 0; i <= 2 * map->max_entries; i++) {
        struct lru_node *lru;
        bool ref;

        if (ovs_list_is_empty(&map->lru)) {
            return;
        }
        lru = CONTAINER_OF(ovs_list_front(&map->lru), struct lru_node, list);
        atomic_read_relaxed(&lru->ref, &ref);
        if (ref) {
            atomic_store_relaxed(&lru->ref, false);
            ovs_list_remove(&lru->list);
            ovs_list_push_back(&map->lru, &lru->list);
        } else {
            struct ebpf_htab_elem *elem;

            elem = ALIGNED_CAST(struct ebpf_htab_elem *,
                                ((uint8_t *) lru - map->value_space
                                 - map->key_space
                                 - offsetof(struct ebpf_htab_elem, data)));
            htab_remove(map, elem, htab_hash(map, htab_elem_key(elem)));
            return;
        }
    }
}

/* ebpf_map_update() for a hash map, setting the value of slot 'slot' (of
 * every slot if negative) in a per-CPU map. */
static int
htab_update(struct ebpf_map *map, const void *key, const void *value,
            uint64_t flags, int slot)
{
    uint32_t hash = htab_hash(map, key);
    bool lru = map->type == EBPF_MAP_TYPE_LRU_HASH;
    int error = 0;

    ovs_mutex_lock(&map->mutex);
    if (lru && atomic_count_get(&map->n_entries) >= map->max_entries) {
        /* As the kernel does, an update of a full LRU map takes an entry
         * from the LRU list first, even if the key exists or the flags
         * then refuse the update. */
        lru_evict(map);
    }
    struct ebpf_htab_elem *old = htab_find(map, key, hash);
    if (old && flags == EBPF_MAP_NOEXIST) {
        error = -EEXIST;
    } else if (!old && flags == EBPF_MAP_EXIST) {
        error = -ENOENT;
    } else if (old && map->percpu) {
        /* As in the kernel, per-CPU values are updated in place: other
         * slots keep their values. */
        copy_values(map, htab_elem_value(map, old), value, slot);
    } else if (!old && atomic_count_get(&map->n_entries) >= map->max_entries) {
        error = -E2BIG;
    } else {
        /* As the kernel does, replace an existing entry by a new one, so that
         * a reader that holds the old value sees it unchanged. */
        size_t size = (sizeof(struct ebpf_htab_elem) + map->key_space
                       + map->value_space
                       + (lru ? sizeof(struct lru_node) : 0));
        struct ebpf_htab_elem *new = xzalloc(size);

        memcpy(htab_elem_key(new), key, map->key_size);
        copy_values(map, htab_elem_value(map, new), value, slot);
        if (lru) {
            struct lru_node *node = htab_elem_lru(map, new);

            atomic_init(&node->ref, false);
            ovs_list_push_back(&map->lru, &node->list);
        }
        if (old) {
            if (lru) {
                ovs_list_remove(&htab_elem_lru(map, old)->list);
            }
            cmap_replace(&map->htab, &old->node, &new->node, hash);
            ovsrcu_postpone(free, old);
        } else {
            cmap_insert(&map->htab, &new->node, hash);
            atomic_count_inc(&map->n_entries);
        }
    }
    ovs_mutex_unlock(&map->mutex);
    return error;
}

/* Updates 'map' as ebpf_map_update() does, for 'slot' (negative: every
 * slot). */
static int
map_update(struct ebpf_map *map, const void *key, const void *value,
           uint64_t flags, int slot)
{
    /* The checks come in the kernel's order, so that the same error wins.
     * Only hash and array maps accept BPF_F_LOCK, to refuse it later. */
    if ((flags & ~(uint64_t) EBPF_MAP_F_LOCK) > EBPF_MAP_EXIST
        || (!is_array(map->type) && flags & EBPF_MAP_F_LOCK)) {
        return -EINVAL;
    }
    return (is_array(map->type)
            ? array_update(map, key, value, flags, slot)
            : htab_update(map, key, value, flags, slot));
}

/* Sets the value of 'map' under 'key' to the 'map->value_size' bytes at
 * 'value' (in a per-CPU map, the calling thread's value).  'flags' is
 * EBPF_MAP_ANY (create or replace), EBPF_MAP_NOEXIST (only create) or
 * EBPF_MAP_EXIST (only replace).  An LRU map that is full first evicts an
 * entry, as the kernel's does.
 *
 * Returns 0 or, as the kernel's bpf_map_update_elem() helper, a negative
 * errno: -EINVAL (bad flags, or EBPF_MAP_F_LOCK, since values hold no spin
 * lock), -EEXIST, -ENOENT, or -E2BIG (array index out of range, or hash map
 * full). */
int
ebpf_map_update(struct ebpf_map *map, const void *key, const void *value,
                uint64_t flags)
{
    return map_update(map, key, value, flags,
                      map->percpu ? ebpf_map_slot() : 0);
}

/* Deletes the entry of 'map' under 'key'.
 *
 * Returns 0 or, as the kernel's bpf_map_delete_elem() helper, a negative
 * errno: -ENOENT if there is no such entry, -EINVAL for an array map (whose
 * entries cannot be deleted). */
int
ebpf_map_delete(struct ebpf_map *map, const void *key)
{
    if (is_array(map->type)) {
        return -EINVAL;
    }

    uint32_t hash = htab_hash(map, key);
    int error = 0;

    ovs_mutex_lock(&map->mutex);
    struct ebpf_htab_elem *elem = htab_find(map, key, hash);
    if (elem) {
        htab_remove(map, elem, hash);
    } else {
        error = -ENOENT;
    }
    ovs_mutex_unlock(&map->mutex);
    return error;
}

/* As ebpf_map_update(), for user space: a per-CPU map gets 'value' in every
 * slot.  A frozen map refuses with -EPERM. */
int
ebpf_map_update_user(struct ebpf_map *map, const void *key,
                     const void *value, uint64_t flags)
{
    return (ebpf_map_frozen(map) ? -EPERM
            : map_update(map, key, value, flags, map->percpu ? -1 : 0));
}

/* As ebpf_map_delete(), for user space: a frozen map refuses with
 * -EPERM. */
int
ebpf_map_delete_user(struct ebpf_map *map, const void *key)
{
    return ebpf_map_frozen(map) ? -EPERM : ebpf_map_delete(map, key);
}

/* One entry of a map, for sorting by key. */
struct map_entry {
    const uint8_t *key;
    const uint8_t *value;
    size_t key_size;
};

/* qsort() comparison of two map entries by key bytes. */
static int
compare_map_entries(const void *a_, const void *b_)
{
    const struct map_entry *a = a_;
    const struct map_entry *b = b_;

    return memcmp(a->key, b->key, a->key_size);
}

/* Appends the 'n' bytes at 'p' to 's' in hex. */
static void
put_hex(struct ds *s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "%02"PRIx8, p[i]);
    }
}

/* Returns true if the 'n' bytes at 'p' are all zero. */
static bool
is_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* Appends one "key=HEX value=HEX" line to 's' for the entry of 'map' whose
 * key is 'key' and whose values are at 'values'.  For a per-CPU map, whose
 * slots are 'stride' bytes apart, the value is the sum of every slot's
 * value, followed by one line "  slot N (THREAD): HEX" per slot that a
 * thread took or that holds a value that is not zero. */
static void
format_entry(const struct ebpf_map *map, struct ds *s, const void *key,
             const uint8_t *values, size_t stride)
{
    ds_put_cstr(s, "key=");
    put_hex(s, key, map->key_size);
    ds_put_cstr(s, " value=");
    if (!map->percpu) {
        put_hex(s, values, map->value_size);
        ds_put_char(s, '\n');
        return;
    }

    /* The sum adds the values as words of the widest size that divides
     * them (8, 4, 2 or 1 bytes), as one adds per-CPU counters. */
    size_t w = (map->value_size % 8 == 0 ? 8 : map->value_size % 4 == 0 ? 4
                : map->value_size % 2 == 0 ? 2 : 1);
    uint8_t *sum = xzalloc(map->value_size);
    for (unsigned int i = 0; i < EBPF_MAP_SLOTS; i++) {
        for (size_t ofs = 0; ofs < map->value_size; ofs += w) {
            uint64_t a = 0, b = 0;

            memcpy(&a, sum + ofs, w);
            memcpy(&b, values + i * stride + ofs, w);
            a += b;
            memcpy(sum + ofs, &a, w);
        }
    }
    put_hex(s, sum, map->value_size);
    ds_put_char(s, '\n');
    free(sum);

    unsigned int n_used;
    atomic_read_relaxed(&n_slots_used, &n_used);
    ovs_mutex_lock(&slot_mutex);
    for (unsigned int i = 0; i < EBPF_MAP_SLOTS; i++) {
        const uint8_t *v = values + i * stride;

        if (i < n_used || !is_zero(v, map->value_size)) {
            ds_put_format(s, "  slot %u (%s): ", i,
                          i < n_used ? slot_names[i] : "no thread");
            put_hex(s, v, map->value_size);
            ds_put_char(s, '\n');
        }
    }
    ovs_mutex_unlock(&slot_mutex);
}

/* Appends every entry of 'map' to 's', one line "key=HEX value=HEX" each
 * (bytes in memory order), sorted by key bytes.  An array map lists every
 * index, its key being the 32-bit index in host byte order.  A per-CPU map
 * gives the sum of the values of every slot, then each slot's value (see
 * format_entry()). */
void
ebpf_map_format(const struct ebpf_map *map, struct ds *s)
{
    if (is_array(map->type)) {
        for (uint32_t i = 0; i < map->max_entries; i++) {
            format_entry(map, s, &i, array_value(map, i, 0),
                         map->slot_stride);
        }
        return;
    }

    /* Entries may come and go meanwhile: take at most as many as counted. */
    size_t n = cmap_count(&map->htab);
    struct map_entry *entries = xmalloc((n ? n : 1) * sizeof *entries);
    struct ebpf_htab_elem *elem;
    size_t i = 0;

    CMAP_FOR_EACH (elem, node, &map->htab) {
        if (i >= n) {
            break;
        }
        entries[i].key = htab_elem_key(elem);
        entries[i].value = htab_elem_value(map, elem);
        entries[i].key_size = map->key_size;
        i++;
    }
    qsort(entries, i, sizeof *entries, compare_map_entries);
    for (size_t j = 0; j < i; j++) {
        format_entry(map, s, entries[j].key, entries[j].value,
                     map->elem_size);
    }
    free(entries);
}
