/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * reclaim.c - when memory that lock-free readers may hold can be freed.
 *
 * The rules, and the argument that they are safe, are in docs/design.md
 * ("Reclamation"); in short:
 *   rule 1  one global epoch; a thread's record lives in its own TLS and
 *           sits in a registry while the thread lives
 *   rule 2  every call is a read-side section of the thread's record;
 *           user sections (syncmap_read_lock) nest with them
 *   rule 3  garbage belongs to the map, stamped with the epoch it left in
 *   rule 4  unlink, fence, then stamp
 *   rule 5  nothing under a map's mutex ever waits for readers
 *   rule 6  polls: every 8th locked section, stats, every 64th call
 *   rule 7  destroy frees everything at once
 *   rule 8  the asymmetric fence: readers make plain stores, the scan
 *           issues membarrier(2) (a full fence in readers without it)
 *   rule 9  stamps below `safe` are past their grace period
 *
 * Callbacks free through the map's allocator.  They are given only their
 * link, so the poller names the map's struct mem in a thread-local for
 * the duration of the poll (syncmap__reclaim_mem).
 */
#define _GNU_SOURCE             /* secure_getenv */
#include <errno.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "syncmap.h"

#include "debug.h"
#include "probes.h"
#include "reclaim.h"
#include "values.h"

#ifdef SYNCMAP_TSAN
char syncmap__grace;
#endif

/* The global epoch.  It starts above the grace distance so that "stamp <
 * safe" never needs a negative number.  Advanced only under the registry
 * lock, by one per successful scan. */
_Atomic uintptr_t syncmap__epoch = 4;
/* Every stamp below it is past its grace period (rule 9). */
static _Atomic uintptr_t safe;

bool syncmap__light_readers;

__thread struct reader *syncmap__self __attribute__((tls_model("initial-exec")));
static __thread struct reader own_record __attribute__((tls_model("initial-exec")));
static __thread struct mem *polling_mem __attribute__((tls_model("initial-exec")));

/* The registry: every thread that has called in and not yet exited.  A
 * scan walks it under the lock, so its cost follows the threads alive, not
 * every thread that ever was (rule 1). */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static CK_LIST_HEAD(readers, reader) registry =
    CK_LIST_HEAD_INITIALIZER(registry);

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pthread_key_t thread_key;
static bool thread_key_ok;

static void deferred_atfork_prepare(void);
static void collect_own_wait(void);
static void append_departed_locked(struct deferred *first);
static void deferred_atfork_parent(void);
static void deferred_atfork_child(void);

static long
membarrier(int cmd)
{
	return syscall(__NR_membarrier, cmd, 0, 0);
}

/* The thread is exiting: its record (in its TLS, about to go) leaves the
 * registry.  It cannot be inside a section: destructors run after the
 * thread's own code has returned. */
static void
thread_gone(void *arg)
{
	struct reader *r = arg;

	collect_own_wait();
	/* A thread that made few calls may never have reached a 64th: its
	 * exit is its last chance to move the queue on (bounded delay). */
	syncmap__deferred_poll();
	pthread_mutex_lock(&registry_lock);
	CK_LIST_REMOVE(r, link);
	pthread_mutex_unlock(&registry_lock);
	syncmap__self = NULL;
}

/* In a child of fork() only the forking thread exists: the others'
 * records would stay in the registry, open sections forever. */
static void
registry_atfork_child(void)
{
	struct reader *me = syncmap__self, *r;
	struct deferred *first = NULL;

	/* The rings of the threads the child does not have, onto its queue
	 * (the parent's prepare holds its lock). */
	CK_LIST_FOREACH(r, &registry, link)
		first = syncmap__values_drain(r, first);
	append_departed_locked(first);
	CK_LIST_INIT(&registry);
	if (me != NULL)
		CK_LIST_INSERT_HEAD(&registry, me, link);
	pthread_mutex_unlock(&registry_lock);
}

static void
registry_atfork_prepare(void)
{
	deferred_atfork_prepare();
	pthread_mutex_lock(&registry_lock);
}

static void
registry_atfork_parent(void)
{
	pthread_mutex_unlock(&registry_lock);
	deferred_atfork_parent();
}

static void
child(void)
{
	registry_atfork_child();
	deferred_atfork_child();
}

/*
 * Rule 8: register for the expedited private membarrier once; if the
 * kernel has none (or SYNCMAP_NO_MEMBARRIER is set, which the tests use
 * to run the fallback), readers keep a full fence.  Set before any record
 * exists, so every reader sees the final value.
 */
static void
init(void)
{
	thread_key_ok = pthread_key_create(&thread_key, thread_gone) == 0;
	if (secure_getenv("SYNCMAP_NO_MEMBARRIER") == NULL &&
	    membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0)
		syncmap__light_readers = true;
	pthread_atfork(registry_atfork_prepare, registry_atfork_parent, child);
}

static void
registry_add(struct reader *r)
{
	atomic_init(&r->state, 0);
	r->nest = 0;
	r->ticks = 0;
	atomic_init(&r->ring_tail, 0);
	atomic_init(&r->ring_head, 0);
	pthread_mutex_lock(&registry_lock);
	CK_LIST_INSERT_HEAD(&registry, r, link);
	pthread_mutex_unlock(&registry_lock);
}

/*
 * A thread's first call.  Its record is its own TLS, so this needs no
 * memory; the thread-exit key that takes it out of the registry again is
 * what can fail (pthread_setspecific may allocate).  Then the record is
 * taken from malloc instead and stays in the registry after the thread is
 * gone, outside any section, which costs scans a node; NULL only if that
 * fails too.
 */
struct reader *
syncmap__reader_slow(void)
{
	struct reader *r = &own_record;
	void *p;

	pthread_once(&init_once, init);
	if (!thread_key_ok || pthread_setspecific(thread_key, r) != 0) {
		if (posix_memalign(&p, CACHELINE, sizeof(*r)) != 0)
			return NULL;
		r = p;
	}
	registry_add(r);
	syncmap__self = r;
	return r;
}

/*
 * Rule 8's other half: a full barrier on every running thread of the
 * process, or, for readers that fence themselves, a local one.  False if
 * membarrier failed, when a scan must not conclude anything.
 */
static bool
heavy_fence(void)
{
	if (!syncmap__light_readers) {
		full_fence();
		return true;
	}
	return membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0;
}

/*
 * One step of the grace period, under the registry lock: read the epoch
 * g, fence, and check that every thread inside a section entered it at g.
 * If so the epoch moves to g + 1, and stamps below g - 1 (below g when no
 * thread was inside a section at all) are past their grace period
 * (docs/design.md, "Why the rules are enough").  True if it found no
 * thread inside a section.
 */
static bool
advance_locked(bool *moved)
{
	uintptr_t g = atomic_load_explicit(&syncmap__epoch, memory_order_relaxed);
	uintptr_t s, bound;
	struct reader *r;
	bool active = false;

	*moved = false;
	if (!heavy_fence())
		return false;
	CK_LIST_FOREACH(r, &registry, link) {
		/* Acquire: a section seen closed happens before what this
		 * scan allows to be freed. */
		s = atomic_load_explicit(&r->state, memory_order_acquire);
		if (!(s & 1))
			continue;
		if (s >> 1 != g)
			return false;
		active = true;
	}
	bound = active ? g - 1 : g;
	/* Release: a poller that reads the new bound (acquire) sees the
	 * scan's view.  Only this thread writes either, under the lock. */
	if (bound > atomic_load_explicit(&safe, memory_order_relaxed))
		atomic_store_explicit(&safe, bound, memory_order_release);
	atomic_store_explicit(&syncmap__epoch, g + 1, memory_order_seq_cst);
	*moved = true;
	return !active;
}

/*
 * Moves the grace period on, if no other thread is already scanning (a
 * scan serves every map).  With no thread inside a section, a second step
 * makes everything retired so far free to go.  Never waits (rule 5).
 */
static void
grace_try_advance(void)
{
	bool moved;

	if (pthread_mutex_trylock(&registry_lock) != 0)
		return;
	if (advance_locked(&moved) && moved)
		advance_locked(&moved);
	pthread_mutex_unlock(&registry_lock);
}

size_t
syncmap__readers(void)
{
	struct reader *r;
	size_t n = 0;

	pthread_mutex_lock(&registry_lock);
	CK_LIST_FOREACH(r, &registry, link)
		n++;
	pthread_mutex_unlock(&registry_lock);
	return n;
}

/* ---- a map's garbage -------------------------------------------------- */

void
syncmap__reclaim_init(struct reclaim *r, struct mem *mem)
{
	int i;

	for (i = 0; i < RECLAIM_BUCKETS; i++) {
		r->bucket[i].epoch = 0;
		ck_stack_init(&r->bucket[i].objects);
	}
	r->polls = 0;
	r->mem = mem;
}

/* The caller unlinked o and fenced (rule 4); the epoch read now is at
 * least the one any reader that could still reach o entered at.  A bucket
 * still holding an older epoch takes the newer one: its objects only wait
 * longer. */
void
syncmap__retire(struct reclaim *r, struct retired *o,
                void (*fn)(struct retired *), size_t size)
{
	uintptr_t e = atomic_load_explicit(&syncmap__epoch, memory_order_relaxed);
	int i = (int)(e % RECLAIM_BUCKETS);

	mem_retired(r->mem, size);
	o->fn = fn;
	r->bucket[i].epoch = e;
	ck_stack_push_spnc(&r->bucket[i].objects, &o->link);
}

CONTAINER(struct retired, link, retired_of)

static void
free_bucket(struct reclaim *r, int i)
{
	ck_stack_entry_t *s, *next;
	struct mem *saved = polling_mem;

	polling_mem = r->mem;
	s = ck_stack_batch_pop_npsc(&r->bucket[i].objects);
	for (; s != NULL; s = next) {
		next = s->next;
		retired_of(s)->fn(retired_of(s));
	}
	polling_mem = saved;
}

/* Frees the buckets past their grace period; true if garbage is left. */
static bool
free_due(struct reclaim *r)
{
	uintptr_t bound = atomic_load_explicit(&safe, memory_order_acquire);
	bool left = false;
	int i;

	for (i = 0; i < RECLAIM_BUCKETS; i++) {
		if (CK_STACK_ISEMPTY(&r->bucket[i].objects))
			continue;
		if (r->bucket[i].epoch < bound)
			free_bucket(r, i);
		else
			left = true;
	}
	return left;
}

/* Freeing what is due costs nothing but the frees; a scan (a membarrier
 * and a walk of the threads) only every 8th poll of a map, or when the
 * map asks for it. */
void
syncmap__reclaim_poll(struct reclaim *r, bool urgent)
{
	/* Relaxed: pending changes only under the map's mutex, held here. */
	size_t before = SYNCMAP_PROBES ?
	    atomic_load_explicit(&r->mem->pending, memory_order_relaxed) : 0;

	if (free_due(r) && (urgent || (++r->polls & 7) == 0)) {
		grace_try_advance();
		free_due(r);
	}
	SYNCMAP_PROBE_RECLAIM(before -
	    atomic_load_explicit(&r->mem->pending, memory_order_relaxed));
}

void
syncmap__reclaim_fini(struct reclaim *r)
{
	int i;

	for (i = 0; i < RECLAIM_BUCKETS; i++)
		free_bucket(r, i);
}

/* Called by every callback just before it frees.  The grace acquire comes
 * here, after the bound was read, for the sections the scan saw end. */
struct mem *
syncmap__reclaim_mem(void)
{
	tsan_acquire(&syncmap__grace);
	return polling_mem;
}

/* ---- the queue: deferred functions and departed values ---------------- */

/* A function given to syncmap_defer. */
struct deferred_fn {
	struct deferred link;
	void (*fn)(void *);
	void *arg;
};

CONTAINER(struct deferred_fn, link, fn_of_deferred)

/* A FIFO in epoch order: appended under the lock, each stamped under it,
 * and the epoch never goes back. */
static pthread_mutex_t deferred_lock = PTHREAD_MUTEX_INITIALIZER;
static struct deferred *deferred_head, **deferred_tail = &deferred_head;
/* Relaxed counts: the first tells a call whether a poll could find
 * anything and how large a slice to run, the second tells syncmap_barrier
 * whether a batch taken from the queue is still running; both are exact
 * under deferred_lock. */
static _Atomic size_t deferred_count;
static _Atomic size_t deferred_running;

/* A poll runs at least this many, and at most a 64th of the queue more:
 * no one call pays for a backlog, and a backlog of any size still drains
 * within some 4,100 polls, each thread polling every 64th call (a barrier
 * runs it all).  docs/design.md, "Managed values", has the arithmetic. */
#define DEFERRED_SLICE 64

/* A poll that finds nothing due moves the grace period on only every
 * DEFERRED_IDLE_SCANS-th time, or once DEFERRED_WAITING items wait: a scan
 * is a membarrier(2), which costs as much as a hundred calls, and a
 * Swap-heavy thread polls every 64th call.  That delays a release by at
 * most a few hundred calls more, and the queue holds some 40 KiB more at
 * worst. */
#define DEFERRED_IDLE_SCANS 4
#define DEFERRED_WAITING 1024
static unsigned int polls, idle_polls;     /* under deferred_lock */

static void
deferred_atfork_prepare(void)
{
	pthread_mutex_lock(&deferred_lock);
}

static void
deferred_atfork_parent(void)
{
	pthread_mutex_unlock(&deferred_lock);
}

static void
deferred_atfork_child(void)
{
	atomic_store_explicit(&deferred_running, 0, memory_order_relaxed);
	pthread_mutex_unlock(&deferred_lock);
}

/* The stamp for what is appended now; the caller fenced after unlinking
 * it (rule 4). */
static uintptr_t
stamp_locked(void)
{
	return atomic_load_explicit(&syncmap__epoch, memory_order_relaxed);
}

/* Appends a chain already stamped. */
static void
append_locked(struct deferred *first, struct deferred *last, size_t n)
{
	*deferred_tail = first;
	deferred_tail = &last->next;
	atomic_fetch_add_explicit(&deferred_count, n, memory_order_relaxed);
}

/* Departed boxes taken from the stack or the rings join the queue.
 * Everything there was unlinked before it was pushed, so before the
 * acquire that took it; the fence after that then stands where rule 4
 * puts it. */
static void
append_departed_locked(struct deferred *first)
{
	struct deferred *last;
	size_t n;

	if (first == NULL)
		return;
	retire_fence();
	first = syncmap__values_stamp(first, stamp_locked(), &last, &n);
	append_locked(first, last, n);
}

/* From the stack and the caller's ring, and with all from every thread's
 * ring. */
static void
collect_locked(bool all)
{
	struct deferred *first;
	struct reader *r;

	first = syncmap__values_take();
	if (syncmap__self != NULL)
		first = syncmap__values_drain(syncmap__self, first);
	if (all) {
		pthread_mutex_lock(&registry_lock);
		CK_LIST_FOREACH(r, &registry, link)
			first = syncmap__values_drain(r, first);
		pthread_mutex_unlock(&registry_lock);
	}
	append_departed_locked(first);
}

/* The ring of a thread about to exit, whose record leaves the registry
 * with it: onto the queue, waiting for the lock if need be. */
static void
collect_own_wait(void)
{
	pthread_mutex_lock(&deferred_lock);
	collect_locked(false);
	pthread_mutex_unlock(&deferred_lock);
}

bool
syncmap__deferred_collect_own(void)
{
	if (pthread_mutex_trylock(&deferred_lock) != 0)
		return false;
	collect_locked(false);
	pthread_mutex_unlock(&deferred_lock);
	return true;
}

/* Takes up to max items past their grace period off the queue. */
static struct deferred *
deferred_take_locked(size_t max)
{
	uintptr_t bound = atomic_load_explicit(&safe, memory_order_acquire);
	struct deferred *first = deferred_head, **end = &deferred_head;
	size_t n = 0;

	while (*end != NULL && (*end)->epoch < bound && n < max) {
		end = &(*end)->next;
		n++;
	}
	if (n == 0)
		return NULL;
	deferred_head = *end;
	if (deferred_head == NULL)
		deferred_tail = &deferred_head;
	*end = NULL;
	atomic_fetch_sub_explicit(&deferred_count, n, memory_order_relaxed);
	atomic_fetch_add_explicit(&deferred_running, 1, memory_order_relaxed);
	return first;
}

/* Runs a batch taken off the queue, with no lock held (a function may
 * call back into the library, syncmap_defer included). */
static void
deferred_run(struct deferred *d)
{
	tsan_acquire(&syncmap__grace);
	while (d != NULL)
		d = d->run(d);
	/* Release: what the batch did happens before a barrier that sees it
	 * done (it loads with acquire). */
	atomic_fetch_sub_explicit(&deferred_running, 1, memory_order_release);
}

void
syncmap__deferred_poll(void)
{
	size_t n = atomic_load_explicit(&deferred_count, memory_order_relaxed);
	struct deferred *d;

	if ((n == 0 && !syncmap__values_departed()) ||
	    pthread_mutex_trylock(&deferred_lock) != 0)
		return;
	/* Other threads' rings, as often as a scan at most: a walk of every
	 * record, for the boxes of threads that went idle. */
	collect_locked((++polls % DEFERRED_IDLE_SCANS == 0 ||
	    deferred_head == NULL) && syncmap__values_rings_used());
	n = DEFERRED_SLICE + n / 64;
	if ((d = deferred_take_locked(n)) == NULL && deferred_head != NULL &&
	    (++idle_polls % DEFERRED_IDLE_SCANS == 0 ||
	    atomic_load_explicit(&deferred_count, memory_order_relaxed) >=
	    DEFERRED_WAITING)) {
		grace_try_advance();
		d = deferred_take_locked(n);
	}
	pthread_mutex_unlock(&deferred_lock);
	if (d != NULL)
		deferred_run(d);
}

/* Destroy's promise (syncmap_value_ops(3)): with no thread inside a
 * section, two steps of the grace period make everything queued so far
 * due, and it all runs before destroy returns.  The registry lock is
 * waited for: destroy holds no mutex of a map (rule 5). */
void
syncmap__deferred_settle(void)
{
	struct deferred *d;
	bool moved;

	pthread_once(&init_once, init);
	pthread_mutex_lock(&deferred_lock);
	collect_locked(true);
	pthread_mutex_unlock(&deferred_lock);
	pthread_mutex_lock(&registry_lock);
	if (advance_locked(&moved) && moved)
		advance_locked(&moved);
	pthread_mutex_unlock(&registry_lock);
	for (;;) {
		pthread_mutex_lock(&deferred_lock);
		d = deferred_take_locked(SIZE_MAX);
		pthread_mutex_unlock(&deferred_lock);
		if (d == NULL)
			break;
		deferred_run(d);
	}
}

static struct deferred *
run_fn(struct deferred *d)
{
	struct deferred_fn *f = fn_of_deferred(d);

	d = d->next;
	f->fn(f->arg);
	free(f);
	return d;
}

int
syncmap_defer(void (*fn)(void *arg), void *arg)
{
	struct deferred_fn *f;

	if (fn == NULL)
		return -EINVAL;
	if ((f = malloc(sizeof(*f))) == NULL)
		return -ENOMEM;
	pthread_once(&init_once, init);
	f->link.next = NULL;
	f->link.run = run_fn;
	f->fn = fn;
	f->arg = arg;
	/* Rule 4: whatever the caller unlinked before the call is unlinked
	 * before the epoch that stamps it is read. */
	retire_fence();
	pthread_mutex_lock(&deferred_lock);
	f->link.epoch = stamp_locked();
	append_locked(&f->link, &f->link, 1);
	pthread_mutex_unlock(&deferred_lock);
	return 0;
}

/* ---- user sections and the barrier ------------------------------------ */

void
syncmap_read_lock(void)
{
	reader_enter();
}

void
syncmap_read_unlock(void)
{
	struct reader *r = syncmap__self;

	if (r != NULL && r->nest > 0)
		reader_exit(r);
}

/* Sleeps a little longer each time, up to a millisecond: a barrier waits
 * for sections that may last long, and must not steal their core. */
static void
backoff(unsigned int *round)
{
	struct timespec ts = { 0, 1000L << (*round < 10 ? *round : 10) };

	if (*round < 4)
		sched_yield();
	else
		nanosleep(&ts, NULL);
	(*round)++;
}

int
syncmap_barrier(void)
{
	struct reader *r = syncmap__self;
	unsigned int round = 0;
	struct deferred *d;
	uintptr_t target;
	bool moved;

	if (r != NULL && r->nest > 0)
		return -EDEADLK;
	pthread_once(&init_once, init);
	/* Every function deferred and every value that left a map before
	 * the call has a stamp at most the epoch read now (deferred_lock
	 * orders the stamps). */
	pthread_mutex_lock(&deferred_lock);
	collect_locked(true);
	target = atomic_load_explicit(&syncmap__epoch, memory_order_relaxed);
	pthread_mutex_unlock(&deferred_lock);
	while (atomic_load_explicit(&safe, memory_order_acquire) <= target) {
		pthread_mutex_lock(&registry_lock);
		advance_locked(&moved);
		pthread_mutex_unlock(&registry_lock);
		if (!moved)
			backoff(&round);
	}
	for (;;) {
		pthread_mutex_lock(&deferred_lock);
		d = deferred_head != NULL && deferred_head->epoch <= target ?
		    deferred_take_locked(SIZE_MAX) : NULL;
		pthread_mutex_unlock(&deferred_lock);
		if (d == NULL)
			break;
		deferred_run(d);
	}
	round = 0;
	while (atomic_load_explicit(&deferred_running, memory_order_acquire) != 0)
		backoff(&round);
	return 0;
}
