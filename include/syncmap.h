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
 * (m NULL, key NULL with klen > 0, a required out-pointer NULL) or a
 * misaligned block from the allocator (see struct syncmap_allocator), and
 * -ENOMEM when an allocation fails.  After an error the map is unchanged.
 * Only syncmap_store, syncmap_load_or_store and syncmap_swap allocate for
 * what they do (and syncmap_compare_and_swap, on a map with managed
 * values), so only they fail for want of memory, with one exception:
 * a thread's first call puts the thread's reader record (in its own
 * thread-local storage) in a registry and sets a thread-exit hook to take
 * it out again; should the C library be unable to set that hook
 * (pthread_setspecific failing) and malloc then fail for a record of 64
 * bytes, that first call returns -ENOMEM.
 *
 * Any call may also allocate and free through the allocator for
 * housekeeping: every call may free retired memory, and under
 * SYNCMAP_BOUNDED any call (deletes and loads included) may compact the
 * map, which allocates a new read table.  Housekeeping never fails a
 * call: if that table cannot be had, the call succeeds and compaction is
 * put off until the dead entries have doubled or as many calls as the map
 * has entries have been made, so a failing allocator costs amortised O(1)
 * per call, and once it recovers any calls, loads alone included, catch up.
 *
 * After fork(), the child may go on using every map: the library holds
 * every map's mutex across fork() (pthread_atfork), so the child never
 * inherits one held by a thread it does not have.  Calls that other
 * threads were making at the fork stop midway in the child: what their
 * lock-free steps did stays (the counters syncmap_stats reports may be off
 * by those steps), and because their read-side sections never end there,
 * the child frees no retired memory of any map (it is kept until
 * syncmap_destroy).  A user allocator must be fork-safe itself.
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
 * to malloc.  Both functions are required and must be thread-safe.  Every
 * block malloc returns must be aligned for pointers, size_t and uint64_t
 * (8 bytes on the usual 64-bit ABIs; malloc's blocks are): tables and
 * entries hold those, as atomics too.  A block less aligned is handed back
 * to free at once and the call that asked for it fails with -EINVAL, the
 * map unchanged (syncmap_create aligns its own block, and asks nothing). */
struct syncmap_allocator {
	void *(*malloc)(size_t size, void *ctx);
	void (*free)(void *ptr, size_t size, void *ctx);
	void *ctx;
};

/*
 * Values whose lifetime the map manages (set syncmap_options.values): the
 * map owns one reference to every non-NULL value it holds and calls
 * release once for each departure of one (replaced by Store, Swap or
 * CompareAndSwap; deleted; cleared; or left at destroy), never before
 * every read-side section open when it left has closed, and with no map's
 * mutex held.  With retain set, every value a call hands back through an
 * out-pointer is retained inside the call, so the caller owns a reference
 * (Range's and the iterator's values are never retained).  Neither is
 * ever called with NULL.  Both may call any function of this library but
 * syncmap_barrier, and none on a map being destroyed; they may run on any
 * thread.  The struct is copied at create; ctx must stay valid until the
 * map's last release has run (after destroy, syncmap_barrier says when).
 * Storing a value may then allocate (CompareAndSwap included) and fail
 * with -ENOMEM, the map unchanged; a departure never allocates.
 * syncmap_value_ops(3) has the details.
 */
struct syncmap_value_ops {
	void (*release)(void *value, void *ctx);  /* required */
	void (*retain)(void *value, void *ctx);   /* optional, may be NULL */
	void *ctx;
};

struct syncmap_options {                      /* zero-initialised = defaults */
	enum syncmap_policy policy;
	size_t capacity_hint;     /* expected live keys; 0 = small.  Too large
	                             for any table (its size overflows size_t,
	                             as SIZE_MAX): create fails, EINVAL.  One
	                             the allocator refuses is dropped at the
	                             first new key, which then sizes for what
	                             is there. */
	const struct syncmap_allocator *allocator;  /* NULL = malloc/free, and
	                             tables of 16 KiB and more mapped by the
	                             map itself (mmap), given back 64 KiB per
	                             call so that no call pays for a large free */
	const struct syncmap_value_ops *values;     /* NULL = values are the
	                                               caller's (copied) */
	/* Room for options to come: a new field takes the first slot and
	 * reserved shrinks by one, so that the size and the soname stay.
	 * Must be zero: syncmap_create fails with EINVAL otherwise, so that
	 * an option the library does not know is never silently ignored.
	 * Initialise the whole struct (an initialiser, or memset). */
	void *reserved[7];
};

/* Creates a map.  opts may be NULL (defaults); the allocator it points to
 * is copied.  Returns NULL with errno set on failure: ENOMEM, or EINVAL for
 * an unknown policy, an allocator missing either function, values without
 * release, a capacity hint no table could hold, or a nonzero reserved
 * field. */
SYNCMAP_API syncmap_t *syncmap_create(const struct syncmap_options *opts);

/* Frees the map and everything it holds, garbage awaiting reclamation
 * included.  Must not run at the same time as any other call on m (a range
 * callback on m included).  syncmap_destroy(NULL) does nothing.  With
 * managed values, every value left in the map departs: if no thread
 * (the caller included) is inside a read-side section, every release has
 * run when destroy returns; otherwise the rest run once those sections
 * close, and syncmap_barrier waits for them. */
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
 * or a different value).  Allocates only for housekeeping (above). */
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

/* An iterator: Range as a loop, in storage the caller provides (on the
 * stack, say).  Its contents are the library's. */
typedef struct syncmap_iter {
	uintptr_t opaque[16];
} syncmap_iter_t;

/* Starts an iteration of m: promotes like syncmap_range, then opens a
 * read-side section that the iterator holds until syncmap_iter_end.  Never
 * fails: with m NULL the iterator yields nothing, and so it does (with
 * errno set to ENOMEM) in the one case where every other call would
 * return -ENOMEM, a thread's first call with no reader record to be had.
 *
 *	syncmap_iter_t it;
 *	const void *key;
 *	size_t klen;
 *	void *value;
 *
 *	syncmap_iter_begin(m, &it);
 *	while (syncmap_iter_next(&it, &key, &klen, &value))
 *		if (expired(value))
 *			syncmap_delete(m, key, klen);
 *	syncmap_iter_end(&it);
 *
 * Everything syncmap_range promises holds: no key is yielded twice, a key
 * present and untouched for the whole loop is yielded, and its value is
 * the one it holds when the loop reaches it.  The loop body may call any
 * function on any map but syncmap_destroy: delete the current key or
 * another, store, clear, run another iterator or syncmap_range.
 * Iterators, on one map or several, may be open together on one thread
 * and ended in any order.  Each must be ended on the thread that began
 * it, before that thread exits and before its map is destroyed.  While
 * one is open, memory retired by any map cannot be freed: keep loops
 * short. */
SYNCMAP_API void syncmap_iter_begin(syncmap_t *m, syncmap_iter_t *it);

/* Returns 1 with the next key (*key, *klen) and its value (*value), or 0
 * at the end, and 0 again on every later call.  key, klen and value may
 * be NULL.  The key bytes and the value stay valid until the next call on
 * the iterator or its end, even if the loop body deleted the key or
 * cleared the map. */
SYNCMAP_API int syncmap_iter_next(syncmap_iter_t *it, const void **key,
                                  size_t *klen, void **value);

/* Ends the iteration and closes its section.  Required after
 * syncmap_iter_begin, whether the loop ran to the end or broke off.
 * After it, syncmap_iter_next returns 0. */
SYNCMAP_API void syncmap_iter_end(syncmap_iter_t *it);

/* Go: Clear.  Deletes every key.  Returns 0.  Allocates only for
 * housekeeping (above). */
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

/*
 * Read-side sections, library-wide (not per map), with no registration.
 * Between syncmap_read_lock and syncmap_read_unlock on a thread, nothing
 * that leaves any map, and no function given to syncmap_defer, is freed or
 * run.  Sections nest; every call of this library runs inside one of its
 * own, so a call made inside a user's section costs no more than one made
 * outside.  A thread that never opens one pays nothing for them.
 */
SYNCMAP_API void syncmap_read_lock(void);
SYNCMAP_API void syncmap_read_unlock(void);

/* call_rcu for what the caller owns: fn(arg) runs exactly once, on some
 * thread, after every read-side section open at the time of the call has
 * closed, within a bounded number of later calls into the library, or at
 * the next syncmap_barrier.  Returns 0, -EINVAL (fn NULL), or -ENOMEM when
 * nothing was queued.  fn may call any function of this library but
 * syncmap_barrier. */
SYNCMAP_API int syncmap_defer(void (*fn)(void *arg), void *arg);

/* Returns 0 once every function deferred before the call, and every
 * release owed for a value that left a map before it (syncmap_destroy's
 * included), has run; or -EDEADLK if called inside a read-side section (it
 * would wait for itself). */
SYNCMAP_API int syncmap_barrier(void);

#ifdef __cplusplus
}
#endif

#endif /* SYNCMAP_H */
