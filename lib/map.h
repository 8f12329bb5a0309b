/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * map.h - the map object, shared by the files that make it up:
 *
 *   syncmap.c   Go's algorithm: every operation, over one lookup skeleton
 *   bounded.c   the SYNCMAP_BOUNDED policy, a layer over it (two hooks)
 *   map.c       life cycle, the mutex, housekeeping and stats
 *   debug.c     the self-check and hooks the tests and benchmarks use
 *
 * docs/design.md has the state machine, the invariants (I1 to I5) and the
 * reclamation rules these files cite.
 */
#ifndef SYNCMAP_MAP_H
#define SYNCMAP_MAP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syncmap.h"

#include "compiler.h"
#include "entry.h"
#include "mem.h"
#include "reclaim.h"
#include "table.h"
#include "values.h"

/* The low bit of the read word: Go's readOnly.amended. */
#define AMENDED ((uintptr_t)1)

struct syncmap {
	/* Read by every call; nothing written often shares its line. */
	_Alignas(CACHELINE) _Atomic uintptr_t read;
	uint64_t seed;
	enum syncmap_policy policy;
	/* NULL: values are the caller's; else what stores box (values.h). */
	struct values *vals;
	size_t hint;
	/* Garbage is over its share: the next call to end polls (map.c).
	 * Written only when that changes. */
	_Atomic bool poll_wanted;
	/* Twice the number of Clears, plus one while a Clear runs: a walk
	 * of an older read table stops yielding once it changes (iter.h). */
	_Atomic unsigned long clears;

	/* Written by lock-free deletes and by stores into deleted entries
	 * (I5).  Relaxed everywhere: they feed the bounded rule and stats,
	 * which need them exact only at quiescence, when the mutex or the
	 * caller's own synchronisation orders everything.  Signed: a revival
	 * counts after its CAS, so a delete of the same key may count first
	 * and take them below zero for a moment; read them with
	 * counter_of(). */
	_Alignas(CACHELINE) _Atomic ptrdiff_t live;
	_Atomic ptrdiff_t live_weight;

	/* Guarded by mu, apart from entries (read without it by the bounded
	 * rule, hence atomic). */
	_Alignas(CACHELINE) pthread_mutex_t mu;
	struct table *dirty;       /* NULL: none; TABLE_EMPTY: empty (Clear) */
	size_t misses;             /* Go's m.misses: since the last promotion */
	_Atomic size_t entries;
	size_t expunged;
	unsigned int lock_ops;
	/* A compaction whose table could not be had is put off (bounded.c):
	 * not due again before dead reaches retry_dead (read without the
	 * mutex, hence atomic; relaxed, as the counters) or retry_calls more
	 * calls have been counted; 0 when none is put off. */
	_Atomic size_t retry_dead;
	size_t retry_calls;
	CK_LIST_ENTRY(syncmap) fork_link;  /* the registry (map.c) */
	struct mem mem;
	struct reclaim gc;
	uint64_t n_misses, n_promotions, n_copies, n_compactions;
	void *block;               /* what the allocator gave (MAP_BLOCK) */
};

/* The map is over-aligned (its cache-line groups); an allocator promises
 * less, so the block has a line of slack and the map starts aligned in it. */
#define MAP_BLOCK (sizeof(struct syncmap) + CACHELINE)

static inline struct table *
table_of(uintptr_t rw)
{
	return (struct table *)(rw & ~AMENDED);
}

/* Acquire: pairs with publish_read's store, so that the slots of the
 * table are seen as they were written (table.h). */
static inline uintptr_t
load_read(struct syncmap *m)
{
	return atomic_load_explicit(&m->read, memory_order_acquire);
}

static inline void
count_revival(struct syncmap *m, struct entry *e)
{
	atomic_fetch_add_explicit(&m->live, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->live_weight, (ptrdiff_t)entry_weight(e),
	    memory_order_relaxed);
}

static inline void
count_death(struct syncmap *m, struct entry *e)
{
	atomic_fetch_sub_explicit(&m->live, 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&m->live_weight, (ptrdiff_t)entry_weight(e),
	    memory_order_relaxed);
}

/* A live counter as a size: what it says, or 0 while a racing delete has
 * taken it below zero.  Exact at quiescence, when no count is in flight. */
static inline size_t
counter_of(_Atomic ptrdiff_t *c)
{
	ptrdiff_t v = atomic_load_explicit(c, memory_order_relaxed);

	return v > 0 ? (size_t)v : 0;
}

/* Publishes t as read (reclamation rule 4 of docs/design.md). */
HIDDEN void syncmap__publish_read(struct syncmap *m, struct table *t,
                                  bool amended);
/* An entry that no table indexes any more is retired (I4, rule 3). */
HIDDEN void syncmap__retire_entry(struct syncmap *m, struct entry *e);
HIDDEN void syncmap__retire_table(struct syncmap *m, struct table *t);
/* Go: the promotion of dirty to read (missLocked's second half). */
HIDDEN void syncmap__promote_locked(struct syncmap *m);

/* Calls fn once for each distinct entry that read table r and dirty index
 * (I2): with a dirty table, r's expunged entries and then dirty's;
 * otherwise r's.  Under the mutex, or in destroy, when nothing else runs. */
HIDDEN void syncmap__each_entry(struct syncmap *m, struct table *r,
                                void (*fn)(struct syncmap *, struct entry *));

/* ---- the mutex and the policy hooks (map.c, bounded.c) ---------------- */

HIDDEN void syncmap__lock(struct syncmap *m);
/* Ends a locked section: the policy's hook, then housekeeping. */
HIDDEN void syncmap__unlock(struct syncmap *m);
/* The housekeeping a call's end offers now and then (map.c). */
HIDDEN void syncmap__leave_slow(struct syncmap *m, struct reader *rec,
                                bool tick);

/* Ends a call's read-side section, and now and then offers to free the
 * map's garbage (rule 6c).  Inline: it is on every call, and its common
 * case is a store and two tests. */
static ALWAYS_INLINE void
syncmap__leave(struct syncmap *m, struct reader *rec)
{
	bool tick = reader_exit(rec);

	/* Relaxed: a hint; a missed flag is caught at a later call. */
	if (tick || atomic_load_explicit(&m->poll_wanted, memory_order_relaxed))
		syncmap__leave_slow(m, rec, tick);
}

/* SYNCMAP_BOUNDED's hooks.  after_locked runs under the mutex at the end
 * of every locked section (calls = 1), and for a thread's every 64th call
 * if the map has chores (calls = 64: what it counts towards a retry of a
 * compaction put off); after_counted after a lock-free call changed the
 * live counters (it takes the mutex only when the rule asks for a
 * compaction).  put_off says whether a compaction waits for a retry. */
HIDDEN void syncmap__bounded_after_locked(struct syncmap *m, size_t calls);
HIDDEN void syncmap__bounded_after_counted(struct syncmap *m);

static inline bool
bounded_put_off(struct syncmap *m)
{
	return atomic_load_explicit(&m->retry_dead, memory_order_relaxed) != 0;
}

static inline void
policy_after_counted(struct syncmap *m)
{
	if (m->policy == SYNCMAP_BOUNDED)
		syncmap__bounded_after_counted(m);
}

#endif /* SYNCMAP_MAP_H */
