/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * map.c - a map's life cycle, its mutex, the housekeeping that runs at the
 * end of locked sections and calls, and stats.
 */
#define _GNU_SOURCE             /* PTHREAD_MUTEX_ADAPTIVE_NP */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "map.h"

/* Under SYNCMAP_BOUNDED a capacity hint may pre-size no more than the
 * memory bound's allowance covers (a table of 4096 slots: 64 KiB). */
#define BOUNDED_HINT_MAX 3072

static void
each_expunged(struct syncmap *m, const struct table *t, size_t from,
              size_t to, void (*fn)(struct syncmap *, struct entry *))
{
	struct entry *e;

	for (; from < to; from++)
		if ((e = t->slots[from].e) != NULL &&
		    atomic_load_explicit(&e->p, memory_order_relaxed) == EXPUNGED)
			fn(m, e);
}

static void
each_of(struct syncmap *m, const struct table *t, size_t from,
        void (*fn)(struct syncmap *, struct entry *))
{
	const struct slot *s;

	while ((s = table_next(t, &from)) != NULL)
		fn(m, s->e);
}

/*
 * The stale table's expunged entries come first, before fn can expunge
 * any other (stale_scan in syncmap.c says why).  Then read's: with a
 * dirty table, those it expunged (I2) in the part already copied, and all
 * of the part still to copy; then dirty's, in t and in old.
 */
void
syncmap__each_entry(struct syncmap *m, struct table *r,
                    void (*fn)(struct syncmap *, struct entry *))
{
	if (m->stale != NULL && m->stale_left > 0)
		each_expunged(m, m->stale, m->stale_pos, m->stale->mask + 1, fn);
	if (m->dirty.t == NULL) {
		each_of(m, r, 0, fn);
		return;
	}
	each_expunged(m, r, 0, m->copying ? m->copy_pos : r->mask + 1, fn);
	if (m->copying)
		each_of(m, r, m->copy_pos, fn);
	each_of(m, m->dirty.t, 0, fn);
	if (m->dirty.old != NULL)
		each_of(m, m->dirty.old, 0, fn);
}

/* ---- the mutex and housekeeping --------------------------------------- */

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

void
syncmap__lock(struct syncmap *m)
{
	pthread_mutex_lock(&m->mu);
}

/* Relaxed: pending is a byte count, written under the mutex; a stale zero
 * only delays a poll to a later call (rule 6). */
static inline bool
has_garbage(struct syncmap *m)
{
	return atomic_load_explicit(&m->mem.pending, memory_order_relaxed) != 0;
}

/*
 * Garbage past half the live weight + 64 KiB must go before the call
 * returns (rule 6d): compaction keeps the rest of the heap under twice
 * the live weight + 128 KiB, and the bound allows one more live weight +
 * 128 KiB.  Only locked sections retire garbage and polls free it, so
 * each of them sets poll_wanted from the check; the end of every call
 * reads it, and polls through the trylock after the call's own section
 * has closed (a poll inside it cannot free what the section might see).
 * While other threads' sections keep a poll from freeing enough, the flag
 * stays set, so whichever call ends next polls again: the last call
 * before the map goes quiet frees what no section holds any more.
 */
#define GARBAGE_SLACK ((size_t)64 << 10)

/* Under the mutex.  Relaxed: a stale false delays the poll to a later
 * call's end (at the latest the 64th-call offer), a stale true costs one
 * trylock. */
static void
check_garbage_locked(struct syncmap *m)
{
	size_t pending = atomic_load_explicit(&m->mem.pending, memory_order_relaxed);
	bool over = pending > counter_of(&m->live_weight) / 2 + GARBAGE_SLACK;

	if (over != atomic_load_explicit(&m->poll_wanted, memory_order_relaxed))
		atomic_store_explicit(&m->poll_wanted, over, memory_order_relaxed);
}

/* The policy's part of housekeeping, for calls calls (map.h). */
static void
housekeep_locked(struct syncmap *m, size_t calls)
{
	if (m->policy == SYNCMAP_BOUNDED)
		syncmap__bounded_after_locked(m, calls);
}

/* The end of every locked section: rule 6d's check, then a step of giving
 * back big blocks (mem.c), unless this section mapped one. */
static void
unlock_tail(struct syncmap *m)
{
	check_garbage_locked(m);
	if (m->mem.n_unmapping > 0 && !m->mem.mapped_now)
		syncmap__mem_unmap_step(&m->mem, false);
	m->mem.mapped_now = false;
	pthread_mutex_unlock(&m->mu);
}

/* The policy's hook first (it may retire garbage), then a poll of the
 * map's garbage every 8th time while it has some (rule 6a). */
void
syncmap__unlock(struct syncmap *m)
{
	housekeep_locked(m, 1);
	if (has_garbage(m) && (++m->lock_ops & 7) == 0)
		syncmap__reclaim_poll(&m->gc, false);
	unlock_tail(m);
}

/* reader_exit's period: a thread offers housekeeping once per so many
 * calls. */
#define OFFER_CALLS 64

/*
 * A map only read from must still free its garbage and go on with its
 * work in slices (rule 6c), and deferred functions must run: every 64th
 * call of a thread offers, if the mutex is free, to do both.  And garbage over its
 * share goes now (rule 6d).  Either way after the call's section has
 * closed, through the trylock, so that a lookup never waits for the mutex
 * (its holder checks again at its own unlock); with the section closed a
 * scan can free everything, so the poll is urgent then.
 */
void
syncmap__leave_slow(struct syncmap *m, struct reader *rec, bool tick)
{
	bool offer = tick && (has_garbage(m) || bounded_has_work(m));

	if ((offer || atomic_load_explicit(&m->poll_wanted, memory_order_relaxed)) &&
	    pthread_mutex_trylock(&m->mu) == 0) {
		if (offer)
			housekeep_locked(m, OFFER_CALLS);
		syncmap__reclaim_poll(&m->gc, rec->nest == 0);
		unlock_tail(m);
	}
	if (tick)
		syncmap__deferred_poll();
}

/* ---- fork ------------------------------------------------------------- */

/*
 * Every map, so that fork() finds none of their mutexes held by a thread
 * the child will not have: the parent takes them all before the fork and
 * both sides release them after (as glibc does for malloc's arenas).
 */
static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static CK_LIST_HEAD(maps, syncmap) registry =
    CK_LIST_HEAD_INITIALIZER(registry);
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static int atfork_err;

static void
fork_prepare(void)
{
	struct syncmap *m;

	pthread_mutex_lock(&registry_mu);
	CK_LIST_FOREACH(m, &registry, fork_link)
		pthread_mutex_lock(&m->mu);
}

/* In the child the mutexes belong to the forking thread, the only one
 * left, which releases them. */
static void
fork_release(void)
{
	struct syncmap *m;

	CK_LIST_FOREACH(m, &registry, fork_link)
		pthread_mutex_unlock(&m->mu);
	pthread_mutex_unlock(&registry_mu);
}

static void
atfork_init(void)
{
	atfork_err = pthread_atfork(fork_prepare, fork_release, fork_release);
}

static int
registry_add(struct syncmap *m)
{
	pthread_once(&atfork_once, atfork_init);
	if (atfork_err != 0)
		return atfork_err;
	pthread_mutex_lock(&registry_mu);
	CK_LIST_INSERT_HEAD(&registry, m, fork_link);
	pthread_mutex_unlock(&registry_mu);
	return 0;
}

static void
registry_remove(struct syncmap *m)
{
	pthread_mutex_lock(&registry_mu);
	CK_LIST_REMOVE(m, fork_link);
	pthread_mutex_unlock(&registry_mu);
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
	void *block;
	int err;

	if (opts == NULL)
		opts = &defaults;
	a = opts->allocator != NULL ? opts->allocator : &default_allocator;
	/* A hint no table could hold is a mistake, not a wish to honour. */
	if ((opts->policy != SYNCMAP_BOUNDED && opts->policy != SYNCMAP_CLASSIC) ||
	    a->malloc == NULL || a->free == NULL ||
	    !syncmap__options_reserved_ok(opts) ||
	    (opts->values != NULL && opts->values->release == NULL) ||
	    (opts->capacity_hint > 0 && syncmap__table_bytes(opts->capacity_hint) == 0)) {
		errno = EINVAL;
		return NULL;
	}
	if ((block = a->malloc(MAP_BLOCK, a->ctx)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	m = (struct syncmap *)(((uintptr_t)block + CACHELINE - 1) &
	    ~(uintptr_t)(CACHELINE - 1));
	memset(m, 0, sizeof(*m));
	if ((err = mutex_init(&m->mu)) != 0) {
		a->free(block, MAP_BLOCK, a->ctx);
		errno = err;
		return NULL;
	}
	if ((err = registry_add(m)) != 0) {
		pthread_mutex_destroy(&m->mu);
		a->free(block, MAP_BLOCK, a->ctx);
		errno = err;
		return NULL;
	}
	m->block = block;
	m->mem.malloc = a->malloc;
	m->mem.free = a->free;
	m->mem.ctx = a->ctx;
	m->mem.maps_big = a == &default_allocator;
	if (opts->values != NULL &&
	    (err = syncmap__values_new(opts->values, &m->mem, &m->vals)) != 0) {
		registry_remove(m);
		pthread_mutex_destroy(&m->mu);
		a->free(block, MAP_BLOCK, a->ctx);
		errno = err;
		return NULL;
	}
	atomic_init(&m->mem.bytes, MAP_BLOCK);
	atomic_init(&m->mem.pending, 0);
	atomic_init(&m->read, (uintptr_t)TABLE_EMPTY);
	atomic_init(&m->live, 0);
	atomic_init(&m->live_weight, 0);
	atomic_init(&m->entries, 0);
	atomic_init(&m->compacting, false);
	atomic_init(&m->put_off, false);
	atomic_init(&m->work, 0);
	atomic_init(&m->passing_bytes, 0);
	atomic_init(&m->passing_dead, 0);
	atomic_init(&m->poll_wanted, false);
	m->policy = opts->policy;
	m->hint = opts->capacity_hint;
	if (m->policy == SYNCMAP_BOUNDED && m->hint > BOUNDED_HINT_MAX)
		m->hint = BOUNDED_HINT_MAX;
	m->slice = SYNCMAP_SLICE;
	m->seed = syncmap__hash_seed();
	syncmap__reclaim_init(&m->gc, &m->mem);
	return m;
}

/* The entry goes at once, its value by the grace rule (values.h). */
static void
free_entry(struct syncmap *m, struct entry *e)
{
	syncmap__value_depart(m->vals,
	    atomic_load_explicit(&e->p, memory_order_relaxed));
	syncmap__entry_free(&m->mem, e);
}

/* Not concurrent with any call on m: no thread can hold its memory, so
 * everything goes at once (rule 7). */
void
syncmap_destroy(syncmap_t *m)
{
	void (*free_fn)(void *, size_t, void *);
	void *ctx;

	if (m == NULL)
		return;
	registry_remove(m);
	syncmap__each_entry(m, table_of(load_read(m)), free_entry);
	syncmap__table_free(&m->mem, table_of(load_read(m)));
	if (m->stale != NULL)
		syncmap__table_free(&m->mem, m->stale);
	syncmap__dirty_free(&m->dirty, &m->mem);
	syncmap__reclaim_fini(&m->gc);
	syncmap__mem_unmap_step(&m->mem, true);
	if (m->vals != NULL) {
		/* Every value of m has left (all of it before this call):
		 * settled, then the map's own reference goes. */
		syncmap__deferred_settle();
		syncmap__values_put_map(m->vals);
	}
	pthread_mutex_destroy(&m->mu);
	free_fn = m->mem.free;
	ctx = m->mem.ctx;
	free_fn(m->block, MAP_BLOCK, ctx);
}

/* Under the mutex, after a poll, so that it is exact when the map is
 * quiescent.  Relaxed loads: the mutex orders every locked writer before
 * us, and lock-free writers are concurrent, so no order would make their
 * effects exact anyway. */
int
syncmap_stats(syncmap_t *m, struct syncmap_stats *out)
{
	size_t live, entries;

	if (m == NULL || out == NULL)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	syncmap__lock(m);
	syncmap__reclaim_poll(&m->gc, true);
	check_garbage_locked(m);
	/* entries is exact under the mutex; live may be a count ahead of
	 * it for a moment (a revival counting before the racing delete). */
	live = counter_of(&m->live);
	entries = atomic_load_explicit(&m->entries, memory_order_relaxed);
	live = live < entries ? live : entries;
	out->live = live;
	out->read_slots = table_of(load_read(m))->count;
	out->dirty_slots = m->dirty.t != NULL ? dirty_count(&m->dirty) : 0;
	out->dead_entries = entries > live ? entries - live : 0;
	out->expunged = m->expunged + m->stale_left;
	out->bytes = atomic_load_explicit(&m->mem.bytes, memory_order_relaxed);
	out->pending_bytes = atomic_load_explicit(&m->mem.pending,
	    memory_order_relaxed);
	if (m->vals != NULL)
		out->bytes += syncmap__values_bytes(m->vals, &out->pending_bytes);
	out->misses = m->n_misses;
	out->promotions = m->n_promotions;
	out->dirty_copies = m->n_copies;
	out->compactions = m->n_compactions;
	pthread_mutex_unlock(&m->mu);
	return 0;
}
