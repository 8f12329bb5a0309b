/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * iter.h - the one walk over a map that syncmap_range and syncmap_iter
 * share (iter.c): open a read-side section, promote like Go's Range, take
 * the read table as the snapshot, and visit its slots in a random order.
 *
 * Why a snapshot of one table is enough for Range's promises: a table
 * indexes each key at most once, and the walk visits each slot once, so
 * no key is yielded twice.  A key present and untouched for the whole
 * walk keeps its entry (promotion and compaction move entries between
 * tables, never copy them; only deletion and Clear retire an entry), so
 * the snapshot reaches it and finds a value.  The section, open before
 * the read table is loaded and until the walk is closed, keeps the table,
 * its entries and their keys from being freed (docs/design.md, rule 2),
 * whatever the loop body does to the map.
 */
#ifndef SYNCMAP_ITER_H
#define SYNCMAP_ITER_H

#include "map.h"

/*
 * The walk's state, kept in the caller's syncmap_iter_t.  may_alias: the
 * caller's storage is declared as an array of uintptr_t, and this type is
 * how the library reads and writes it, so the compiler must not assume the
 * two never overlap.
 */
struct iter {
	struct syncmap *m;        /* NULL: no map, or no section */
	struct reader *rec;       /* the section held; NULL if none */
	struct table *t;          /* the snapshot; TABLE_EMPTY yields nothing */
	unsigned long clears;     /* m->clears when t was loaded: even */
	struct walk w;
} __attribute__((may_alias));

/*
 * Opens a walk of m.  0, or -ENOMEM if no read-side section could be had
 * (the calling thread's first call, with no reader record to be had: see
 * syncmap.h); then *it is a walk that yields nothing and holds nothing,
 * and closing it is still right.
 */
HIDDEN int syncmap__iter_open(struct syncmap *m, struct iter *it);
/* Closes the section; *it then yields nothing. */
HIDDEN void syncmap__iter_close(struct iter *it);

/*
 * The next entry that holds a value, with *value its value as loaded
 * now, or NULL at the end (and after it, again).
 *
 * Clear takes effect when it publishes the empty read, and orphans the
 * old table's entries after that (syncmap.c): in between, an entry of the
 * snapshot still holds a value the map no longer has.  Clear makes the
 * count of clears odd before publishing, so a value loaded before the
 * count is seen unchanged was loaded before Clear took effect; once it
 * has changed, every entry of the snapshot has left the map, or is about
 * to, and the walk ends.
 */
static inline struct entry *
iter_step(struct iter *it, void **value)
{
	const struct slot *s;
	void *raw;

	while ((s = table_walk_next(it->t, &it->w)) != NULL) {
		if ((raw = entry_load(s->e)) == NULL)
			continue;
		/* Relaxed: entry_load's acquire keeps this load after it. */
		if (atomic_load_explicit(&it->m->clears, memory_order_relaxed) != it->clears)
			break;
		*value = value_of(it->m->vals, raw);
		return s->e;
	}
	it->t = TABLE_EMPTY;
	return NULL;
}

#endif /* SYNCMAP_ITER_H */
