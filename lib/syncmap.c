/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * syncmap.c - Go 1.23's sync.Map (src/sync/map.go), operation by operation.
 *
 * Read this beside map.go.  Every operation has Go's shape:
 *
 *	look in read without the lock;
 *	if that settles it, done;
 *	else lock, look in read again, then in dirty, count a miss, unlock.
 *
 * begin() is the first line and locate_locked() the locked half, so each
 * operation below is its own part only: what it does with the entry once
 * found.  Miss counting is Go's: Load, LoadAndDelete and CompareAndDelete
 * count a miss whenever they reach dirty; LoadOrStore and CompareAndSwap
 * only when dirty has the key; Store and Swap never.
 *
 * Nothing here is beyond Go's algorithm but two things C needs: garbage is
 * retired to a grace period (reclaim.c; docs/design.md, "Reclamation"),
 * and an entry is made expunged before it leaves every table (I4), which
 * keeps the counters of I5 exact.  The bounded policy (bounded.c) is a
 * layer that runs in the two hooks of map.h; under SYNCMAP_CLASSIC they do
 * nothing and this file alone runs, so promotions, copies and expunges
 * are Go's, step for step (tests/go-trace.test).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "iter.h"
#include "map.h"
#include "probes.h"

/*
 * Publishes a new read.  Release, so that a reader's acquire load sees the
 * table's slots; then rule 4's fence, so that the unlinking store is
 * visible before retire stamps garbage with the global epoch, which it
 * reads with a plain load (docs/design.md, rule 4).  Seq_cst on the store
 * itself is what lets TSan see rule 4, as it models no standalone fence
 * (reclaim.h).
 */
void
syncmap__publish_read(struct syncmap *m, struct table *t, bool amended)
{
	atomic_store_explicit(&m->read, (uintptr_t)t | (amended ? AMENDED : 0),
	    memory_order_seq_cst);
	retire_fence();
}

void
syncmap__retire_entry(struct syncmap *m, struct entry *e)
{
	/* Relaxed: entries is a count for the bounded rule and stats, written
	 * under the mutex. */
	atomic_fetch_sub_explicit(&m->entries, 1, memory_order_relaxed);
	syncmap__retire(&m->gc, &e->retire, syncmap__entry_reclaim,
	    entry_size(e->klen));
}

void
syncmap__retire_table(struct syncmap *m, struct table *t)
{
	if (t != TABLE_EMPTY)
		syncmap__retire(&m->gc, &t->retire, syncmap__table_reclaim,
		    table_size(t));
}

/* An entry leaves every table (I4): what it held is no longer live, and
 * its value departs. */
static void
orphan_locked(struct syncmap *m, struct entry *e)
{
	void *old = entry_orphan_locked(e);

	if (is_value(old)) {
		count_death(m, e);
		syncmap__value_depart(m->vals, old);
	}
	syncmap__retire_entry(m, e);
}

/* ---- Go's locked helpers, whole or in slices --------------------------- */

/* Units of work (docs/design.md, "Work in slices"): a slot looked at
 * costs one, an entry it makes something of four more. */
#define ENTRY_UNITS 4

static void
spend(size_t *budget, size_t units)
{
	*budget = *budget > units ? *budget - units : 0;
}

/*
 * The rest of a promotion: the entries the old read had expunged are in
 * no table any more (I2) and are retired, then the old table.  In slices
 * (from the next slice on), this scan runs before the next copy may
 * expunge anything: that copy expunges entries of the new read, which
 * the old one holds too, and the scan would take them for its own.
 */
static void
stale_scan(struct syncmap *m, size_t *budget)
{
	struct entry *e;

	while (m->stale_left > 0 && *budget > 0) {
		e = m->stale->slots[m->stale_pos++].e;
		spend(budget, 1);
		if (e != NULL &&
		    atomic_load_explicit(&e->p, memory_order_relaxed) == EXPUNGED) {
			m->stale_bytes -= entry_size(e->klen);
			syncmap__retire_entry(m, e);
			m->stale_left--;
			spend(budget, ENTRY_UNITS);
		}
	}
	if (m->stale != NULL && m->stale_left == 0) {
		syncmap__retire_table(m, m->stale);
		m->stale = NULL;
		m->stale_bytes = 0;
	}
}

/* Go: missLocked's promotion.  dirty becomes read as it is, with no copy;
 * read's expunged entries go by stale_scan, at once without a budget. */
void
syncmap__promote_locked(struct syncmap *m)
{
	size_t all = SIZE_MAX;

	SYNCMAP_PROBE_PROMOTE(m, m->dirty.t->count);
	m->stale = table_of(load_read(m));
	m->stale_pos = 0;
	m->stale_left = m->expunged;
	m->stale_bytes = m->expunged_bytes + table_size(m->stale);
	m->expunged = 0;
	m->expunged_bytes = 0;
	syncmap__publish_read(m, m->dirty.t, false);
	m->dirty.t = NULL;
	syncmap__dirty_free(&m->dirty, &m->mem);
	m->misses = 0;
	m->promotion_waits = false;
	m->n_promotions++;
	if (!m->dirty.sliced)
		stale_scan(m, &all);
}

/* Go: missLocked.  A lookup had to take the mutex; once the misses have
 * paid for copying dirty (as many as its entries), promote it.  While the
 * copy is under way the promotion waits for the slice that finishes it:
 * with two entries or more copied per locked call (a slice copies far
 * more), that is before misses reach len(dirty) unless most of read was
 * dead and left out. */
static void
miss_locked(struct syncmap *m)
{
	size_t count = dirty_count(&m->dirty);

	m->n_misses++;
	m->misses++;
	SYNCMAP_PROBE_MISS(m, m->misses, count);
	if (m->misses < count)
		return;
	if (promotion_ready(m))
		syncmap__promote_locked(m);
	else
		m->promotion_waits = true;
}

/* Go: dirtyLocked, a slice at a time: read's slots from copy_pos on go
 * into dirty, and deleted entries are expunged on the way and left out,
 * which is what lets them go at the next promotion.  Once read is amended
 * dirty's reserve (table.h) has room for all copy_left entries, so a
 * growth cannot be refused and the copy always finishes, as Range needs.
 * Before that (a compaction's copy, no new key yet), a refused growth
 * stops the copy where it is, for a later slice to go on (starved). */
static void
copy_slice(struct syncmap *m, size_t *budget)
{
	struct table *r = table_of(load_read(m));
	const struct slot *s;

	for (; m->copy_pos <= r->mask && *budget > 0; m->copy_pos++) {
		s = &r->slots[m->copy_pos];
		if (s->e == NULL) {
			spend(budget, 1);
			continue;
		}
		m->copy_left--;
		if (entry_try_expunge_locked(s->e)) {
			m->expunged++;
			m->expunged_bytes += entry_size(s->e->klen);
		} else {
			if (syncmap__dirty_reserve(&m->dirty, &m->mem) != 0) {
				m->copy_left++;
				m->starved = true;
				return;
			}
			syncmap__dirty_insert(&m->dirty, &m->mem, s->hash, s->e);
		}
		/* Cannot fail, the room being there: it lets the reserve go
		 * as soon as t or next has the room itself. */
		if (m->dirty.reserve != NULL)
			(void)syncmap__dirty_reserve_for(&m->dirty, &m->mem,
			    dirty_count(&m->dirty) + m->copy_left);
		spend(budget, 1 + ENTRY_UNITS);
	}
	if (m->copy_pos > r->mask) {
		m->copying = false;
		/* Cannot fail: it only lets the reserve go. */
		(void)syncmap__dirty_reserve_for(&m->dirty, &m->mem, 0);
		SYNCMAP_PROBE_DIRTY_COPY(m, dirty_count(&m->dirty));
	}
}

int
syncmap__copy_start(struct syncmap *m, struct table *t, bool reserve)
{
	size_t all = SIZE_MAX, left = table_of(load_read(m))->count;
	int rc;

	syncmap__dirty_init(&m->dirty, t, m->policy == SYNCMAP_BOUNDED);
	if (m->dirty.sliced && reserve &&
	    (rc = syncmap__dirty_reserve_for(&m->dirty, &m->mem, left)) != 0) {
		syncmap__dirty_free(&m->dirty, &m->mem);
		return rc;
	}
	m->copying = true;
	m->copy_pos = 0;
	m->copy_left = left;
	m->n_copies++;
	if (!m->dirty.sliced)
		copy_slice(m, &all);
	return 0;
}

bool
syncmap__work_locked(struct syncmap *m, size_t *budget)
{
	stale_scan(m, budget);
	if (m->stale == NULL && m->copying)
		copy_slice(m, budget);
	if (m->dirty.t != NULL && !m->copying && m->dirty.old != NULL &&
	    *budget > 0) {
		syncmap__dirty_settle(&m->dirty, &m->mem, *budget);
		*budget = 0;
	}
	if (promotion_ready(m) && (m->promotion_waits ||
	    atomic_load_explicit(&m->compacting, memory_order_relaxed))) {
		syncmap__promote_locked(m);
		/* Relaxed: written under the mutex held here. */
		atomic_store_explicit(&m->compacting, false, memory_order_relaxed);
		stale_scan(m, budget);
	}
	return m->copying || m->stale != NULL || m->dirty.old != NULL;
}

/* Makes room in dirty for one more entry and puts e there.  While a copy
 * runs, the reserve must keep room for what it has left as well. */
static int
dirty_add_locked(struct syncmap *m, uint64_t h, struct entry *e)
{
	int rc;

	if (m->copying && (rc = syncmap__dirty_reserve_for(&m->dirty, &m->mem,
	    dirty_count(&m->dirty) + 1 + m->copy_left)) != 0)
		return rc;
	if ((rc = syncmap__dirty_reserve(&m->dirty, &m->mem)) != 0)
		return rc;
	syncmap__dirty_insert(&m->dirty, &m->mem, h, e);
	return 0;
}

/* Go: "if e.unexpungeLocked() { m.dirty[key] = e }".  A key of read found
 * expunged goes back into dirty before it is stored to.  What can fail
 * comes first, so that a failure leaves the map as it was. */
static int
unexpunge_locked(struct syncmap *m, struct entry *e, uint64_t h)
{
	int rc;

	if (atomic_load_explicit(&e->p, memory_order_relaxed) != EXPUNGED)
		return 0;
	if ((rc = dirty_add_locked(m, h, e)) != 0)
		return rc;
	entry_unexpunge_locked(e);
	m->expunged--;
	m->expunged_bytes -= entry_size(e->klen);
	return 0;
}

/* Go: the new-key branch of Swap and LoadOrStore: "if !read.amended {
 * m.dirtyLocked(); m.read.Store(amended) }; m.dirty[key] = newEntry(value)".
 * The entry and the dirty table are allocated before anything changes;
 * the table has room for the new key, so the insert cannot fail after
 * the copy has begun.  A capacity hint is only a hint: one the allocator
 * refuses is dropped, so that it cannot make every new key fail for good. */
static int
add_key_locked(struct syncmap *m, uintptr_t rw, uint64_t h, const void *key,
               size_t klen, void *raw)
{
	struct entry *e = syncmap__entry_new(&m->mem, key, klen, raw);
	struct table *r = table_of(rw), *t = NULL;
	size_t n = r->count + 1;
	int rc;

	if (e == NULL)
		return m->mem.error;
	if (m->dirty.t == NULL) {
		if (m->policy == SYNCMAP_BOUNDED && n > FIRST_DIRTY)
			n = FIRST_DIRTY;
		if (r == TABLE_EMPTY && m->hint > 1 &&
		    (t = syncmap__table_new(&m->mem, m->hint,
		    table_shift_beside(r))) == NULL)
			m->hint = 0;
		if (t == NULL)
			t = syncmap__table_new(&m->mem, n, table_shift_beside(r));
		if ((rc = t == NULL ? m->mem.error : syncmap__copy_start(m, t, true)) != 0) {
			syncmap__entry_free(&m->mem, e);
			return rc;
		}
	}
	if ((rc = dirty_add_locked(m, h, e)) != 0) {
		syncmap__entry_free(&m->mem, e);
		return rc;
	}
	if (!(rw & AMENDED))
		syncmap__publish_read(m, r, true);
	atomic_fetch_add_explicit(&m->entries, 1, memory_order_relaxed);
	count_revival(m, e);
	return 0;
}

/* ---- the lookup skeleton ---------------------------------------------- */

/* A key being looked up: its hash (once computed), the read word seen and
 * what read (or, under the lock, dirty) had for it. */
struct lookup {
	struct reader *rec;
	const void *key;
	size_t klen;
	uint64_t h;
	bool hashed;
	uintptr_t rw;
	struct entry *e;
};

/*
 * Go: "read := m.loadReadOnly(); e, ok := read.m[key]".  Validates the
 * arguments, opens the call's read-side section and looks the key up in
 * read, without the lock.  An empty read has nothing to find, and then the
 * key is hashed only if the lock is taken (as Go's map lookup returns at
 * once for an empty map).  Inline: it is most of a hit's work.
 */
static ALWAYS_INLINE int
begin(syncmap_t *m, const void *key, size_t klen, struct lookup *l)
{
	if (m == NULL || (key == NULL && klen > 0))
		return -EINVAL;
	if ((l->rec = reader_enter()) == NULL)
		return -ENOMEM;
	l->key = key;
	l->klen = klen;
	l->rw = load_read(m);
	l->hashed = table_of(l->rw)->count > 0;
	l->e = NULL;
	if (l->hashed) {
		l->h = syncmap__hash(m->seed, key, klen);
		l->e = table_find(table_of(l->rw), l->h, key, klen);
	}
	return 0;
}

/* Go: "if !ok && read.amended": only then can the lock tell more. */
static inline bool
need_lock(const struct lookup *l)
{
	return l->e == NULL && (l->rw & AMENDED);
}

enum where { ABSENT, IN_READ, IN_DIRTY };

/* How a locked lookup that reaches dirty counts: Go's missLocked calls. */
enum miss {
	MISS_NEVER,      /* Store, Swap */
	MISS_IF_DIRTY,   /* LoadOrStore, CompareAndSwap: dirty had the key */
	MISS_ALWAYS,     /* Load, LoadAndDelete, CompareAndDelete */
};

/*
 * The locked half of every operation: "read = m.loadReadOnly(); e, ok =
 * read.m[key]" again, since dirty may have been promoted while we waited
 * for the lock, and then "e, ok = m.dirty[key]; m.missLocked()".  With
 * take, a key that only dirty has is removed from it first (Go's
 * LoadAndDelete: "delete(m.dirty, key)" before missLocked, whose
 * threshold is len(dirty)).  A miss may promote dirty; l->e stays valid,
 * since promotion moves entries, not copies them.
 */
static enum where
locate_locked(struct syncmap *m, struct lookup *l, enum miss miss, bool take)
{
	if (!l->hashed) {
		l->h = syncmap__hash(m->seed, l->key, l->klen);
		l->hashed = true;
	}
	l->rw = load_read(m);
	if ((l->e = table_find(table_of(l->rw), l->h, l->key, l->klen)) != NULL)
		return IN_READ;
	/* Without AMENDED dirty has no key that read lacks (I2). */
	if (!(l->rw & AMENDED))
		return ABSENT;
	l->e = take ? syncmap__dirty_remove(&m->dirty, l->h, l->key, l->klen) :
	    dirty_find(&m->dirty, l->h, l->key, l->klen);
	if (miss == MISS_ALWAYS || (miss == MISS_IF_DIRTY && l->e != NULL))
		miss_locked(m);
	return l->e != NULL ? IN_DIRTY : ABSENT;
}

/*
 * Go's Load up to "e.load()", shared with CompareAndDelete, whose slow
 * path also only looks: read without the lock, then read and dirty under
 * it when read cannot answer.  l->e stays valid after the unlock, since
 * the call's section is still open.
 */
static ALWAYS_INLINE int
find(syncmap_t *m, const void *key, size_t klen, struct lookup *l)
{
	int rc;

	if ((rc = begin(m, key, klen, l)) != 0)
		return rc;
	if (need_lock(l)) {
		syncmap__lock(m);
		locate_locked(m, l, MISS_ALWAYS, false);
		syncmap__unlock(m);
	}
	return 0;
}

/*
 * The end of Swap and LoadAndDelete: the value a call took out of the map
 * (NULL: none) is handed to the caller, then departs.  It is the call's
 * alone until it departs, so it is still valid here.
 */
static int
hand_over(struct syncmap *m, void *old, void **out)
{
	if (old == NULL)
		return 0;
	value_hand_back(m->vals, old, out);
	syncmap__value_depart(m->vals, old);
	return 1;
}

/* Swap and CompareAndSwap box a managed value before they look, so that
 * a failure to allocate changes nothing. */
static int
box_for(syncmap_t *m, void *value, void **raw)
{
	return m == NULL ? -EINVAL : syncmap__value_wrap(m->vals, value, raw);
}

/* ---- the operations --------------------------------------------------- */

/* Go: Load. */
int
syncmap_load(syncmap_t *m, const void *key, size_t klen, void **value)
{
	struct lookup l;
	void *raw;
	int rc;

	if ((rc = find(m, key, klen, &l)) != 0)
		return rc;
	if ((raw = l.e != NULL ? entry_load(l.e) : NULL) != NULL)
		value_hand_back(m->vals, raw, value);
	syncmap__leave(m, l.rec);
	return raw != NULL;
}

/*
 * Go's Swap and LoadOrStore have one shape: try the entry of read without
 * the lock; else lock, and store into the entry read or dirty has (back
 * from expunged first, if read's was), or add the key.  op is the entry's
 * part (entry_try_swap or entry_try_load_or_store): false if expunged,
 * else *prior is what it found, NULL if it stored into nil, which makes the
 * key live again (I5).  Inline, so that op is a direct call.  With out,
 * LoadOrStore's value is handed back inside the call's section, while it
 * cannot have been released: what the key held, or raw if it stored.
 */
static ALWAYS_INLINE int
store_op(syncmap_t *m, const void *key, size_t klen, void *raw,
         enum miss miss, bool (*op)(struct entry *, void *, void **),
         void **prior, void **out)
{
	struct lookup l;
	int rc;

	if ((rc = begin(m, key, klen, &l)) != 0)
		return rc;
	if (l.e != NULL && op(l.e, raw, prior)) {
		if (*prior == NULL) {
			count_revival(m, l.e);
			policy_after_counted(m);
		}
		goto out;
	}
	syncmap__lock(m);
	*prior = NULL;
	switch (locate_locked(m, &l, miss, false)) {
	case IN_READ:
		if ((rc = unexpunge_locked(m, l.e, l.h)) != 0)
			break;
		/* fall through - the entry is in dirty now */
	case IN_DIRTY:
		/* Never expunged under the lock: op settles it. */
		op(l.e, raw, prior);
		if (*prior == NULL)
			count_revival(m, l.e);
		break;
	case ABSENT:
		rc = add_key_locked(m, l.rw, l.h, key, klen, raw);
		break;
	}
	syncmap__unlock(m);
out:
	if (out != NULL && rc == 0)
		value_hand_back(m->vals, *prior != NULL ? *prior : raw, out);
	syncmap__leave(m, l.rec);
	return rc;
}

/* Go: Swap; Store is Swap without the previous value.  The box of a
 * managed value is had first, so that a failure changes nothing; what the
 * key held departs after the call's section, as no table indexes it. */
int
syncmap_swap(syncmap_t *m, const void *key, size_t klen, void *value,
             void **previous)
{
	void *raw, *old;
	int rc;

	if ((rc = box_for(m, value, &raw)) != 0)
		return rc;
	if ((rc = store_op(m, key, klen, raw, MISS_NEVER, entry_try_swap,
	    &old, NULL)) != 0) {
		syncmap__value_discard(m->vals, raw);
		return rc;
	}
	return hand_over(m, old, previous);
}

int
syncmap_store(syncmap_t *m, const void *key, size_t klen, void *value)
{
	int rc = syncmap_swap(m, key, klen, value, NULL);

	return rc < 0 ? rc : 0;
}

/* Go: LoadOrStore.  With managed values a key that holds one is answered
 * first by a Load, so that a hit never allocates a box it would throw
 * away.  The one difference from Go it makes: a new key, while dirty has
 * keys read lacks, counts a miss (Load's), which only brings the next
 * promotion a call nearer. */
int
syncmap_load_or_store(syncmap_t *m, const void *key, size_t klen,
                      void *value, void **actual)
{
	void *raw, *found;
	int rc;

	if (m == NULL)
		return -EINVAL;
	if (m->vals != NULL && value != NULL &&
	    (rc = syncmap_load(m, key, klen, actual)) != 0)
		return rc;
	if ((rc = syncmap__value_wrap(m->vals, value, &raw)) != 0)
		return rc;
	if ((rc = store_op(m, key, klen, raw, MISS_IF_DIRTY,
	    entry_try_load_or_store, &found, actual)) != 0 || found != NULL)
		syncmap__value_discard(m->vals, raw);
	return rc < 0 ? rc : found != NULL;
}

/* Go: LoadAndDelete. */
int
syncmap_load_and_delete(syncmap_t *m, const void *key, size_t klen,
                        void **value)
{
	struct lookup l;
	void *old = NULL;
	int rc;

	if ((rc = begin(m, key, klen, &l)) != 0)
		return rc;
	if (need_lock(&l)) {
		syncmap__lock(m);
		if (locate_locked(m, &l, MISS_ALWAYS, true) == IN_DIRTY) {
			/* A key only dirty had has left it for good: Go then
			 * deletes through the entry; here it is orphaned in
			 * one step (I4), which is the same to every reader. */
			if (!is_value(old = entry_orphan_locked(l.e)))
				old = NULL;
			else
				count_death(m, l.e);
			syncmap__retire_entry(m, l.e);
			l.e = NULL;
		}
		syncmap__unlock(m);
	}
	if (l.e != NULL && (old = entry_delete(l.e)) != NULL) {
		count_death(m, l.e);
		policy_after_counted(m);
	}
	syncmap__leave(m, l.rec);
	return hand_over(m, old, value);
}

/* Go: Delete. */
int
syncmap_delete(syncmap_t *m, const void *key, size_t klen)
{
	return syncmap_load_and_delete(m, key, klen, NULL);
}

/* Go: CompareAndSwap.  On the slow path the compare is made under the
 * lock, as Go makes it.  A managed new value is boxed first, so that a
 * swap that happens cannot fail. */
int
syncmap_compare_and_swap(syncmap_t *m, const void *key, size_t klen,
                         void *old_value, void *new_value)
{
	bool locked = false;
	struct lookup l;
	void *raw, *old;
	int rc;

	if ((rc = box_for(m, new_value, &raw)) != 0)
		return rc;
	if ((rc = begin(m, key, klen, &l)) != 0) {
		syncmap__value_discard(m->vals, raw);
		return rc;
	}
	if (need_lock(&l)) {
		syncmap__lock(m);
		locked = true;
		locate_locked(m, &l, MISS_IF_DIRTY, false);
	}
	rc = l.e != NULL &&
	    value_compare_and_swap(m->vals, l.e, old_value, raw, &old);
	if (locked)
		syncmap__unlock(m);
	syncmap__leave(m, l.rec);
	if (rc)
		syncmap__value_depart(m->vals, old);
	else
		syncmap__value_discard(m->vals, raw);
	return rc;
}

/* Go: CompareAndDelete.  Go leaves a key that only dirty has in dirty:
 * the compare is still to come, and a deleted entry is expunged at the
 * next copy anyway. */
int
syncmap_compare_and_delete(syncmap_t *m, const void *key, size_t klen,
                           void *old_value)
{
	struct lookup l;
	void *old;
	int rc;

	if ((rc = find(m, key, klen, &l)) != 0)
		return rc;
	if (l.e != NULL &&
	    value_compare_and_swap(m->vals, l.e, old_value, NULL, &old)) {
		count_death(m, l.e);
		policy_after_counted(m);
		rc = 1;
	}
	syncmap__leave(m, l.rec);
	if (rc)
		syncmap__value_depart(m->vals, old);
	return rc;
}

/* Go: Range, over the walk that syncmap_iter runs too (iter.h). */
int
syncmap_range(syncmap_t *m, syncmap_range_fn fn, void *arg)
{
	struct iter it;
	struct entry *e;
	void *value;
	int rc;

	if (m == NULL || fn == NULL)
		return -EINVAL;
	if ((rc = syncmap__iter_open(m, &it)) != 0)
		return rc;
	while (rc == 0 && (e = iter_step(&it, &value)) != NULL)
		rc = fn(e->key, e->klen, value, arg);
	syncmap__iter_close(&it);
	return rc;
}

/* Clear drops the work in slices with the tables it was for: the stale
 * table's entries were retired with the others by each_entry. */
static void
drop_work_locked(struct syncmap *m)
{
	if (m->stale != NULL)
		syncmap__retire_table(m, m->stale);
	m->stale = NULL;
	m->stale_left = 0;
	m->stale_bytes = 0;
	m->copying = false;
	m->promotion_waits = false;
	m->expunged = 0;
	m->expunged_bytes = 0;
	/* Relaxed: written under the mutex held here. */
	atomic_store_explicit(&m->compacting, false, memory_order_relaxed);
}

/*
 * Go: Clear.  The empty read is published first, which is the instant
 * Clear takes effect; then every entry is orphaned (I4), so that a
 * lock-free call still holding the old read table falls back to the lock
 * instead of writing into an entry no table indexes.  A loop walking the
 * old table could still find values in the entries not orphaned yet,
 * after Clear took effect: the count of clears, odd meanwhile, tells it
 * to stop (iter.h).  As in Go, a map that
 * had a dirty table keeps an (empty) one: dirty may be TABLE_EMPTY.
 * Nothing is allocated.
 */
int
syncmap_clear(syncmap_t *m)
{
	struct reader *rec;
	struct table *old;
	unsigned long clears;
	uintptr_t rw;

	if (m == NULL)
		return -EINVAL;
	if ((rec = reader_enter()) == NULL)
		return -ENOMEM;
	rw = load_read(m);
	if (table_of(rw)->count > 0 || (rw & AMENDED)) {
		syncmap__lock(m);
		rw = load_read(m);
		old = table_of(rw);
		if (old->count > 0 || (rw & AMENDED)) {
			/* Relaxed: only Clear writes the count, under the
			 * mutex held here. */
			clears = atomic_load_explicit(&m->clears, memory_order_relaxed);
			/* Relaxed: publish_read's release orders it before
			 * the empty read, so a walk that still sees the even
			 * count loaded its value before Clear took effect. */
			atomic_store_explicit(&m->clears, clears + 1, memory_order_relaxed);
			syncmap__publish_read(m, TABLE_EMPTY, false);
			syncmap__each_entry(m, old, orphan_locked);
			if (m->dirty.t != NULL) {
				syncmap__dirty_free(&m->dirty, &m->mem);
				m->dirty.t = TABLE_EMPTY;
			}
			syncmap__retire_table(m, old);
			drop_work_locked(m);
			/* Release: a walk that opens on the even count loads
			 * a read table no older than this Clear's. */
			atomic_store_explicit(&m->clears, clears + 2, memory_order_release);
		}
		m->misses = 0;
		syncmap__unlock(m);
	}
	syncmap__leave(m, rec);
	return 0;
}
