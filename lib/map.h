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

/* What one slice of the work may do under SYNCMAP_BOUNDED, in the units
 * of syncmap.c (a slot looked at 1, an entry 4 more): at most 64 entries,
 * some 20 us of cache misses at 10^7 keys (docs/design.md). */
#define SYNCMAP_SLICE 256
/* Under a slice budget a new dirty table starts with room for no more
 * than this many entries (a table of 1,024 slots, 16 KiB to zero) and
 * grows by slices as the copy fills it. */
#define FIRST_DIRTY 768

/* m->work: work in slices is left, so calls offer slices; and it is a
 * compaction or the stale scan after one, which every counted delete or
 * revival drives (docs/design.md says why). */
#define WORK_LEFT 1u
#define WORK_PACED 2u

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

	/* Guarded by mu, apart from the atomics, which the bounded rule
	 * reads without it (relaxed, as the counters). */
	_Alignas(CACHELINE) pthread_mutex_t mu;
	struct dirty dirty;        /* t NULL: none; TABLE_EMPTY: empty (Clear) */
	size_t misses;             /* Go's m.misses: since the last promotion */
	_Atomic size_t entries;
	size_t expunged;           /* of read, not in dirty (I2) */
	unsigned int lock_ops;
	/*
	 * Work in slices (docs/design.md, "Work in slices"); under
	 * SYNCMAP_CLASSIC every piece is done at once and these stay idle.
	 * While copying, read's slots from copy_pos on, which hold
	 * copy_left entries, are still to be copied into dirty, and once
	 * read is amended dirty's reserve has room for them (table.h).
	 * stale is the read table the last promotion
	 * replaced, whose stale_left expunged entries from stale_pos on no
	 * table indexes any more: they are retired before the next copy may
	 * expunge anything.  A promotion due while the copy was under way
	 * waits for it (promotion_waits); a compaction promotes as soon as
	 * it can.  slice is what one slice may do, in units of bounded.c.
	 */
	bool copying, promotion_waits;
	size_t copy_pos, copy_left;
	struct table *stale;
	size_t stale_pos, stale_left;
	/* Bytes of read's expunged entries, and of what stale holds. */
	size_t expunged_bytes, stale_bytes;
	size_t slice;
	/* A compaction could not have its first table, or its copy, read
	 * not amended yet, could not grow dirty (starved): the work and the
	 * rule wait until retry_calls more calls have been counted (read
	 * without the mutex as put_off), so that an allocator that keeps
	 * failing sees one attempt per so many calls, not one per call. */
	bool starved;
	size_t retry_calls;
	_Atomic bool put_off;
	_Atomic bool compacting;
	/* For the bounded rule without the mutex (relaxed, as the counters;
	 * written at the end of each locked section): WORK_* bits; what the
	 * stale table and dirty's growth hold for a while, which the rule
	 * leaves out of what the map holds; the stale entries, which it
	 * leaves out of the dead. */
	_Atomic unsigned int work;
	_Atomic size_t passing_bytes;
	_Atomic size_t passing_dead;
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

/* Dirty can become read: the copy and dirty's growth are done. */
static inline bool
promotion_ready(const struct syncmap *m)
{
	return m->dirty.t != NULL && !m->copying && m->dirty.old == NULL;
}

/* Publishes t as read (reclamation rule 4 of docs/design.md). */
HIDDEN void syncmap__publish_read(struct syncmap *m, struct table *t,
                                  bool amended);
/* An entry that no table indexes any more is retired (I4, rule 3). */
HIDDEN void syncmap__retire_entry(struct syncmap *m, struct entry *e);
HIDDEN void syncmap__retire_table(struct syncmap *m, struct table *t);
/* Go: the promotion of dirty to read (missLocked's second half).  Only
 * when promotion_ready. */
HIDDEN void syncmap__promote_locked(struct syncmap *m);
/* Go's dirtyLocked begun: t, empty or TABLE_EMPTY, becomes dirty, and
 * read is copied into it at once or, under a slice budget, by slices,
 * with dirty's reserve taken first if reserve (a Store about to amend
 * read).  0, or the allocator's error, and then t is freed and there is
 * no dirty. */
HIDDEN int syncmap__copy_start(struct syncmap *m, struct table *t,
                               bool reserve);
/* Does up to *budget units of the work in slices (the stale scan, the
 * copy, dirty's growth, then a promotion that waits), taking from *budget
 * what it did; true if work is left.  *budget is left as it was only if
 * nothing could be done: dirty could not grow. */
HIDDEN bool syncmap__work_locked(struct syncmap *m, size_t *budget);

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
 * if the map has work left (calls = 64: what it counts towards a retry);
 * after_counted after a lock-free call changed the live counters (it
 * takes the mutex only when the rule asks for a compaction, or one is
 * under way).  has_work says whether work is left or waits for a retry. */
HIDDEN void syncmap__bounded_after_locked(struct syncmap *m, size_t calls);
HIDDEN void syncmap__bounded_after_counted(struct syncmap *m);

/* Relaxed: a hint for the offers; the locked hook reads the state itself. */
static inline bool
bounded_has_work(struct syncmap *m)
{
	return atomic_load_explicit(&m->work, memory_order_relaxed) != 0 ||
	    atomic_load_explicit(&m->put_off, memory_order_relaxed);
}

static inline void
policy_after_counted(struct syncmap *m)
{
	if (m->policy == SYNCMAP_BOUNDED)
		syncmap__bounded_after_counted(m);
}

#endif /* SYNCMAP_MAP_H */
