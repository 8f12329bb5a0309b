/*
 * reclaim.c - when memory that lock-free readers may hold can be freed.
 *
 * The rules, all in one place:
 *
 * 1. Domain.  One ck_epoch domain serves every map in the process.  A
 *    ck_epoch record can never be freed (the domain keeps it on a list
 *    forever), so records are never tied to a map's lifetime or allocator:
 *    they come from malloc, are parked with ck_epoch_unregister when their
 *    owner is done, and are reused through ck_epoch_recycle.
 *
 * 2. Readers.  Every public call runs inside a read-side section of the
 *    calling thread's record, taken on the thread's first call.  Users never
 *    register.  A pthread key destructor parks the record when the thread
 *    exits; a thread's record never holds garbage (rule 3), so parking it
 *    loses nothing, although ck_epoch_unregister drops pending callbacks.
 *    Should malloc fail for a new thread's record, a small static reserve
 *    is used, so that Load and friends still never fail for lack of memory.
 *
 * 3. Garbage.  What a map unlinks (old read tables, entries that left every
 *    table, with their keys) belongs to the map, not to the thread that
 *    unlinked it: each map with garbage owns a record of its own, used only
 *    under the map's mutex, and its callbacks run only when that record is
 *    polled.  So garbage is never stranded in the record of a thread that
 *    went idle or exited.  The record is taken when garbage first appears
 *    and parked again once it has all been freed, so a poll scans the
 *    threads and the maps that have garbage, not every map ever created.
 *    If no record can be had, garbage waits in the map's limbo list and is
 *    handed to the next record the map gets.
 *
 * 4. Unlinking.  An object is retired only after it became unreachable for
 *    new readers, by a seq_cst store (the publication of a new read table)
 *    or under the mutex for objects readers never reach without it.
 *    ck_epoch_call stamps garbage with the global epoch through a plain
 *    load, so the unlinking store must be fenced before it: the map's
 *    publish helper ends with a seq_cst fence.
 *
 * 5. Never block.  ck_epoch_synchronize and ck_epoch_barrier are never
 *    called: inside one's own section they wait forever, and while holding
 *    the mutex that a sectioned reader waits on they deadlock.  Garbage is
 *    freed only by ck_epoch_poll, which never waits.
 *
 * 6. Delay.  A map polls its garbage record (a) every 8th locked operation
 *    while it has garbage, (b) in syncmap_stats, and (c) from any thread's
 *    64th call since it last offered, through a trylock, so that a map only
 *    read from still frees its garbage.  When no thread is inside a section
 *    a single poll frees everything; otherwise the global epoch advances by
 *    one per poll and garbage is freed two advances after it was retired.
 *    A long range callback holds every map's garbage back.
 *
 * 7. Destroy.  No call on the map runs any more, so no thread can hold the
 *    map's memory: destroy runs every pending callback at once
 *    (ck_epoch_reclaim) and parks the record.
 *
 * Callbacks free through the map's allocator.  ck_epoch passes them only
 * the ck_epoch_entry, so the poller names the map's struct mem in a
 * thread-local for the duration of the poll (syncmap__reclaim_mem).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

#include "probes.h"
#include "reclaim.h"

__thread struct reader syncmap__self __attribute__((tls_model("initial-exec")));

static __thread struct mem *polling_mem __attribute__((tls_model("initial-exec")));

#ifdef SYNCMAP_TSAN
char syncmap__grace;
#define grace_acquire() tsan_acquire(&syncmap__grace)
#else
#define grace_acquire() ((void)0)
#endif

static ck_epoch_t domain;
static pthread_once_t domain_once = PTHREAD_ONCE_INIT;
static pthread_key_t reader_key;
static int reader_key_ok;

#define RESERVE 16
static ck_epoch_record_t reserve[RESERVE];
static atomic_uint reserve_used;

/* Records want a cache line of their own: ck_epoch declares them so. */
static ck_epoch_record_t *
record_alloc(void)
{
	void *p;

	return posix_memalign(&p, CK_MD_CACHELINE, sizeof(ck_epoch_record_t)) == 0 ?
	    p : NULL;
}

/* Parks a record for ck_epoch_recycle to hand to its next owner. */
static void
record_park(ck_epoch_record_t *rec)
{
	tsan_release(rec);
	ck_epoch_unregister(rec);
}

static void
reader_gone(void *arg)
{
	syncmap__self.rec = NULL;
	record_park(arg);
}

static void
domain_init(void)
{
	ck_epoch_init(&domain);
	reader_key_ok = pthread_key_create(&reader_key, reader_gone) == 0;
}

static ck_epoch_record_t *
record_get(void)
{
	ck_epoch_record_t *rec;
	unsigned int i;

	pthread_once(&domain_once, domain_init);
	rec = ck_epoch_recycle(&domain, NULL);
	if (rec != NULL) {
		tsan_acquire(rec);
		return rec;
	}
	rec = record_alloc();
	if (rec == NULL) {
		i = atomic_load(&reserve_used);
		do {
			if (i >= RESERVE)
				return NULL;
		} while (!atomic_compare_exchange_weak(&reserve_used, &i, i + 1));
		rec = &reserve[i];
	}
	ck_epoch_register(&domain, rec, NULL);
	return rec;
}

ck_epoch_record_t *
syncmap__reader_slow(void)
{
	ck_epoch_record_t *rec = record_get();

	if (rec == NULL)
		return NULL;
	/* Without the key the record cannot be parked at thread exit; it is
	 * not lost, only not reused. */
	if (reader_key_ok)
		pthread_setspecific(reader_key, rec);
	syncmap__self.rec = rec;
	return rec;
}

static ck_epoch_entry_t *
entry_of(ck_stack_entry_t *s)
{
	return (ck_epoch_entry_t *)((char *)s - offsetof(ck_epoch_entry_t, stack_entry));
}

void
syncmap__reclaim_init(struct reclaim *r, struct mem *mem)
{
	r->rec = NULL;
	ck_stack_init(&r->limbo);
	r->mem = mem;
}

static bool
adopt_record(struct reclaim *r)
{
	ck_stack_entry_t *s;
	ck_epoch_entry_t *e;

	r->rec = record_get();
	if (r->rec == NULL)
		return false;
	while ((s = ck_stack_pop_npsc(&r->limbo)) != NULL) {
		e = entry_of(s);
		ck_epoch_call(r->rec, e, e->function);
	}
	return true;
}

void
syncmap__retire(struct reclaim *r, ck_epoch_entry_t *e, ck_epoch_cb_t *fn,
                size_t size)
{
	atomic_fetch_add(&r->mem->pending, size);
	if (r->rec == NULL && !adopt_record(r)) {
		e->function = fn;
		ck_stack_push_spnc(&r->limbo, &e->stack_entry);
		return;
	}
	ck_epoch_call(r->rec, e, fn);
}

void
syncmap__reclaim_poll(struct reclaim *r)
{
	struct mem *saved = polling_mem;
	size_t before;

	if (r->rec == NULL && (CK_STACK_ISEMPTY(&r->limbo) || !adopt_record(r)))
		return;
	/* Relaxed: pending changes only under the map's mutex, held here. */
	before = SYNCMAP_PROBES ?
	    atomic_load_explicit(&r->mem->pending, memory_order_relaxed) : 0;
	polling_mem = r->mem;
	ck_epoch_poll(r->rec);
	polling_mem = saved;
	SYNCMAP_PROBE_RECLAIM(before -
	    atomic_load_explicit(&r->mem->pending, memory_order_relaxed));
	if (r->rec->n_pending == 0) {
		record_park(r->rec);
		r->rec = NULL;
	}
}

void
syncmap__reclaim_fini(struct reclaim *r)
{
	struct mem *saved = polling_mem;
	ck_stack_entry_t *s;
	ck_epoch_entry_t *e;

	polling_mem = r->mem;
	if (r->rec != NULL) {
		ck_epoch_reclaim(r->rec);
		record_park(r->rec);
		r->rec = NULL;
	}
	while ((s = ck_stack_pop_npsc(&r->limbo)) != NULL) {
		e = entry_of(s);
		e->function(e);
	}
	polling_mem = saved;
}

/*
 * Called by every callback just before it frees.  The grace acquire must
 * come here, after ck_epoch_poll has seen the readers' sections end, and
 * not before the poll: a section that ends between the two would otherwise
 * let its reads race with the free in TSan's eyes.
 */
struct mem *
syncmap__reclaim_mem(void)
{
	grace_acquire();
	return polling_mem;
}
