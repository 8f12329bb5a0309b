/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * syncmap.h - Go's sync.Map for C: a concurrent map whose reads take no lock.
 *
 * The design is Go's classic read/dirty sync.Map (Go 1.9 to 1.23): an
 * immutable read table that lookups use without locking, a mutex-guarded
 * dirty table that holds new keys, and promotion of dirty to read once
 * enough lookups have missed.  It suits maps whose keys are written once and
 * read many times, or whose threads work on disjoint keys; for a map that
 * is mostly written, a mutex over a plain hash table is usually faster.
 *
 * Keys are byte strings (key, klen) that the map copies; klen may be 0.
 * Values are any void *, NULL included, and are never dereferenced.
 *
 * Every function but syncmap_create and syncmap_destroy may be called at the
 * same time as any other, on the same map, from any number of threads.
 * Threads never register, and reads take no lock.  A write that another
 * call observes happens-before that call returns.
 *
 * Errors are returned as negative errno values: -EINVAL for bad arguments
 * (m NULL, key NULL with klen > 0, a required out-pointer NULL) and -ENOMEM
 * when an allocation fails.  After an error the map is unchanged.  Only
 * syncmap_store, syncmap_load_or_store and syncmap_swap allocate, so only
 * they return -ENOMEM, with one exception: a thread's first call takes an
 * epoch record (about 200 bytes, kept for reuse after the thread exits),
 * and if malloc cannot provide one while a static reserve of 16 is all in
 * use, that first call returns -ENOMEM.
 */
#ifndef SYNCMAP_H
#define SYNCMAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * The version of this header.  syncmap_version() and
 * syncmap_version_number() give the version of the library a program runs
 * with, which may be newer: a library with the same soname has the same ABI
 * or a superset of it.
 * SYNCMAP_VERSION_HEX is 0xMMmmpp, for comparisons in #if.  configure takes
 * the package version from these three lines.
 */
#define SYNCMAP_VERSION_MAJOR 0
#define SYNCMAP_VERSION_MINOR 1
#define SYNCMAP_VERSION_PATCH 0
#define SYNCMAP_VERSION_HEX ((SYNCMAP_VERSION_MAJOR << 16) | \
                             (SYNCMAP_VERSION_MINOR << 8) | SYNCMAP_VERSION_PATCH)
#define SYNCMAP_VERSION_STR_(n) #n
#define SYNCMAP_VERSION_XSTR_(n) SYNCMAP_VERSION_STR_(n)
#define SYNCMAP_VERSION_STRING SYNCMAP_VERSION_XSTR_(SYNCMAP_VERSION_MAJOR) "." \
	SYNCMAP_VERSION_XSTR_(SYNCMAP_VERSION_MINOR) "." \
	SYNCMAP_VERSION_XSTR_(SYNCMAP_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(SYNCMAP_BUILDING)
#define SYNCMAP_API __attribute__((visibility("default")))
#else
#define SYNCMAP_API
#endif

typedef struct syncmap syncmap_t;

/* The library's version, "MAJOR.MINOR.PATCH", and as SYNCMAP_VERSION_HEX
 * would give it. */
SYNCMAP_API const char *syncmap_version(void);
SYNCMAP_API unsigned int syncmap_version_number(void);

enum syncmap_policy {
	/* Default: Go's algorithm plus compaction, so that when the map is
	 * quiescent dead entries are at most max(live, 64) and the heap it
	 * holds is at most 3 * sum(klen + 64) over live keys + 256 KiB. */
	SYNCMAP_BOUNDED = 0,
	/* Exactly Go's promotion policy, dirty-map bloat included: deleted
	 * keys of the read table stay allocated until a new key forces a
	 * dirty copy and a promotion follows. */
	SYNCMAP_CLASSIC = 1,
};

/* Every allocation a map makes goes through this, so a counting allocator
 * sees the map's whole footprint.  free receives the size that was passed
 * to malloc.  Both functions are required and must be thread-safe. */
struct syncmap_allocator {
	void *(*malloc)(size_t size, void *ctx);
	void (*free)(void *ptr, size_t size, void *ctx);
	void *ctx;
};

struct syncmap_options {                      /* zero-initialised = defaults */
	enum syncmap_policy policy;
	size_t capacity_hint;     /* expected live keys; 0 = small */
	const struct syncmap_allocator *allocator;  /* NULL = malloc/free */
	/* Room for options to come: a new field takes the first slot (the
	 * ops of managed values will be the next, right after allocator) and
	 * reserved shrinks by one, so that the size and the soname stay.
	 * Must be zero: syncmap_create fails with EINVAL otherwise, so that
	 * an option the library does not know is never silently ignored.
	 * Initialise the whole struct (an initialiser, or memset). */
	void *reserved[8];
};

/* Creates a map.  opts may be NULL (defaults); the allocator it points to
 * is copied.  Returns NULL with errno set on failure: ENOMEM, or EINVAL for
 * an unknown policy, an allocator missing either function or a nonzero
 * reserved field. */
SYNCMAP_API syncmap_t *syncmap_create(const struct syncmap_options *opts);

/* Frees the map and everything it holds, garbage awaiting reclamation
 * included.  Must not run at the same time as any other call on m (a range
 * callback on m included).  syncmap_destroy(NULL) does nothing. */
SYNCMAP_API void syncmap_destroy(syncmap_t *m);

/* Go: Load.  Returns 1 if key is present (*value set to its value, which
 * may be NULL), 0 if absent.  value may be NULL.  Lock-free when the key is
 * in the read table or the map has no newer keys. */
SYNCMAP_API int syncmap_load(syncmap_t *m, const void *key, size_t klen,
                             void **value);

/* Go: Store.  Sets the value for key.  Returns 0.  Lock-free when the key
 * is already in the read table and was not expunged. */
SYNCMAP_API int syncmap_store(syncmap_t *m, const void *key, size_t klen,
                              void *value);

/* Go: LoadOrStore.  Returns 1 if key was present (*actual = its value), 0
 * if value was stored (*actual = value).  actual may be NULL.  Exactly one
 * of any number of concurrent callers for an absent key returns 0. */
SYNCMAP_API int syncmap_load_or_store(syncmap_t *m, const void *key,
                                      size_t klen, void *value, void **actual);

/* Go: LoadAndDelete.  Returns 1 if key was present and is now deleted
 * (*value = the value it had), 0 if absent.  value may be NULL. */
SYNCMAP_API int syncmap_load_and_delete(syncmap_t *m, const void *key,
                                        size_t klen, void **value);

/* Go: Delete.  Returns 1 if key was present and is now deleted, 0 if
 * absent. */
SYNCMAP_API int syncmap_delete(syncmap_t *m, const void *key, size_t klen);

/* Go: Swap.  Sets the value for key; returns 1 if it replaced a value
 * (*previous = the old value), 0 if key was absent.  previous may be NULL. */
SYNCMAP_API int syncmap_swap(syncmap_t *m, const void *key, size_t klen,
                             void *value, void **previous);

/* Go: CompareAndSwap.  Sets key to new_value if its current value is
 * old_value (pointer identity).  Returns 1 if swapped, 0 if not (absent,
 * or a different value).  Never allocates. */
SYNCMAP_API int syncmap_compare_and_swap(syncmap_t *m, const void *key,
                                         size_t klen, void *old_value,
                                         void *new_value);

/* Go: CompareAndDelete.  Deletes key if its current value is old_value
 * (pointer identity).  Returns 1 if deleted, 0 if not. */
SYNCMAP_API int syncmap_compare_and_delete(syncmap_t *m, const void *key,
                                           size_t klen, void *old_value);

/* Called by syncmap_range for each key; return 0 to go on, nonzero to stop.
 * key is valid only during the call.  The callback may call any function
 * on the same map (range included) except syncmap_destroy. */
typedef int (*syncmap_range_fn)(const void *key, size_t klen, void *value,
                                void *arg);

/* Go: Range.  Calls fn for each key present in one snapshot of the map:
 * no key is visited twice, and a key present for the whole call is
 * visited.  Values are read as the walk reaches them.  Returns the nonzero
 * value fn stopped with, or 0 if it ran to the end.  While it runs, memory
 * the map (and other maps) retire cannot be freed, so keep callbacks
 * short. */
SYNCMAP_API int syncmap_range(syncmap_t *m, syncmap_range_fn fn, void *arg);

/* Go: Clear.  Deletes every key.  Returns 0.  Allocates nothing. */
SYNCMAP_API int syncmap_clear(syncmap_t *m);

struct syncmap_stats {                  /* a snapshot, exact when quiescent */
	size_t live;            /* keys present */
	size_t read_slots;      /* entries indexed by the read table */
	size_t dirty_slots;     /* entries indexed by the dirty table (0 if none) */
	size_t dead_entries;    /* entries indexed by read or dirty that hold no
	                           value (nil or expunged); retired ones not counted */
	size_t expunged;        /* of which expunged */
	size_t bytes;           /* heap bytes the map holds now, map + tables +
	                           entries + keys, deferred-free garbage included */
	size_t pending_bytes;   /* of which retired, awaiting a grace period */
	uint64_t misses;        /* cumulative: lookups that had to take the lock
	                           and consult dirty (Go's missLocked calls) */
	uint64_t promotions;    /* dirty became read */
	uint64_t dirty_copies;  /* read copied into a new dirty table */
	uint64_t compactions;   /* SYNCMAP_BOUNDED interventions: early
	                           promotions and rebuilds of read */
	/* Room for counters to come (each takes the first slot, and reserved
	 * shrinks by one, so that the size and the soname stay).  This
	 * version sets them to zero. */
	uint64_t reserved[8];
};

/* Fills *out, reserved fields included.  Takes the map's lock briefly and
 * first frees any retired memory whose grace period has passed.  Returns
 * 0, or -EINVAL. */
SYNCMAP_API int syncmap_stats(syncmap_t *m, struct syncmap_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* SYNCMAP_H */
