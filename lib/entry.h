/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * entry.h - one key and its value slot, shared by the read and dirty tables.
 *
 * p is Go's entry.p, with three states:
 *   a value   the key is present; a stored NULL is kept as NULL_VALUE, so
 *             that it stays distinct from nil without a box per store;
 *   NULL      nil: deleted, and the entry is in dirty or dirty is absent;
 *   EXPUNGED  deleted, dirty exists and the entry is not in it, or the entry
 *             has left every table (then it is retired and stays expunged).
 *
 * Lock-free paths move p between value and nil only; EXPUNGED is set and
 * cleared under the map's mutex.  A lock-free path that finds EXPUNGED falls
 * back to the mutex, where the current read table decides.  Because every
 * entry is made EXPUNGED before it leaves the tables, an operation racing on
 * a stale read table can never revive or count an entry nobody indexes.
 *
 * Loads are acquire and updates release, so a value's contents, written
 * before the store, are seen by whoever loads the value (the memory-model
 * guarantee of syncmap.h).  docs/design.md has the state diagram.
 */
#ifndef SYNCMAP_ENTRY_H
#define SYNCMAP_ENTRY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "compiler.h"
#include "mem.h"
#include "reclaim.h"

struct entry {
	/* The link once retired; before that, compaction may thread a
	 * list of doomed entries through it (nobody else touches it). */
	struct retired retire;
	_Atomic(void *) p;
	size_t klen;
	unsigned char key[];
};

HIDDEN extern char syncmap__marks[2];
#define EXPUNGED ((void *)&syncmap__marks[0])
#define NULL_VALUE ((void *)&syncmap__marks[1])

static inline void *
encode(void *value)
{
	return value == NULL ? NULL_VALUE : value;
}

static inline bool
is_value(void *raw)
{
	return raw != NULL && raw != EXPUNGED;
}

/* The unit the bounded rule weighs live keys in (docs/design.md). */
static inline size_t
entry_weight(const struct entry *e)
{
	return e->klen + 64;
}

static inline size_t
entry_size(size_t klen)
{
	return offsetof(struct entry, key) + klen;
}

/* Go: entry.load.  The raw value, or NULL if deleted or expunged. */
static inline void *
entry_load(struct entry *e)
{
	void *p = atomic_load_explicit(&e->p, memory_order_acquire);

	return is_value(p) ? p : NULL;
}

/* Go: entry.trySwap.  Stores raw unless expunged; *old gets what was there
 * (a value or nil). */
static inline bool
entry_try_swap(struct entry *e, void *raw, void **old)
{
	void *p = atomic_load_explicit(&e->p, memory_order_relaxed);

	do {
		if (p == EXPUNGED)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(&e->p, &p, raw,
	    memory_order_acq_rel, memory_order_relaxed));
	*old = p;
	return true;
}

/* Go: entry.tryLoadOrStore.  False if expunged; otherwise *actual is the
 * value found, or NULL if raw was stored into a deleted entry. */
static inline bool
entry_try_load_or_store(struct entry *e, void *raw, void **actual)
{
	void *p = atomic_load_explicit(&e->p, memory_order_acquire);

	for (;;) {
		if (p == EXPUNGED)
			return false;
		if (p != NULL) {
			*actual = p;
			return true;
		}
		if (atomic_compare_exchange_weak_explicit(&e->p, &p, raw,
		    memory_order_acq_rel, memory_order_acquire)) {
			*actual = NULL;
			return true;
		}
	}
}

/* Go: entry.delete.  The raw value deleted, or NULL if there was none. */
static inline void *
entry_delete(struct entry *e)
{
	void *p = atomic_load_explicit(&e->p, memory_order_acquire);

	do {
		if (!is_value(p))
			return NULL;
	} while (!atomic_compare_exchange_weak_explicit(&e->p, &p, NULL,
	    memory_order_acq_rel, memory_order_acquire));
	return p;
}

/* Go: entry.tryExpungeLocked.  True if the entry is (now) expunged. */
static inline bool
entry_try_expunge_locked(struct entry *e)
{
	void *p = NULL;

	while (!atomic_compare_exchange_weak_explicit(&e->p, &p, EXPUNGED,
	    memory_order_relaxed, memory_order_relaxed)) {
		if (p != NULL)
			return p == EXPUNGED;
	}
	return true;
}

/* Go: entry.unexpungeLocked.  True if the entry was expunged. */
static inline bool
entry_unexpunge_locked(struct entry *e)
{
	void *p = EXPUNGED;

	return atomic_compare_exchange_strong_explicit(&e->p, &p, NULL,
	    memory_order_relaxed, memory_order_relaxed);
}

/* Go: entry.swapLocked.  The entry is not expunged. */
static inline void *
entry_swap_locked(struct entry *e, void *raw)
{
	return atomic_exchange_explicit(&e->p, raw, memory_order_acq_rel);
}

/* Marks an entry that leaves every table; returns what it held. */
static inline void *
entry_orphan_locked(struct entry *e)
{
	return atomic_exchange_explicit(&e->p, EXPUNGED, memory_order_acq_rel);
}

HIDDEN struct entry *syncmap__entry_new(struct mem *mem, const void *key,
                                        size_t klen, void *raw);
HIDDEN void syncmap__entry_free(struct mem *mem, struct entry *e);
HIDDEN void syncmap__entry_reclaim(struct retired *o);

#endif /* SYNCMAP_ENTRY_H */
