/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * values.h - values whose lifetime the map manages (syncmap_value_ops).
 *
 * With ops set, an entry's value word points at a box, not at the value:
 * { the value, its map's ops }, as Go's entry.p points at a heap *any.  The
 * box is allocated when the value is stored, so that it is all a departure
 * needs: leaving the map writes the box's address in a ring of the
 * thread's record, or pushes the box onto the library-wide departure stack
 * when the ring is full (values.c), never an allocation; and the garbage
 * stays the library's whatever becomes of the thread that made it leave,
 * since any poller can empty any ring.  The queue of reclaim.c then runs
 * the release after a grace period, with no mutex held (docs/design.md,
 * "Managed values").
 *
 * A stored NULL has no box (NULL_VALUE, as without ops): nothing to
 * release.  Without ops, the value word is the value itself and every
 * function here is the identity or nothing.
 */
#ifndef SYNCMAP_VALUES_H
#define SYNCMAP_VALUES_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "syncmap.h"

#include "compiler.h"
#include "entry.h"
#include "mem.h"
#include "reclaim.h"

/* A map's value side.  It outlives the map until the last of the map's
 * values has been released, since releases may follow destroy (refs). */
struct values {
	struct syncmap_value_ops ops;
	/* The map's allocator again: boxes are the map's memory, counted
	 * here since they may be freed after the map is gone. */
	struct mem mem;
	/* 1 for the map, plus one per box taken onto the queue and not yet
	 * released; the last put frees the struct.  Taken under the queue's
	 * lock (values.c), so destroy's put comes after every box of the
	 * map has been counted. */
	_Atomic size_t refs;
	/* Boxes past their release, kept for the next stores: a store that
	 * finds one pays one uncontended atomic instead of a malloc and a
	 * count, and the poll that released it no free.  At most POOL_MAX,
	 * counted in mem.bytes (the map still holds them).  The lock is only
	 * ever tried: a caller that finds it taken goes to the allocator, so
	 * no store waits for another thread.  A line away from what every
	 * call reads (the block is only MEM_ALIGN-aligned, hence a gap). */
	char gap[CACHELINE];
	atomic_flag pool_lock;
	struct deferred *pool;      /* under pool_lock, through next */
	size_t pooled;
};

struct box {
	struct deferred link;
	void *value;
	struct values *vals;
};

CONTAINER(struct box, link, box_of_deferred)

/* What a value word (is_value) stands for. */
static inline void *
value_of(const struct values *v, void *raw)
{
	if (raw == NULL_VALUE)
		return NULL;
	return v != NULL ? ((struct box *)raw)->value : raw;
}

/* A value word holds something to release. */
static inline bool
value_boxed(const struct values *v, void *raw)
{
	return v != NULL && is_value(raw) && raw != NULL_VALUE;
}

/* Hands the value of raw back to the caller through out (if not NULL),
 * retained when the map retains.  Inside the call's section: until it
 * closes, the value cannot have been released. */
static inline void
value_hand_back(const struct values *v, void *raw, void **out)
{
	if (out == NULL)
		return;
	*out = value_of(v, raw);
	if (v != NULL && v->ops.retain != NULL && *out != NULL)
		v->ops.retain(*out, v->ops.ctx);
}

/* Go: entry.tryCompareAndSwap's loop, values compared by identity (the
 * boxes cannot recycle while the section lasts, so a CAS of the box word
 * has no ABA).  new_raw NULL makes it CompareAndDelete's loop.  *old_raw
 * is the value word replaced. */
static inline bool
value_compare_and_swap(const struct values *v, struct entry *e, void *old,
                       void *new_raw, void **old_raw)
{
	void *p = atomic_load_explicit(&e->p, memory_order_acquire);

	do {
		if (!is_value(p) || value_of(v, p) != old)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(&e->p, &p, new_raw,
	    memory_order_acq_rel, memory_order_acquire));
	*old_raw = p;
	return true;
}

/* The value word that stores value: its box, allocated now; 0 or -ENOMEM
 * or -EINVAL (mem.h).  Lock-free: the allocator must be thread-safe. */
HIDDEN int syncmap__value_wrap(struct values *v, void *value, void **raw);
/* A value word that was never published goes back at once. */
HIDDEN void syncmap__value_discard(struct values *v, void *raw);
/* The value of a value word has left its map: released after a grace
 * period.  No atomic read-modify-write while the thread's ring has room;
 * never allocates, never fails. */
HIDDEN void syncmap__value_depart(struct values *v, void *raw);

/* 0, or ENOMEM, or EINVAL for a block misaligned (as syncmap_create's
 * errno). */
HIDDEN int syncmap__values_new(const struct syncmap_value_ops *ops,
                               const struct mem *mem, struct values **out);
/* The map is gone: drops its reference, once its departures are queued. */
HIDDEN void syncmap__values_put_map(struct values *v);
/* Bytes of the map's allocator that the value side holds now, and those
 * of it waiting to be released. */
HIDDEN size_t syncmap__values_bytes(struct values *v, size_t *pending);

/* The departure stack, for reclaim.c's queue, under the queue's lock:
 * takes everything pushed so far; then, after rule 4's fence, puts it in
 * the order the values left, stamped with epoch, counting each box's
 * reference.  *last and *n describe the chain. */
HIDDEN struct deferred *syncmap__values_take(void);
HIDDEN struct deferred *syncmap__values_stamp(struct deferred *d,
                                              uintptr_t epoch,
                                              struct deferred **last,
                                              size_t *n);
/* Anything departed that a poll could take: on the stack, in this
 * thread's ring, or (the hint) in some ring. */
HIDDEN bool syncmap__values_departed(void);
/* Takes the hint that some ring holds boxes, clearing it. */
HIDDEN bool syncmap__values_rings_used(void);
/* Pushes the boxes of r's ring onto the chain d, newest first as the
 * stack has them; under the queue's lock (and the registry's, for a
 * record not the caller's). */
HIDDEN struct deferred *syncmap__values_drain(struct reader *r,
                                              struct deferred *d);

#endif /* SYNCMAP_VALUES_H */
