/*
 * syncmap.c - Go 1.23's sync.Map, operation by operation.
 *
 * Invariants (m->mu guards everything but read, the entries' p and the
 * live counters):
 *
 *  I1. m->read points to a table that is never written again, with AMENDED
 *      set in the low bit when dirty holds keys that read lacks.  AMENDED
 *      implies dirty != NULL.
 *  I2. When dirty != NULL it holds every entry of read that is not
 *      expunged, plus the new keys, and no expunged entry.  An expunged
 *      entry of read is therefore exactly one that dirty lacks.
 *  I3. When dirty == NULL, read holds no expunged entry.
 *  I4. An entry sits in at most one slot of each table; the same object is
 *      shared by both.  Before it leaves every table it is made EXPUNGED
 *      under the mutex, and it is retired (freed after a grace period).
 *  I5. live / live_weight count the indexed entries holding a value;
 *      entries counts the distinct indexed entries; expunged counts those
 *      expunged.  dead = entries - live.
 *
 * Go's operations are reproduced with their lock use and miss counting:
 * Load, LoadAndDelete and CompareAndDelete count a miss on their locked
 * path; LoadOrStore and CompareAndSwap only when dirty had the key; Store
 * and Swap never.  Under SYNCMAP_CLASSIC nothing else happens, so the
 * sequence of promotions, copies and expunges is Go's.  SYNCMAP_BOUNDED
 * adds compaction (compact_locked) and nothing else.
 */
#define _GNU_SOURCE             /* PTHREAD_MUTEX_ADAPTIVE_NP */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SYNCMAP_BUILDING
#include "syncmap.h"

#include "entry.h"
#include "hash.h"
#include "mem.h"
#include "reclaim.h"
#include "table.h"

#define AMENDED ((uintptr_t)1)

/* SPEC section 4: dead <= max(live, DEAD_FLOOR) at quiescence. */
#define DEAD_FLOOR 64
/* Compaction keeps the held heap under 2 * live weight + HELD_SLACK, so
 * that with garbage awaiting its grace period the map stays within the
 * contract's 3 * live weight + 256 KiB. */
#define HELD_SLACK ((size_t)128 << 10)
/* Under SYNCMAP_BOUNDED a capacity hint may pre-size no more than the
 * memory bound's allowance covers (a table of 4096 slots: 64 KiB). */
#define BOUNDED_HINT_MAX 3072

struct syncmap {
	/* Read by every call; nothing written often shares its cache line. */
	_Atomic uintptr_t read;
	uint64_t seed;
	enum syncmap_policy policy;
	size_t hint;
	char pad0[64];

	/* Written by lock-free deletes and by stores into deleted entries. */
	_Atomic size_t live;
	_Atomic size_t live_weight;
	char pad1[64];

	pthread_mutex_t mu;
	struct table *dirty;
	size_t misses;             /* Go's m.misses: since the last promotion */
	_Atomic size_t entries;    /* read without mu by compaction_due */
	size_t expunged;
	unsigned int lock_ops;
	struct mem mem;
	struct reclaim gc;
	uint64_t n_misses, n_promotions, n_copies, n_compactions;
};

/* ---- small helpers ---------------------------------------------------- */

static inline struct table *
table_of(uintptr_t rw)
{
	return (struct table *)(rw & ~AMENDED);
}

static inline uintptr_t
load_read(struct syncmap *m)
{
	return atomic_load_explicit(&m->read, memory_order_acquire);
}

/* Publishes a new read; ends with the fence reclaim.c's rule 4 asks for. */
static void
publish_read(struct syncmap *m, struct table *t, bool amended)
{
	atomic_store_explicit(&m->read, (uintptr_t)t | (amended ? AMENDED : 0),
	    memory_order_seq_cst);
	retire_fence();
}

static inline struct entry *
dirty_find(struct syncmap *m, uint64_t h, const void *key, size_t klen)
{
	return m->dirty == NULL ? NULL : table_find(m->dirty, h, key, klen);
}

static inline void
count_revival(struct syncmap *m, struct entry *e)
{
	atomic_fetch_add(&m->live, 1);
	atomic_fetch_add(&m->live_weight, entry_weight(e));
}

static inline void
count_death(struct syncmap *m, struct entry *e)
{
	atomic_fetch_sub(&m->live, 1);
	atomic_fetch_sub(&m->live_weight, entry_weight(e));
}

static void
retire_entry(struct syncmap *m, struct entry *e)
{
	atomic_fetch_sub(&m->entries, 1);
	syncmap__retire(&m->gc, &e->retire, syncmap__entry_reclaim,
	    entry_size(e->klen));
}

static void
retire_table(struct syncmap *m, struct table *t)
{
	if (t != TABLE_EMPTY)
		syncmap__retire(&m->gc, &t->retire, syncmap__table_reclaim,
		    table_size(t));
}

/* An entry leaves every table (I4): what it held is no longer live. */
static void
orphan_locked(struct syncmap *m, struct entry *e)
{
	if (is_value(entry_orphan_locked(e)))
		count_death(m, e);
	retire_entry(m, e);
}

/* Calls fn once for each distinct entry indexed by read table r and dirty:
 * with a dirty table, the expunged entries of r (I2) and then dirty's;
 * otherwise r's. */
static void
each_entry_locked(struct syncmap *m, struct table *r,
                  void (*fn)(struct syncmap *, struct entry *))
{
	const struct slot *s;
	size_t pos = 0;

	if (m->dirty != NULL) {
		while (m->expunged > 0 && (s = table_next(r, &pos)) != NULL)
			if (atomic_load_explicit(&s->e->p, memory_order_relaxed) == EXPUNGED)
				fn(m, s->e);
		r = m->dirty;
		pos = 0;
	}
	while ((s = table_next(r, &pos)) != NULL)
		fn(m, s->e);
}

/* ---- Go's locked helpers ---------------------------------------------- */

/* dirty becomes read as it is, with no copy; read's expunged entries are
 * in no table any more (I2) and are retired with the old table. */
static void
promote_locked(struct syncmap *m)
{
	struct table *old = table_of(load_read(m));
	const struct slot *s;
	size_t pos = 0;

	publish_read(m, m->dirty, false);
	m->dirty = NULL;
	m->misses = 0;
	m->n_promotions++;
	while (m->expunged > 0 && (s = table_next(old, &pos)) != NULL) {
		if (atomic_load_explicit(&s->e->p, memory_order_relaxed) == EXPUNGED) {
			retire_entry(m, s->e);
			m->expunged--;
		}
	}
	retire_table(m, old);
}

/*
 * Go: missLocked.  A lookup had to take the mutex.  Once the misses have
 * paid for copying dirty (as many as its entries), promote it.
 */
static void
miss_locked(struct syncmap *m)
{
	m->n_misses++;
	if (++m->misses < m->dirty->count)
		return;
	promote_locked(m);
}

/*
 * Go: dirtyLocked, given the new table.  The first new key after a
 * promotion copies read into dirty, O(len(read)); deleted entries are
 * expunged on the way and left out, which is what lets them go at the
 * next promotion.
 */
static void
dirty_copy_locked(struct syncmap *m, struct table *t)
{
	struct table *r = table_of(load_read(m));
	const struct slot *s;
	size_t pos = 0;

	while ((s = table_next(r, &pos)) != NULL) {
		if (entry_try_expunge_locked(s->e))
			m->expunged++;
		else
			syncmap__table_insert(t, s->hash, s->e);
	}
	m->dirty = t;
	m->n_copies++;
}

/* Makes room in dirty for one more entry.  dirty is private to the mutex,
 * so the old array is freed at once. */
static int
dirty_reserve_locked(struct syncmap *m)
{
	struct table *t;
	const struct slot *s;
	size_t pos = 0;

	if (table_has_room(m->dirty))
		return 0;
	t = syncmap__table_new(&m->mem, m->dirty->count + 1);
	if (t == NULL)
		return -ENOMEM;
	while ((s = table_next(m->dirty, &pos)) != NULL)
		syncmap__table_insert(t, s->hash, s->e);
	syncmap__table_free(&m->mem, m->dirty);
	m->dirty = t;
	return 0;
}

/* Go: a key of read found expunged under the lock goes back into dirty
 * before it is stored to.  Everything that can fail comes first. */
static int
unexpunge_locked(struct syncmap *m, struct entry *e, uint64_t h)
{
	int rc;

	if (atomic_load_explicit(&e->p, memory_order_relaxed) != EXPUNGED)
		return 0;
	if ((rc = dirty_reserve_locked(m)) != 0)
		return rc;
	entry_unexpunge_locked(e);
	m->expunged--;
	syncmap__table_insert(m->dirty, h, e);
	return 0;
}

/* Go: the "new key" branch of Swap and LoadOrStore.  Allocates the entry
 * and the dirty table (a copy of read if there is none) before changing
 * anything, so that -ENOMEM leaves the map as it was. */
static int
add_key_locked(struct syncmap *m, uintptr_t rw, uint64_t h, const void *key,
               size_t klen, void *raw)
{
	struct entry *e = syncmap__entry_new(&m->mem, key, klen, raw);
	struct table *r = table_of(rw), *t;
	size_t n;
	int rc;

	if (e == NULL)
		return -ENOMEM;
	if (m->dirty == NULL) {
		n = r->count + 1;
		if (r == TABLE_EMPTY && m->hint > n)
			n = m->hint;
		if ((t = syncmap__table_new(&m->mem, n)) == NULL) {
			syncmap__entry_free(&m->mem, e);
			return -ENOMEM;
		}
		dirty_copy_locked(m, t);
	} else if ((rc = dirty_reserve_locked(m)) != 0) {
		syncmap__entry_free(&m->mem, e);
		return rc;
	}
	if (!(rw & AMENDED))
		publish_read(m, r, true);
	syncmap__table_insert(m->dirty, h, e);
	atomic_fetch_add(&m->entries, 1);
	count_revival(m, e);
	return 0;
}

/* ---- compaction (SYNCMAP_BOUNDED) ------------------------------------- */

static bool
compaction_due(struct syncmap *m)
{
	size_t live, entries, bytes, pending, dead, held;

	if (m->policy != SYNCMAP_BOUNDED)
		return false;
	live = atomic_load(&m->live);
	entries = atomic_load(&m->entries);
	bytes = atomic_load(&m->mem.bytes);
	pending = atomic_load(&m->mem.pending);
	dead = entries > live ? entries - live : 0;
	held = bytes > pending ? bytes - pending : 0;
	if (dead > (live > DEAD_FLOOR ? live : DEAD_FLOOR))
		return true;
	return held > 2 * atomic_load(&m->live_weight) + HELD_SLACK;
}

static struct entry *
doomed_pop(ck_stack_t *list)
{
	ck_stack_entry_t *s = ck_stack_pop_npsc(list);

	return s == NULL ? NULL :
	    (struct entry *)((char *)s - offsetof(struct entry, retire.stack_entry));
}

/*
 * Go has no such step: this is what bounds dead entries and memory.
 * Triggered when dead entries outnumber max(live, 64) or the heap held
 * outgrows twice the live weight, it first promotes dirty if there is one,
 * early: that costs only a walk for read's expunged entries, drops them and
 * the old table, and is what Go's misses would do later anyway.  If the map
 * is still over its bound, it does at once what a dirty copy followed by a
 * promotion would do: deleted entries are expunged (so lock-free paths keep
 * off them) and a table of just the others, sized for them, becomes read.
 * That costs O(read), and comes only after Omega(live) deletes or growth
 * since the last time: amortised O(1).  If the new table cannot be had,
 * every expunge is undone and compaction waits for the next trigger.
 */
static void
compact_locked(struct syncmap *m)
{
	struct table *old, *t;
	ck_stack_t gone;
	const struct slot *s;
	struct entry *e;
	size_t pos, survivors = 0;

	if (m->dirty != NULL) {
		promote_locked(m);
		m->n_compactions++;
		if (!compaction_due(m))
			return;
	}
	/* Without dirty, read holds no expunged entry (I3): every entry
	 * expunged here is one this pass expunged. */
	old = table_of(load_read(m));
	ck_stack_init(&gone);
	for (pos = 0; (s = table_next(old, &pos)) != NULL;) {
		if (entry_try_expunge_locked(s->e))
			ck_stack_push_spnc(&gone, &s->e->retire.stack_entry);
		else
			survivors++;
	}
	t = syncmap__table_new(&m->mem, survivors);
	if (t == NULL) {
		while ((e = doomed_pop(&gone)) != NULL)
			entry_unexpunge_locked(e);
		return;
	}
	for (pos = 0; (s = table_next(old, &pos)) != NULL;)
		if (atomic_load_explicit(&s->e->p, memory_order_relaxed) != EXPUNGED)
			syncmap__table_insert(t, s->hash, s->e);
	publish_read(m, t, false);
	retire_table(m, old);
	while ((e = doomed_pop(&gone)) != NULL)
		retire_entry(m, e);
	m->n_compactions++;
}

/* ---- locking and housekeeping ----------------------------------------- */

/*
 * The mutex spins a little before it sleeps (glibc's adaptive mutex), as
 * Go's sync.Mutex does: the sections it guards are short, and a thread
 * that misses in read under contention would otherwise pay a futex sleep
 * and wake-up for a lock held a few hundred nanoseconds.
 */
static int
mutex_init(pthread_mutex_t *mu)
{
	pthread_mutexattr_t attr;
	int err;

	if ((err = pthread_mutexattr_init(&attr)) != 0)
		return err;
	err = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
	if (err == 0)
		err = pthread_mutex_init(mu, &attr);
	pthread_mutexattr_destroy(&attr);
	return err;
}

static void
lock(struct syncmap *m)
{
	pthread_mutex_lock(&m->mu);
}

/* Every locked section ends here: compaction if due, and a poll of the
 * map's garbage every 8th time while it has some (reclaim.c, rule 6a). */
static void
unlock(struct syncmap *m)
{
	if (compaction_due(m))
		compact_locked(m);
	if (atomic_load(&m->mem.pending) != 0 && (++m->lock_ops & 7) == 0)
		syncmap__reclaim_poll(&m->gc);
	pthread_mutex_unlock(&m->mu);
}

/* A lock-free path changed the live counters: the bounded rule may now
 * call for a compaction, which needs the mutex. */
static void
counted(struct syncmap *m)
{
	if (compaction_due(m)) {
		lock(m);
		unlock(m);
	}
}

/* Ends a call's read-side section; now and then offers to free the map's
 * garbage, so that a map only read from still frees it (rule 6c). */
static void
leave(struct syncmap *m, ck_epoch_record_t *rec)
{
	if (reader_exit(rec) && atomic_load(&m->mem.pending) != 0 &&
	    pthread_mutex_trylock(&m->mu) == 0) {
		syncmap__reclaim_poll(&m->gc);
		pthread_mutex_unlock(&m->mu);
	}
}

/* ---- the public operations -------------------------------------------- */

/* A key being looked up: its hash (once computed), the read word seen,
 * what read had. */
struct lookup {
	ck_epoch_record_t *rec;
	const void *key;
	size_t klen;
	uint64_t h;
	bool hashed;
	uintptr_t rw;
	struct entry *e;
};

/*
 * Validates the arguments, opens the call's read-side section and looks
 * the key up in read, without the lock.  An empty read table has nothing
 * to find, and then the key is hashed only if the lock is taken (as Go's
 * map lookup returns at once for an empty map): a Delete or Load of any
 * key in a map that is empty, or whose keys are all in dirty, costs no
 * hash.  Inline: it is most of the work of a call that finds its key.
 */
static inline __attribute__((always_inline)) int
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
	if (!l->hashed) {
		l->e = NULL;
		return 0;
	}
	l->h = syncmap__hash(m->seed, key, klen);
	l->e = table_find(table_of(l->rw), l->h, key, klen);
	return 0;
}

/* Go: under the lock, look in read again, since dirty may have been
 * promoted while we waited for the lock.  True if read has the key.
 * Every locked path starts here, so the key is hashed from here on. */
static bool
recheck_locked(struct syncmap *m, struct lookup *l)
{
	if (!l->hashed) {
		l->h = syncmap__hash(m->seed, l->key, l->klen);
		l->hashed = true;
	}
	l->rw = load_read(m);
	l->e = table_find(table_of(l->rw), l->h, l->key, l->klen);
	return l->e != NULL;
}

/*
 * Go's lookup for Load and CompareAndDelete: read, and if read lacks the
 * key and is amended, dirty under the lock.  Whether or not dirty has it,
 * that is a miss: this key takes the slow path until dirty is promoted.
 * (CompareAndDelete leaves the key in dirty: the compare is still to come,
 * and a deleted entry is expunged at the next copy anyway.)
 */
static void
find_locked_miss(struct syncmap *m, struct lookup *l)
{
	if (l->e != NULL || !(l->rw & AMENDED))
		return;
	lock(m);
	if (!recheck_locked(m, l) && (l->rw & AMENDED)) {
		l->e = dirty_find(m, l->h, l->key, l->klen);
		miss_locked(m);
	}
	unlock(m);
}

int
syncmap_load(syncmap_t *m, const void *key, size_t klen, void **value)
{
	struct lookup l;
	void *raw;
	int rc;

	if ((rc = begin(m, key, klen, &l)) != 0)
		return rc;
	find_locked_miss(m, &l);
	raw = l.e != NULL ? entry_load(l.e) : NULL;
	leave(m, l.rec);
	if (raw == NULL)
		return 0;
	if (value != NULL)
		*value = decode(raw);
	return 1;
}

/* Go: Swap, which Store also is.  *old gets the raw value replaced, or
 * NULL if there was none. */
static int
swap(syncmap_t *m, const void *key, size_t klen, void *value, void **old)
{
	void *raw = encode(value);
	struct lookup l;
	struct entry *e;
	int rc;

	if ((rc = begin(m, key, klen, &l)) != 0)
		return rc;
	if (l.e != NULL && entry_try_swap(l.e, raw, old)) {
		if (*old == NULL) {
			count_revival(m, l.e);
			counted(m);
		}
		goto out;
	}
	lock(m);
	if (recheck_locked(m, &l)) {
		/* An expunged entry implies a dirty table that lacks it. */
		e = l.e;
		if ((rc = unexpunge_locked(m, e, l.h)) == 0)
			*old = entry_swap_locked(e, raw);
	} else if ((e = dirty_find(m, l.h, key, klen)) != NULL) {
		*old = entry_swap_locked(e, raw);
	} else {
		/* The first new key after a promotion copies read (Go's
		 * dirtyLocked) and marks read amended. */
		rc = add_key_locked(m, l.rw, l.h, key, klen, raw);
		*old = NULL;
	}
	if (rc == 0 && e != NULL && *old == NULL)
		count_revival(m, e);
	unlock(m);
out:
	leave(m, l.rec);
	return rc;
}

int
syncmap_store(syncmap_t *m, const void *key, size_t klen, void *value)
{
	void *old;

	return swap(m, key, klen, value, &old);
}

int
syncmap_swap(syncmap_t *m, const void *key, size_t klen, void *value,
             void **previous)
{
	void *old;
	int rc;

	if ((rc = swap(m, key, klen, value, &old)) != 0)
		return rc;
	if (old == NULL)
		return 0;
	if (previous != NULL)
		*previous = decode(old);
	return 1;
}

int
syncmap_load_or_store(syncmap_t *m, const void *key, size_t klen,
                      void *value, void **actual)
{
	void *raw = encode(value), *found = NULL;
	struct lookup l;
	struct entry *e;
	int rc;

	if ((rc = begin(m, key, klen, &l)) != 0)
		return rc;
	/* Go: avoid locking if it's a clean hit. */
	if (l.e != NULL && entry_try_load_or_store(l.e, raw, &found)) {
		if (found == NULL) {
			count_revival(m, l.e);
			counted(m);
		}
		goto out;
	}
	lock(m);
	if (recheck_locked(m, &l)) {
		if ((rc = unexpunge_locked(m, l.e, l.h)) == 0 &&
		    entry_try_load_or_store(l.e, raw, &found) && found == NULL)
			count_revival(m, l.e);
	} else if ((e = dirty_find(m, l.h, key, klen)) != NULL) {
		if (entry_try_load_or_store(e, raw, &found) && found == NULL)
			count_revival(m, e);
		miss_locked(m);
	} else {
		rc = add_key_locked(m, l.rw, l.h, key, klen, raw);
	}
	unlock(m);
out:
	leave(m, l.rec);
	if (rc != 0)
		return rc;
	if (actual != NULL)
		*actual = found != NULL ? decode(found) : value;
	return found != NULL;
}

int
syncmap_load_and_delete(syncmap_t *m, const void *key, size_t klen,
                        void **value)
{
	struct lookup l;
	struct entry *e;
	void *old = NULL;
	int rc;

	if ((rc = begin(m, key, klen, &l)) != 0)
		return rc;
	if (l.e == NULL && (l.rw & AMENDED)) {
		lock(m);
		if (!recheck_locked(m, &l) && (l.rw & AMENDED)) {
			/* A key only dirty has leaves it for good; Go deletes
			 * it from dirty and then from the entry, we orphan it
			 * in one step (I4). */
			if ((e = syncmap__table_remove(m->dirty, l.h, key, klen)) != NULL) {
				old = entry_orphan_locked(e);
				if (is_value(old))
					count_death(m, e);
				else
					old = NULL;
				retire_entry(m, e);
			}
			/* Regardless of whether it was there: this key takes
			 * the slow path until dirty is promoted. */
			miss_locked(m);
		}
		unlock(m);
	}
	if (l.e != NULL && (old = entry_delete(l.e)) != NULL) {
		count_death(m, l.e);
		counted(m);
	}
	leave(m, l.rec);
	if (old == NULL)
		return 0;
	if (value != NULL)
		*value = decode(old);
	return 1;
}

int
syncmap_delete(syncmap_t *m, const void *key, size_t klen)
{
	return syncmap_load_and_delete(m, key, klen, NULL);
}

int
syncmap_compare_and_swap(syncmap_t *m, const void *key, size_t klen,
                         void *old_value, void *new_value)
{
	struct lookup l;
	int rc;

	if ((rc = begin(m, key, klen, &l)) != 0)
		return rc;
	if (l.e == NULL && (l.rw & AMENDED)) {
		lock(m);
		if (!recheck_locked(m, &l) &&
		    (l.e = dirty_find(m, l.h, key, klen)) != NULL) {
			/* The set of keys did not change, so promoting dirty
			 * would make this key cheaper: count it as a miss. */
			miss_locked(m);
		}
		/* Compared under the lock, as Go does. */
		rc = l.e != NULL && entry_try_compare_and_swap(l.e,
		    encode(old_value), encode(new_value));
		unlock(m);
	} else {
		rc = l.e != NULL && entry_try_compare_and_swap(l.e,
		    encode(old_value), encode(new_value));
	}
	leave(m, l.rec);
	return rc;
}

int
syncmap_compare_and_delete(syncmap_t *m, const void *key, size_t klen,
                           void *old_value)
{
	struct lookup l;
	int rc;

	if ((rc = begin(m, key, klen, &l)) != 0)
		return rc;
	find_locked_miss(m, &l);
	if (l.e != NULL && entry_compare_and_delete(l.e, encode(old_value))) {
		count_death(m, l.e);
		counted(m);
		rc = 1;
	}
	leave(m, l.rec);
	return rc;
}

/* A random number for Range's walk: the map's seeded hash of a count. */
static uint64_t
walk_random(struct syncmap *m)
{
	static __thread uint64_t walks;

	walks++;
	return syncmap__hash(m->seed, &walks, sizeof(walks));
}

int
syncmap_range(syncmap_t *m, syncmap_range_fn fn, void *arg)
{
	ck_epoch_record_t *rec;
	const struct slot *s;
	struct table *t;
	struct walk w;
	uintptr_t rw;
	void *raw;
	int rc = 0;

	if (m == NULL || fn == NULL)
		return -EINVAL;
	if ((rec = reader_enter()) == NULL)
		return -ENOMEM;
	rw = load_read(m);
	if (rw & AMENDED) {
		/* Go: Range is O(n) anyway, so it promotes dirty first and
		 * then walks read without the lock. */
		lock(m);
		if (load_read(m) & AMENDED)
			promote_locked(m);
		unlock(m);
		rw = load_read(m);
	}
	/* The section keeps this snapshot alive while fn runs, whatever fn
	 * does to the map.  The order is random, as Go's map iteration is:
	 * with linear probing, callers that always delete the first key they
	 * are shown (Go's AdversarialDelete) would otherwise eat the runs of
	 * occupied slots from their heads and pack the keys into long runs,
	 * which every lookup of an absent key then walks. */
	t = table_of(rw);
	w = table_walk(walk_random(m));
	while ((s = table_walk_next(t, &w)) != NULL) {
		if ((raw = entry_load(s->e)) == NULL)
			continue;
		if ((rc = fn(s->e->key, s->e->klen, decode(raw), arg)) != 0)
			break;
	}
	leave(m, rec);
	return rc;
}

/*
 * Go: Clear.  The empty read is published first, which is the instant
 * Clear takes effect; then every entry is orphaned (I4), so that a
 * lock-free call still holding the old read table falls back to the lock
 * instead of writing into an entry no table indexes.  As in Go, a map that
 * had a dirty table keeps an (empty) one.  Nothing is allocated.
 */
int
syncmap_clear(syncmap_t *m)
{
	ck_epoch_record_t *rec;
	struct table *old;
	uintptr_t rw;

	if (m == NULL)
		return -EINVAL;
	if ((rec = reader_enter()) == NULL)
		return -ENOMEM;
	rw = load_read(m);
	if (table_of(rw)->count > 0 || (rw & AMENDED)) {
		lock(m);
		rw = load_read(m);
		old = table_of(rw);
		if (old->count > 0 || (rw & AMENDED)) {
			publish_read(m, TABLE_EMPTY, false);
			each_entry_locked(m, old, orphan_locked);
			if (m->dirty != NULL) {
				syncmap__table_free(&m->mem, m->dirty);
				m->dirty = TABLE_EMPTY;
			}
			retire_table(m, old);
			m->expunged = 0;
		}
		m->misses = 0;
		unlock(m);
	}
	leave(m, rec);
	return 0;
}

/* ---- life cycle and stats --------------------------------------------- */

static void *
default_malloc(size_t size, void *ctx)
{
	(void)ctx;
	return malloc(size);
}

static void
default_free(void *p, size_t size, void *ctx)
{
	(void)size;
	(void)ctx;
	free(p);
}

static const struct syncmap_allocator default_allocator = {
	default_malloc, default_free, NULL
};

syncmap_t *
syncmap_create(const struct syncmap_options *opts)
{
	static const struct syncmap_options defaults;
	const struct syncmap_allocator *a;
	struct syncmap *m;
	int err;

	if (opts == NULL)
		opts = &defaults;
	a = opts->allocator != NULL ? opts->allocator : &default_allocator;
	if ((opts->policy != SYNCMAP_BOUNDED && opts->policy != SYNCMAP_CLASSIC) ||
	    a->malloc == NULL || a->free == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((m = a->malloc(sizeof(*m), a->ctx)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memset(m, 0, sizeof(*m));
	if ((err = mutex_init(&m->mu)) != 0) {
		a->free(m, sizeof(*m), a->ctx);
		errno = err;
		return NULL;
	}
	m->mem.a = *a;
	atomic_init(&m->mem.bytes, sizeof(*m));
	atomic_init(&m->mem.pending, 0);
	atomic_init(&m->read, (uintptr_t)TABLE_EMPTY);
	atomic_init(&m->live, 0);
	atomic_init(&m->live_weight, 0);
	atomic_init(&m->entries, 0);
	m->policy = opts->policy;
	m->hint = opts->capacity_hint;
	if (m->policy == SYNCMAP_BOUNDED && m->hint > BOUNDED_HINT_MAX)
		m->hint = BOUNDED_HINT_MAX;
	m->seed = syncmap__hash_seed();
	syncmap__reclaim_init(&m->gc, &m->mem);
	return m;
}

static void
free_entry(struct syncmap *m, struct entry *e)
{
	syncmap__entry_free(&m->mem, e);
}

void
syncmap_destroy(syncmap_t *m)
{
	struct syncmap_allocator a;

	if (m == NULL)
		return;
	each_entry_locked(m, table_of(load_read(m)), free_entry);
	syncmap__table_free(&m->mem, table_of(load_read(m)));
	if (m->dirty != NULL)
		syncmap__table_free(&m->mem, m->dirty);
	syncmap__reclaim_fini(&m->gc);
	pthread_mutex_destroy(&m->mu);
	a = m->mem.a;
	a.free(m, sizeof(*m), a.ctx);
}

int
syncmap_stats(syncmap_t *m, struct syncmap_stats *out)
{
	size_t live, entries;

	if (m == NULL || out == NULL)
		return -EINVAL;
	lock(m);
	syncmap__reclaim_poll(&m->gc);
	live = atomic_load(&m->live);
	entries = atomic_load(&m->entries);
	out->live = live;
	out->read_slots = table_of(load_read(m))->count;
	out->dirty_slots = m->dirty != NULL ? m->dirty->count : 0;
	out->dead_entries = entries > live ? entries - live : 0;
	out->expunged = m->expunged;
	out->bytes = atomic_load(&m->mem.bytes);
	out->pending_bytes = atomic_load(&m->mem.pending);
	out->misses = m->n_misses;
	out->promotions = m->n_promotions;
	out->dirty_copies = m->n_copies;
	out->compactions = m->n_compactions;
	pthread_mutex_unlock(&m->mu);
	return 0;
}

/* ---- self-check, for the tests ---------------------------------------- */

struct tally {
	size_t entries, live, live_weight, expunged, held;
	const char *err;
};

static void
tally_entry(struct tally *c, struct entry *e, bool in_dirty, bool dirty_exists)
{
	void *p = atomic_load(&e->p);

	c->entries++;
	c->held += entry_size(e->klen);
	if (p == EXPUNGED) {
		c->expunged++;
		if (in_dirty)
			c->err = "I2: an expunged entry is in dirty";
		else if (!dirty_exists)
			c->err = "I3: an expunged entry in read without dirty";
	} else if (p != NULL) {
		c->live++;
		c->live_weight += entry_weight(e);
	}
}

/*
 * Recomputes what the counters claim by walking both tables, and checks
 * invariants I1 to I5.  Only meaningful when the map is quiescent.  Returns
 * NULL, or what is wrong.
 */
HIDDEN const char *syncmap__verify(syncmap_t *m);

const char *
syncmap__verify(syncmap_t *m)
{
	struct tally c = { 0 };
	uintptr_t rw;
	struct table *r;
	const struct slot *s;
	size_t pos;

	lock(m);
	rw = load_read(m);
	r = table_of(rw);
	c.held = sizeof(*m) + (r != TABLE_EMPTY ? table_size(r) : 0);
	if ((rw & AMENDED) && m->dirty == NULL)
		c.err = "I1: amended without dirty";
	for (pos = 0; (s = table_next(r, &pos)) != NULL;) {
		if (table_find(r, s->hash, s->e->key, s->e->klen) != s->e)
			c.err = "read: an entry is not where a lookup finds it";
		if (m->dirty == NULL || table_find(m->dirty, s->hash, s->e->key, s->e->klen) == NULL) {
			if (m->dirty != NULL && atomic_load(&s->e->p) != EXPUNGED)
				c.err = "I2: an entry of read is neither in dirty nor expunged";
			tally_entry(&c, s->e, false, m->dirty != NULL);
		} else if (table_find(m->dirty, s->hash, s->e->key, s->e->klen) != s->e) {
			c.err = "I4: read and dirty hold different entries for one key";
		}
	}
	if (m->dirty != NULL) {
		if (m->dirty != TABLE_EMPTY)
			c.held += table_size(m->dirty);
		for (pos = 0; (s = table_next(m->dirty, &pos)) != NULL;) {
			if (table_find(m->dirty, s->hash, s->e->key, s->e->klen) != s->e)
				c.err = "dirty: an entry is not where a lookup finds it";
			tally_entry(&c, s->e, true, true);
		}
	}
	if (c.entries != atomic_load(&m->entries))
		c.err = "I5: entries counter is off";
	if (c.live != atomic_load(&m->live))
		c.err = "I5: live counter is off";
	if (c.live_weight != atomic_load(&m->live_weight))
		c.err = "I5: live weight counter is off";
	if (c.expunged != m->expunged)
		c.err = "I5: expunged counter is off";
	if (c.held != atomic_load(&m->mem.bytes) - atomic_load(&m->mem.pending))
		c.err = "bytes held differ from tables + entries + map";
	pthread_mutex_unlock(&m->mu);
	return c.err;
}

/* The hash the map gives a key: for the tests of per-map seeding. */
HIDDEN uint64_t syncmap__hash_of(syncmap_t *m, const void *key, size_t klen);

uint64_t
syncmap__hash_of(syncmap_t *m, const void *key, size_t klen)
{
	return syncmap__hash(m->seed, key, klen);
}

/* The longest run of occupied slots in read, wrapping around: what a
 * lookup of an absent key may walk.  For the tests of Range's start. */
HIDDEN size_t syncmap__longest_run(syncmap_t *m);

size_t
syncmap__longest_run(syncmap_t *m)
{
	struct table *t = table_of(load_read(m));
	size_t i, run = 0, longest = 0;

	for (i = 0; i <= 2 * t->mask + 1; i++) {
		run = t->slots[i & t->mask].e != NULL ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	return longest;
}

/*
 * The floor of the benchmarks (bench/): Load's lookup in read with nothing
 * around it, no read-side section, no miss path, no argument checks.  Safe
 * only while no other thread uses the map; a hit in read needs no more.
 */
HIDDEN int syncmap__peek(syncmap_t *m, const void *key, size_t klen, void **value);

int
syncmap__peek(syncmap_t *m, const void *key, size_t klen, void **value)
{
	struct entry *e = table_find(table_of(load_read(m)),
	    syncmap__hash(m->seed, key, klen), key, klen);
	void *raw = e != NULL ? entry_load(e) : NULL;

	if (raw == NULL)
		return 0;
	*value = decode(raw);
	return 1;
}
