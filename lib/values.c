/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * values.c - boxes, their pool, and the rings and stack where values wait
 * after leaving a map until the queue of reclaim.c takes them (values.h;
 * docs/design.md, "Managed values").
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>

#include "values.h"

/* Boxes that left a map while their thread's ring was full (or the thread
 * had no record), newest first.  A Treiber stack that is only ever
 * emptied whole, so it has no ABA. */
static _Atomic(struct deferred *) departed;
/* Set when a thread's ring goes from empty to not: some ring may hold
 * boxes that only a walk of every thread's record would find (reclaim.c
 * takes and clears it before such a walk). */
static _Atomic bool rings_used;

static struct deferred *release_box(struct deferred *d);

/* Boxes a map keeps, at most: what the polls between two scans release
 * (reclaim.c: a scan every fourth idle poll, 64 items or more a poll), so
 * that a store-heavy thread finds them waiting; a map that stopped storing
 * holds 20 KiB of them at most. */
#define POOL_MAX 512

static bool
pool_try_lock(struct values *v)
{
	/* Acquire: the pool as the last holder left it. */
	return !atomic_flag_test_and_set_explicit(&v->pool_lock,
	    memory_order_acquire);
}

static void
pool_unlock(struct values *v)
{
	atomic_flag_clear_explicit(&v->pool_lock, memory_order_release);
}

static struct box *
pool_take(struct values *v)
{
	struct deferred *d;

	if (!pool_try_lock(v))
		return NULL;
	if ((d = v->pool) != NULL) {
		v->pool = d->next;
		v->pooled--;
	}
	pool_unlock(v);
	return d != NULL ? box_of_deferred(d) : NULL;
}

/* Adds the n boxes first..last (n <= POOL_MAX) to the pool.  Returns the
 * boxes to free instead: the pool's old ones if it would overflow (they
 * are the coldest), or the chain given if the pool is busy. */
static struct deferred *
pool_put(struct values *v, struct deferred *first, struct deferred *last,
         size_t n)
{
	struct deferred *old = NULL;

	last->next = NULL;
	if (!pool_try_lock(v))
		return first;
	if (v->pooled + n > POOL_MAX) {
		old = v->pool;
		v->pool = NULL;
		v->pooled = 0;
	}
	last->next = v->pool;
	v->pool = first;
	v->pooled += n;
	pool_unlock(v);
	return old;
}

/* Frees a chain of boxes, past their release or never published. */
static void
free_boxes(struct values *v, struct deferred *d)
{
	struct deferred *next;
	size_t n = 0;

	for (; d != NULL; d = next, n++) {
		next = d->next;
		v->mem.free(box_of_deferred(d), sizeof(struct box), v->mem.ctx);
	}
	atomic_fetch_sub_explicit(&v->mem.bytes, n * sizeof(struct box),
	    memory_order_relaxed);
}

int
syncmap__value_wrap(struct values *v, void *value, void **raw)
{
	struct box *b;
	int err;

	if (v == NULL || value == NULL) {
		*raw = encode(value);
		return 0;
	}
	if ((b = pool_take(v)) == NULL) {
		if ((b = mem_try_alloc(&v->mem, sizeof(*b), &err)) == NULL)
			return err;
		b->link.run = release_box;
		b->vals = v;
	}
	b->value = value;
	*raw = b;
	return 0;
}

void
syncmap__value_discard(struct values *v, void *raw)
{
	struct deferred *d;

	if (!value_boxed(v, raw))
		return;
	d = &((struct box *)raw)->link;
	free_boxes(v, pool_put(v, d, d, 1));
}

/*
 * Release: whoever takes the stack (acquire) sees the push, and so the
 * unlink that came before it, before it stamps the box with the epoch
 * (rule 4 across threads: docs/design.md, "Managed values").
 */
static void
stack_push(struct deferred *d)
{
	struct deferred *head;

	head = atomic_load_explicit(&departed, memory_order_relaxed);
	do
		d->next = head;
	while (!atomic_compare_exchange_weak_explicit(&departed, &head, d,
	    memory_order_release, memory_order_relaxed));
}

/*
 * The ring: a departure writes one slot of the thread's own record, no
 * atomic read-modify-write and no store into the box, whose line is cold
 * by now.  The tail's release orders the slot, and the unlink before it,
 * before a drainer's acquire of the tail (rule 4, as the stack's push);
 * the head's acquire orders a drainer's read of a slot before the owner
 * writes it again.  A full ring is taken onto the queue by its owner
 * when the queue is free; else the box goes to the stack.
 */
static bool
ring_push(struct reader *r, struct deferred *d)
{
	unsigned int t = atomic_load_explicit(&r->ring_tail, memory_order_relaxed);
	unsigned int h = atomic_load_explicit(&r->ring_head, memory_order_acquire);

	if (t - h == DEPART_RING) {
		if (!syncmap__deferred_collect_own())
			return false;
		h = atomic_load_explicit(&r->ring_head, memory_order_acquire);
	}
	r->ring[t % DEPART_RING] = d;
	atomic_store_explicit(&r->ring_tail, t + 1, memory_order_release);
	/* Release: a drainer that takes the hint (acq_rel) then sees the
	 * tail just written. */
	if (t == h)
		atomic_store_explicit(&rings_used, true, memory_order_release);
	return true;
}

void
syncmap__value_depart(struct values *v, void *raw)
{
	struct reader *r = syncmap__self;
	struct deferred *d;

	if (!value_boxed(v, raw))
		return;
	d = &((struct box *)raw)->link;
	if (r == NULL || !ring_push(r, d))
		stack_push(d);
}

bool
syncmap__values_departed(void)
{
	struct reader *r = syncmap__self;

	/* Relaxed: a hint for a poll; a push missed is seen at a later one. */
	return atomic_load_explicit(&departed, memory_order_relaxed) != NULL ||
	    atomic_load_explicit(&rings_used, memory_order_relaxed) ||
	    (r != NULL &&
	    atomic_load_explicit(&r->ring_tail, memory_order_relaxed) !=
	    atomic_load_explicit(&r->ring_head, memory_order_relaxed));
}

bool
syncmap__values_rings_used(void)
{
	return atomic_exchange_explicit(&rings_used, false,
	    memory_order_acq_rel);
}

struct deferred *
syncmap__values_drain(struct reader *r, struct deferred *d)
{
	unsigned int h = atomic_load_explicit(&r->ring_head, memory_order_relaxed);
	unsigned int t = atomic_load_explicit(&r->ring_tail, memory_order_acquire);
	struct deferred *x;

	for (; h != t; h++) {
		x = r->ring[h % DEPART_RING];
		x->next = d;
		d = x;
	}
	atomic_store_explicit(&r->ring_head, t, memory_order_release);
	return d;
}

/* Relaxed counts: refs is taken under the queue's lock and only dropped
 * after that, so no count can reach zero early; the last put is acq_rel,
 * so that every release's use of the struct happens before it is freed. */
static void
values_put(struct values *v, size_t n)
{
	void (*free_fn)(void *, size_t, void *) = v->mem.free;
	void *ctx = v->mem.ctx;

	if (atomic_fetch_sub_explicit(&v->refs, n, memory_order_acq_rel) == n) {
		free_boxes(v, v->pool);
		free_fn(v, sizeof(*v), ctx);
	}
}

/* k boxes of v are taken onto the queue: each holds a reference to v
 * until its release, and is pending. */
static void
count_departed(struct values *v, size_t k)
{
	atomic_fetch_add_explicit(&v->refs, k, memory_order_relaxed);
	mem_retired(&v->mem, k * sizeof(struct box));
}

struct deferred *
syncmap__values_take(void)
{
	return atomic_exchange_explicit(&departed, NULL, memory_order_acquire);
}

/* One pass over what was taken, which is cold by now: newest first on the
 * stack, reversed so that the queue keeps the order in which the values
 * left, stamped, and counted by runs of one map. */
struct deferred *
syncmap__values_stamp(struct deferred *d, uintptr_t epoch,
                      struct deferred **last, size_t *n)
{
	struct deferred *next, *first = NULL;
	struct values *run = NULL, *v;
	size_t k = 0;

	*last = d;
	*n = 0;
	for (; d != NULL; d = next, k++) {
		next = d->next;
		d->next = first;
		d->epoch = epoch;
		first = d;
		if ((v = box_of_deferred(d)->vals) != run) {
			if (run != NULL)
				count_departed(run, k);
			run = v;
			*n += k;
			k = 0;
		}
	}
	if (run != NULL)
		count_departed(run, k);
	*n += k;
	return first;
}

/* Runs from the queue, after the grace period, with no mutex held (a
 * release may store into the map, and so take from the pool): this box
 * and the boxes of the same map after it, in one pass, counted once.
 * They go to the pool, those past POOL_MAX to the allocator. */
static struct deferred *
release_box(struct deferred *d)
{
	struct values *v = box_of_deferred(d)->vals;
	struct deferred *e, *cut = d, *end = d, *spill = NULL;
	size_t n = 0;

	for (e = d; e != NULL && e->run == release_box &&
	    box_of_deferred(e)->vals == v; e = e->next) {
		v->ops.release(box_of_deferred(e)->value, v->ops.ctx);
		if (++n <= POOL_MAX)
			cut = e;
		end = e;
	}
	if (cut != end) {
		spill = cut->next;
		end->next = NULL;
	}
	free_boxes(v, spill);
	free_boxes(v, pool_put(v, d, cut, n < POOL_MAX ? n : POOL_MAX));
	atomic_fetch_sub_explicit(&v->mem.pending, n * sizeof(struct box),
	    memory_order_relaxed);
	values_put(v, n);
	return e;
}

int
syncmap__values_new(const struct syncmap_value_ops *ops, const struct mem *mem,
                    struct values **out)
{
	struct values *v;

	if ((v = mem->malloc(sizeof(*v), mem->ctx)) == NULL)
		return ENOMEM;
	if ((uintptr_t)v % _Alignof(struct values) != 0) {
		mem->free(v, sizeof(*v), mem->ctx);
		return EINVAL;
	}
	v->ops = *ops;
	atomic_flag_clear_explicit(&v->pool_lock, memory_order_relaxed);
	v->pool = NULL;
	v->pooled = 0;
	v->mem.malloc = mem->malloc;
	v->mem.free = mem->free;
	v->mem.ctx = mem->ctx;
	v->mem.error = 0;
	/* Boxes are small, and freed with no mutex held: no big blocks. */
	v->mem.maps_big = false;
	v->mem.mapped_now = false;
	v->mem.n_unmapping = 0;
	atomic_init(&v->mem.unmapping_bytes, 0);
	atomic_init(&v->mem.bytes, sizeof(*v));
	atomic_init(&v->mem.pending, 0);
	atomic_init(&v->refs, 1);
	*out = v;
	return 0;
}

void
syncmap__values_put_map(struct values *v)
{
	values_put(v, 1);
}

size_t
syncmap__values_bytes(struct values *v, size_t *pending)
{
	*pending += atomic_load_explicit(&v->mem.pending, memory_order_relaxed);
	return atomic_load_explicit(&v->mem.bytes, memory_order_relaxed);
}
