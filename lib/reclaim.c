/*
 * reclaim.c - when memory that lock-free readers may hold can be freed.
 *
 * The rules, and the argument that they are safe, are in docs/design.md
 * ("Reclamation"); in short:
 *   rule 1  one ck_epoch domain; records are parked and recycled, never freed
 *   rule 2  every call is a read-side section of the thread's own record,
 *           taken on its first call and parked at thread exit
 *   rule 3  garbage belongs to the map, in a record of its own
 *   rule 4  unlink, fence, then stamp (ck_epoch_call)
 *   rule 5  never synchronize or barrier: only ck_epoch_poll frees
 *   rule 6  polls every 8th locked section, in stats, and every 64th call
 *   rule 7  destroy frees everything at once
 *
 * Callbacks free through the map's allocator.  ck_epoch passes them only
 * the ck_epoch_entry, so the poller names the map's struct mem in a
 * thread-local for the duration of the poll (syncmap__reclaim_mem).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

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
		/* Relaxed: the counter only hands out distinct indices;
		 * ck_epoch_register publishes the record itself. */
		i = atomic_load_explicit(&reserve_used, memory_order_relaxed);
		do {
			if (i >= RESERVE)
				return NULL;
		} while (!atomic_compare_exchange_weak_explicit(&reserve_used,
		    &i, i + 1, memory_order_relaxed, memory_order_relaxed));
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

CONTAINER(ck_epoch_entry_t, stack_entry, entry_of)

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
	mem_retired(r->mem, size);
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

	if (r->rec == NULL && (CK_STACK_ISEMPTY(&r->limbo) || !adopt_record(r)))
		return;
	polling_mem = r->mem;
	ck_epoch_poll(r->rec);
	polling_mem = saved;
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
