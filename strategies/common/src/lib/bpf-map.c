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

#include "bpf-insn.h"
#include "cmap.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "random.h"
#include "util.h"

/* An entry of a hash map: the key, padded to 8 bytes, then the value, so that
 * the value is 8-byte aligned for BPF atomic instructions. */
struct ebpf_htab_elem {
    struct cmap_node node;      /* In 'map->htab'. */
    uint64_t data[];            /* Key, padding, value. */
};

struct ebpf_map {
    char *name;
    uint32_t type;              /* EBPF_MAP_TYPE_*. */
    uint32_t key_size;
    uint32_t value_size;
    uint32_t max_entries;

    /* Array maps: 'max_entries' values of 'elem_size' bytes each. */
    uint8_t *array;
    size_t elem_size;           /* 'value_size' rounded up to 8. */

    /* Hash maps.  Writers hold 'mutex'; readers use RCU. */
    struct ovs_mutex mutex;
    struct cmap htab OVS_GUARDED;
    size_t key_space;           /* 'key_size' rounded up to 8. */
    uint64_t seed[2];           /* Random, for keys of up to 16 bytes. */
    atomic_count n_entries;     /* Number of entries in 'htab'. */
};

/* Returns the key of hash map entry 'elem'. */
static inline uint8_t *
htab_elem_key(const struct ebpf_htab_elem *elem)
{
    return CONST_CAST(uint8_t *, (const uint8_t *) elem->data);
}

/* Returns the value of entry 'elem' of hash map 'map'. */
static inline uint8_t *
htab_elem_value(const struct ebpf_map *map, const struct ebpf_htab_elem *elem)
{
    return htab_elem_key(elem) + map->key_space;
}

/* Returns the name of map 'type' ("hash", "array"), or "unknown". */
const char *
ebpf_map_type_name(uint32_t type)
{
    switch (type) {
    case EBPF_MAP_TYPE_HASH:
        return "hash";
    case EBPF_MAP_TYPE_ARRAY:
        return "array";
    default:
        return "unknown";
    }
}

/* Creates a map named 'name' of the kernel's map 'type' (EBPF_MAP_TYPE_HASH
 * or EBPF_MAP_TYPE_ARRAY) with keys of 'key_size' bytes, values of
 * 'value_size' bytes and at most 'max_entries' entries.  Array maps start
 * with every value zero; hash maps start empty.
 *
 * Returns 0 and stores the map in '*mapp', or a positive errno and stores a
 * malloc'd message in '*errorp'. */
int
ebpf_map_create(const char *name, uint32_t type, uint32_t key_size,
                uint32_t value_size, uint32_t max_entries,
                struct ebpf_map **mapp, char **errorp)
{
    *mapp = NULL;
    if (type != EBPF_MAP_TYPE_HASH && type != EBPF_MAP_TYPE_ARRAY) {
        *errorp = xasprintf("map '%s': type %"PRIu32" is not supported "
                            "(supported: hash (%d), array (%d))", name, type,
                            EBPF_MAP_TYPE_HASH, EBPF_MAP_TYPE_ARRAY);
        return EOPNOTSUPP;
    }
    if (!key_size || !value_size || !max_entries) {
        *errorp = xasprintf("map '%s': key size, value size and max entries "
                            "must be nonzero", name);
        return EINVAL;
    }
    if (type == EBPF_MAP_TYPE_ARRAY && key_size != 4) {
        *errorp = xasprintf("map '%s': an array map's key must be 4 bytes, "
                            "not %"PRIu32, name, key_size);
        return EINVAL;
    }
    if (key_size > EBPF_MAP_MAX_KEY_SIZE
        || value_size > EBPF_MAP_MAX_VALUE_SIZE) {
        *errorp = xasprintf("map '%s': key size %"PRIu32" or value size "
                            "%"PRIu32" too large (limits %d and %d)", name,
                            key_size, value_size, EBPF_MAP_MAX_KEY_SIZE,
                            EBPF_MAP_MAX_VALUE_SIZE);
        return E2BIG;
    }

    size_t elem_size = ROUND_UP(value_size, 8);
    size_t key_space = ROUND_UP(key_size, 8);
    size_t per_entry = (type == EBPF_MAP_TYPE_ARRAY
                        ? elem_size
                        : sizeof(struct ebpf_htab_elem) + key_space
                          + elem_size);
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
    map->elem_size = elem_size;
    map->key_space = key_space;
    map->seed[0] = random_uint64();
    map->seed[1] = random_uint64();
    ovs_mutex_init(&map->mutex);
    cmap_init(&map->htab);
    atomic_count_init(&map->n_entries, 0);
    if (type == EBPF_MAP_TYPE_ARRAY) {
        map->array = xzalloc_cacheline(elem_size * max_entries);
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
    if (map->type == EBPF_MAP_TYPE_ARRAY) {
        uint32_t index;

        memcpy(&index, key, sizeof index);
        return (index < map->max_entries
                ? map->array + (size_t) index * map->elem_size
                : NULL);
    } else {
        struct ebpf_htab_elem *elem;

        if (map->key_size <= HTAB_SMALL_KEY) {
            uint64_t w[2];

            htab_load_small(key, map->key_size, w);
            elem = htab_find_small(map, w);
        } else {
            elem = htab_find(map, key, htab_hash(map, key));
        }
        return elem ? htab_elem_value(map, elem) : NULL;
    }
}

/* ebpf_map_update() for an array map. */
static int
array_update(struct ebpf_map *map, const void *key, const void *value,
             uint64_t flags)
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
    memcpy(map->array + (size_t) index * map->elem_size, value,
           map->value_size);
    return 0;
}

/* ebpf_map_update() for a hash map. */
static int
htab_update(struct ebpf_map *map, const void *key, const void *value,
            uint64_t flags)
{
    uint32_t hash = htab_hash(map, key);
    int error = 0;

    ovs_mutex_lock(&map->mutex);
    struct ebpf_htab_elem *old = htab_find(map, key, hash);
    if (old && flags == EBPF_MAP_NOEXIST) {
        error = -EEXIST;
    } else if (!old && flags == EBPF_MAP_EXIST) {
        error = -ENOENT;
    } else if (!old && atomic_count_get(&map->n_entries) >= map->max_entries) {
        error = -E2BIG;
    } else {
        /* As the kernel does, replace an existing entry by a new one, so that
         * a reader that holds the old value sees it unchanged. */
        struct ebpf_htab_elem *new = xmalloc(sizeof *new + map->key_space
                                             + map->elem_size);
        memcpy(htab_elem_key(new), key, map->key_size);
        memset(htab_elem_key(new) + map->key_size, 0,
               map->key_space - map->key_size);
        memcpy(htab_elem_value(map, new), value, map->value_size);
        memset(htab_elem_value(map, new) + map->value_size, 0,
               map->elem_size - map->value_size);
        if (old) {
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

/* Sets the value of 'map' under 'key' to the 'map->value_size' bytes at
 * 'value'.  'flags' is EBPF_MAP_ANY (create or replace), EBPF_MAP_NOEXIST
 * (only create) or EBPF_MAP_EXIST (only replace).
 *
 * Returns 0 or, as the kernel's bpf_map_update_elem() helper, a negative
 * errno: -EINVAL (bad flags, or EBPF_MAP_F_LOCK, since values hold no spin
 * lock), -EEXIST, -ENOENT, or -E2BIG (array index out of range, or hash map
 * full). */
int
ebpf_map_update(struct ebpf_map *map, const void *key, const void *value,
                uint64_t flags)
{
    /* The checks come in the kernel's order, so that the same error wins. */
    if ((flags & ~(uint64_t) EBPF_MAP_F_LOCK) > EBPF_MAP_EXIST
        || (map->type == EBPF_MAP_TYPE_HASH && flags & EBPF_MAP_F_LOCK)) {
        return -EINVAL;
    }
    return (map->type == EBPF_MAP_TYPE_ARRAY
            ? array_update(map, key, value, flags)
            : htab_update(map, key, value, flags));
}

/* Deletes the entry of 'map' under 'key'.
 *
 * Returns 0 or, as the kernel's bpf_map_delete_elem() helper, a negative
 * errno: -ENOENT if there is no such entry, -EINVAL for an array map (whose
 * entries cannot be deleted). */
int
ebpf_map_delete(struct ebpf_map *map, const void *key)
{
    if (map->type == EBPF_MAP_TYPE_ARRAY) {
        return -EINVAL;
    }

    uint32_t hash = htab_hash(map, key);
    int error = 0;

    ovs_mutex_lock(&map->mutex);
    struct ebpf_htab_elem *elem = htab_find(map, key, hash);
    if (elem) {
        cmap_remove(&map->htab, &elem->node, hash);
        atomic_count_dec(&map->n_entries);
        ovsrcu_postpone(free, elem);
    } else {
        error = -ENOENT;
    }
    ovs_mutex_unlock(&map->mutex);
    return error;
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

/* Appends one "key=HEX value=HEX" line to 's'. */
static void
format_entry(struct ds *s, const void *key, size_t key_size,
             const void *value, size_t value_size)
{
    ds_put_cstr(s, "key=");
    put_hex(s, key, key_size);
    ds_put_cstr(s, " value=");
    put_hex(s, value, value_size);
    ds_put_char(s, '\n');
}

/* Appends every entry of 'map' to 's', one line "key=HEX value=HEX" each
 * (bytes in memory order), sorted by key bytes.  An array map lists every
 * index, its key being the 32-bit index in host byte order. */
void
ebpf_map_format(const struct ebpf_map *map, struct ds *s)
{
    if (map->type == EBPF_MAP_TYPE_ARRAY) {
        for (uint32_t i = 0; i < map->max_entries; i++) {
            format_entry(s, &i, sizeof i,
                         map->array + (size_t) i * map->elem_size,
                         map->value_size);
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
        format_entry(s, entries[j].key, map->key_size, entries[j].value,
                     map->value_size);
    }
    free(entries);
}
