/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bounded.c - SYNCMAP_BOUNDED: Go's algorithm (syncmap.c) plus, in the
 * two hooks of map.h, compaction, which bounds what deleted keys may hold,
 * and the pacing of the work in slices, which bounds what any one call
 * does under the mutex.  docs/design.md ("The bounded rule", "Work in
 * slices") has the bounds, why each piece finishes in time, and why it
 * all costs amortised O(1) per operation.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "map.h"
#include "probes.h"

/* dead <= max(live, DEAD_FLOOR) at quiescence (docs/design.md). */
#define DEAD_FLOOR 64
/* A read table of fewer than SMALL_READ slots per unit of the slice is
 * compacted in one go, which costs about a slice too (at the default
 * slice, under 1,024 slots: at most some 770 entries, 25 us); a larger one
 * by slices, begun at 3/4 of the dead allowance.  Tied to the slice so
 * that the tests' small slices reach a compaction in slices on small maps. */
#define SMALL_READ 4
/* Compaction keeps the held heap under 2 * live weight + HELD_SLACK, so
 * that with garbage awaiting its grace period the map stays within the
 * contract's 3 * live weight + 256 KiB. */
#define HELD_SLACK ((size_t)128 << 10)

static size_t
less(size_t a, size_t b)
{
	return a > b ? a - b : 0;
}

/*
 * The rule's trigger.  Read without the mutex by the lock-free hook, so
 * every counter is loaded relaxed: a stale value only moves a compaction
 * one call earlier or later, and the locked hook reads them again under
 * the mutex, where every locked writer is ordered before it.  What is
 * already on its way out (the stale entries and table of the last
 * promotion, dirty's growth, big blocks being unmapped) is left out, or
 * one compaction would set off the next.  A compaction takes many
 * slices, so it begins at 3/4 of the dead allowance: docs/design.md shows
 * it ends before the allowance.
 */
static bool
small_read(struct syncmap *m)
{
	return table_of(load_read(m))->mask / SMALL_READ < m->slice;
}

static bool
compaction_due(struct syncmap *m)
{
	size_t live = counter_of(&m->live), bytes, pending, held, dead;
	size_t entries = atomic_load_explicit(&m->entries, memory_order_relaxed);
	size_t allowed = live > DEAD_FLOOR ? live : DEAD_FLOOR;

	dead = less(less(entries, live),
	    atomic_load_explicit(&m->passing_dead, memory_order_relaxed));
	if (small_read(m) ? dead > allowed : 4 * dead > 3 * allowed)
		return true;
	bytes = atomic_load_explicit(&m->mem.bytes, memory_order_relaxed);
	pending = atomic_load_explicit(&m->mem.pending, memory_order_relaxed) +
	    atomic_load_explicit(&m->mem.unmapping_bytes, memory_order_relaxed);
	held = less(less(bytes, pending),
	    atomic_load_explicit(&m->passing_bytes, memory_order_relaxed));
	return held > 2 * counter_of(&m->live_weight) + HELD_SLACK;
}

/*
 * Go has no such step.  A compaction is what Go's misses would do in
 * time, done sooner: a copy of read into a new dirty, which expunges and
 * leaves out what is deleted, then a promotion as soon as the copy is
 * done.  The copy takes no reserve (table.h): until a new key amends
 * read, Range need not finish it, and the first new key takes one.  With
 * a dirty table already, it is that one's promotion; the rule then asks
 * again.  If no table can be had, nothing begins, and the next
 * call asks again, which costs it one failed allocation.
 */
static void
compact_locked(struct syncmap *m)
{
	size_t n = counter_of(&m->live) + 1;
	struct table *t;

	if (m->dirty.t == NULL &&
	    ((t = syncmap__table_new(&m->mem, n < FIRST_DIRTY ? n : FIRST_DIRTY,
	    table_shift_beside(table_of(load_read(m))))) == NULL ||
	    syncmap__copy_start(m, t, false) != 0)) {
		m->starved = true;
		return;
	}
	/* Relaxed: written under the mutex, read without it as a hint. */
	atomic_store_explicit(&m->compacting, true, memory_order_relaxed);
	m->n_compactions++;
	SYNCMAP_PROBE_COMPACT(m, counter_of(&m->live),
	    less(atomic_load_explicit(&m->entries, memory_order_relaxed),
	    counter_of(&m->live)));
}

/* Relaxed stores: the fields are hints for the lock-free paths, written
 * only here, under the mutex. */
static void
publish_state(struct syncmap *m, bool left)
{
	unsigned int work = (left ? WORK_LEFT : 0) |
	    (atomic_load_explicit(&m->compacting, memory_order_relaxed) ||
	    m->stale != NULL ? WORK_PACED : 0);

	atomic_store_explicit(&m->work, work, memory_order_relaxed);
	atomic_store_explicit(&m->passing_bytes, m->stale_bytes +
	    syncmap__dirty_growth_bytes(&m->dirty), memory_order_relaxed);
	atomic_store_explicit(&m->passing_dead, m->stale_left,
	    memory_order_relaxed);
}

/* After an allocation failed, the work waits until as many calls as the
 * map has entries have been counted: each try may cost a slice, so a try
 * per call would make every call pay while the allocator fails; this way
 * it stays amortised O(1).  True while it waits. */
static bool
waiting_locked(struct syncmap *m, size_t calls)
{
	if (m->starved) {
		m->starved = false;
		m->retry_calls = atomic_load_explicit(&m->entries,
		    memory_order_relaxed) + DEAD_FLOOR;
	}
	if (m->retry_calls > calls) {
		m->retry_calls -= calls;
	} else {
		m->retry_calls = 0;
	}
	/* Relaxed: a hint for the lock-free paths, written under the mutex. */
	atomic_store_explicit(&m->put_off, m->retry_calls > 0,
	    memory_order_relaxed);
	return m->retry_calls > 0;
}

/* A slice of the work at the end of every locked section and of every
 * offer, after the rule has had its say.  A small read table is compacted
 * in one go, and if the promotion that ends it leaves the map still over
 * its bound (dirty had deleted keys of its own), once more. */
void
syncmap__bounded_after_locked(struct syncmap *m, size_t calls)
{
	size_t budget;
	bool left = true;
	int pass;

	if (waiting_locked(m, calls))
		goto out;
	for (pass = 0; pass < 2 && !m->starved; pass++) {
		publish_state(m, true);
		if (!atomic_load_explicit(&m->compacting, memory_order_relaxed) &&
		    compaction_due(m))
			compact_locked(m);
		if (!atomic_load_explicit(&m->compacting, memory_order_relaxed) ||
		    !small_read(m))
			break;
		budget = SIZE_MAX;
		syncmap__work_locked(m, &budget);
	}
	budget = m->slice;
	if (!m->starved)
		left = syncmap__work_locked(m, &budget);
	waiting_locked(m, 0);
out:
	publish_state(m, left);
}

/* A lock-free delete or revival moved the counters: if the rule now calls
 * for a compaction, or one is under way, take the mutex, whose unlock
 * runs the locked hook and so a slice. */
void
syncmap__bounded_after_counted(struct syncmap *m)
{
	if (atomic_load_explicit(&m->put_off, memory_order_relaxed))
		return;
	if ((atomic_load_explicit(&m->work, memory_order_relaxed) & WORK_PACED) ||
	    compaction_due(m)) {
		syncmap__lock(m);
		syncmap__unlock(m);
	}
}
