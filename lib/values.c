/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * values.c - boxes, and the stack where values wait after leaving a map
 * until the queue of reclaim.c takes them (values.h; docs/design.md,
 * "Managed values").
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>

#include "values.h"

/* Every box that left a map and is not yet on the queue, newest first.  A
 * Treiber stack that is only ever emptied whole, so it has no ABA. */
static _Atomic(struct deferred *) departed;

static struct deferred *release_box(struct deferred *d);

/* Boxes a map keeps, at most: twice the slice a poll runs (reclaim.c's
 * DEFERRED_SLICE), so that a store-heavy thread finds the boxes of the
 * last poll's releases waiting, and a map that stopped storing holds no
 * more than 5 KiB of them. */
#define POOL_MAX 128

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

/* Frees a chain of boxes (past their release, or never published):
 * how many. */
static size_t
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
	return n;
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
void
syncmap__value_depart(struct values *v, void *raw)
{
	struct deferred *d, *head;

	if (!value_boxed(v, raw))
		return;
	d = &((struct box *)raw)->link;
	head = atomic_load_explicit(&departed, memory_order_relaxed);
	do
		d->next = head;
	while (!atomic_compare_exchange_weak_explicit(&departed, &head, d,
	    memory_order_release, memory_order_relaxed));
}

bool
syncmap__values_departed(void)
{
	/* Relaxed: a hint for a poll; a push missed is seen at a later one. */
	return atomic_load_explicit(&departed, memory_order_relaxed) != NULL;
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

/* Boxes that left together mostly belong to one map: the counts of a run
 * of them are taken once. */
static struct deferred *
same_map_run(struct deferred *d, size_t *n)
{
	struct values *v = box_of_deferred(d)->vals;

	for (*n = 1; d->next != NULL && box_of_deferred(d->next)->vals == v; (*n)++)
		d = d->next;
	return d;
}

struct deferred *
syncmap__values_collect(struct deferred **last, size_t *n)
{
	struct deferred *d, *next, *end, *first = NULL;
	size_t k;

	d = atomic_exchange_explicit(&departed, NULL, memory_order_acquire);
	*last = d;
	*n = 0;
	/* Newest first on the stack: reversed, the queue keeps the order in
	 * which the values left. */
	for (; d != NULL; d = next) {
		next = d->next;
		d->next = first;
		first = d;
	}
	for (d = first; d != NULL; d = end->next) {
		struct values *v = box_of_deferred(d)->vals;

		end = same_map_run(d, &k);
		atomic_fetch_add_explicit(&v->refs, k, memory_order_relaxed);
		mem_retired(&v->mem, k * sizeof(struct box));
		*n += k;
	}
	return first;
}

/* Runs from the queue, after the grace period, with no mutex held (a
 * release may store into the map, and so take from the pool): this box
 * and those of the same map after it, counted once.  Their boxes go to
 * the pool, those past POOL_MAX to the allocator. */
static struct deferred *
release_box(struct deferred *d)
{
	struct values *v = box_of_deferred(d)->vals;
	struct deferred *e = d, *cut = NULL, *end = NULL, *stop, *spill = NULL;
	size_t n, i;

	stop = same_map_run(d, &n)->next;
	for (i = 0; i < n; i++, e = e->next) {
		v->ops.release(box_of_deferred(e)->value, v->ops.ctx);
		if (i < POOL_MAX)
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
	return stop;
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
