/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * iter.c - the walk of iter.h, and syncmap_iter, Range as a loop.
 *
 * An iterator is the walk itself, kept in the caller's storage: begin
 * opens it, next steps it, end closes it.  syncmap_range (syncmap.c) runs
 * the same walk with a callback, so the two cannot drift apart.
 */
#include <errno.h>
#include <stdint.h>

#include "iter.h"

_Static_assert(sizeof(struct iter) <= sizeof(((syncmap_iter_t *)0)->opaque),
    "the iterator's state must fit in syncmap_iter_t");
_Static_assert(_Alignof(struct iter) <= _Alignof(syncmap_iter_t),
    "syncmap_iter_t must be aligned for the iterator's state");

static inline struct iter *
iter_of(syncmap_iter_t *it)
{
	return (struct iter *)(void *)it->opaque;
}

/* A walk that yields nothing and holds nothing: the empty table's walk
 * ends at once, from any state. */
static inline void
iter_empty(struct iter *it)
{
	*it = (struct iter){ .t = TABLE_EMPTY };
}

/* A random number for the walk: the map's seeded hash of a count. */
static uint64_t
walk_random(struct syncmap *m)
{
	static __thread uint64_t walks;

	walks++;
	return syncmap__hash(m->seed, &walks, sizeof(walks));
}

/*
 * The read table with the even count of clears it was loaded under: with
 * the count the same on both sides of the load, no Clear began between
 * them, so the table is no older than the last Clear.  A Clear under way
 * holds the mutex until it is done: wait for it there.
 */
static uintptr_t
snapshot(struct syncmap *m, unsigned long *clears)
{
	uintptr_t rw;

	for (;;) {
		/* Acquire: pairs with Clear's last store, so the read
		 * loaded next is the one it published or a later one. */
		*clears = atomic_load_explicit(&m->clears, memory_order_acquire);
		if (*clears & 1) {
			syncmap__lock(m);
			syncmap__unlock(m);
			continue;
		}
		rw = load_read(m);
		/* Relaxed: load_read's acquire keeps this load after it. */
		if (atomic_load_explicit(&m->clears, memory_order_relaxed) == *clears)
			return rw;
	}
}

/*
 * Go: "m.Range is O(N) anyway", so it promotes dirty first and then walks
 * read without the lock.  A copy under way (SYNCMAP_BOUNDED) is finished
 * first, a slice per locked section, letting the mutex go between slices
 * so that no other call waits for more than one; the walk is O(n) anyway.
 * Each slice gets on, for the copy never waits for the allocator: read
 * being amended, dirty's reserve has room for all it has left (table.h).
 */
static void
promote(struct syncmap *m)
{
	size_t budget;

	syncmap__lock(m);
	while (load_read(m) & AMENDED) {
		if (promotion_ready(m)) {
			syncmap__promote_locked(m);
			break;
		}
		budget = m->slice;
		syncmap__work_locked(m, &budget);
		syncmap__unlock(m);
		syncmap__lock(m);
	}
	syncmap__unlock(m);
}

int
syncmap__iter_open(struct syncmap *m, struct iter *it)
{
	uintptr_t rw;

	iter_empty(it);
	if ((it->rec = reader_enter()) == NULL)
		return -ENOMEM;
	it->m = m;
	rw = snapshot(m, &it->clears);
	if (rw & AMENDED) {
		promote(m);
		rw = snapshot(m, &it->clears);
	}
	/* The order is random, as Go's map iteration is: with linear
	 * probing, callers that always delete the first key they are shown
	 * (Go's AdversarialDelete) would otherwise eat the runs of occupied
	 * slots from their heads and pack the keys into long runs, which
	 * every lookup of an absent key then walks. */
	it->t = table_of(rw);
	it->w = table_walk(walk_random(m));
	return 0;
}

void
syncmap__iter_close(struct iter *it)
{
	if (it->rec != NULL)
		syncmap__leave(it->m, it->rec);
	iter_empty(it);
}

/*
 * Never fails: with m NULL, or when no read-side section can be had (see
 * iter.h), the iterator yields nothing.  Nothing can be walked safely
 * without a section, and falling back to the mutex would deadlock the
 * first loop body that calls the map; errno tells a caller who wants to
 * know the two cases apart.
 */
void
syncmap_iter_begin(syncmap_t *m, syncmap_iter_t *iter)
{
	struct iter *it;

	if (iter == NULL)
		return;
	it = iter_of(iter);
	if (m == NULL)
		iter_empty(it);
	else if (syncmap__iter_open(m, it) != 0)
		errno = ENOMEM;
}

/*
 * The key is the entry's own copy and the value is the one loaded at the
 * visit.  The iterator's section keeps the entry, so the key, until end,
 * even if the loop body deletes the key or clears the map.  The same
 * section is what will keep a yielded value valid once the map manages
 * values' lifetimes (section 6 of the contract): a value that leaves the
 * map is released only after every section open at the time has closed,
 * and this one stays open until syncmap_iter_end.
 */
int
syncmap_iter_next(syncmap_iter_t *iter, const void **key, size_t *klen,
                  void **value)
{
	struct entry *e;
	void *v;

	if (iter == NULL || (e = iter_step(iter_of(iter), &v)) == NULL)
		return 0;
	if (key != NULL)
		*key = e->key;
	if (klen != NULL)
		*klen = e->klen;
	if (value != NULL)
		*value = v;
	return 1;
}

void
syncmap_iter_end(syncmap_iter_t *iter)
{
	if (iter != NULL)
		syncmap__iter_close(iter_of(iter));
}
