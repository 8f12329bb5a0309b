/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * table.h - the hash table behind both read and dirty.
 *
 * Open addressing with linear probing over a power-of-two array of slots.
 * A slot keeps the key's full hash beside the entry pointer, so a probe
 * dereferences an entry only when the hashes match.  The load factor stays
 * at or below 3/4, so a probe always ends at an empty slot.
 *
 * A table is written only while it is a map's dirty table, under the map's
 * mutex.  Once published as read it is immutable: lock-free lookups read
 * its slots with plain loads, ordered by the acquire load of the pointer.
 */
#ifndef SYNCMAP_TABLE_H
#define SYNCMAP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "compiler.h"
#include "entry.h"
#include "hash.h"
#include "mem.h"
#include "reclaim.h"

struct slot {
	uint64_t hash;
	struct entry *e;          /* NULL = empty */
};

/*
 * A key's home slot is (hash >> shift) & mask, and a new dirty table takes
 * the other shift from read's (0 or 32: tables have fewer than 2^32
 * slots).  Why: the copy walks read in slot order, that is in the order
 * of its home bits, and inserts into a dirty table that is smaller than
 * read while it grows.  With the same home bits, read's slots p and
 * p + capacity(dirty) land on the same home, so the second pass over the
 * home range piles onto the runs of the first, and the runs merge into
 * one that every insert walks: at ten million keys the copy went
 * quadratic (15 minutes of one slice, found by the pause benchmark), as
 * Rust's HashMap did in 2016 when one map was copied into a smaller one.
 * Other bits make the copy's inserts land at random.  The pad keeps the
 * slots 16-byte aligned, so that none straddles two cache lines.
 */
struct table {
	struct retired retire;
	size_t mask;              /* capacity - 1 */
	size_t count;
	unsigned int shift;
	unsigned int pad[3];
	struct slot slots[];
};

static inline size_t
table_home(const struct table *t, uint64_t hash)
{
	return (size_t)(hash >> t->shift) & t->mask;
}

/* The shift of a dirty table copied from (or growing beside) read r. */
static inline unsigned int
table_shift_beside(const struct table *r)
{
	return r->shift ^ 32;
}

/* The table of an empty map: shared, never written, never freed.  It has
 * no room, so a dirty table that starts as this one grows on first insert. */
HIDDEN extern struct table syncmap__table_empty;
#define TABLE_EMPTY (&syncmap__table_empty)

/* The slot where a probe for the key stops: the key's, or an empty one. */
static inline size_t
table_probe(const struct table *t, uint64_t hash, const void *key, size_t klen)
{
	size_t i = table_home(t, hash);
	const struct slot *s;

	for (;; i = (i + 1) & t->mask) {
		s = &t->slots[i];
		if (s->e == NULL)
			return i;
		if (s->hash == hash && s->e->klen == klen &&
		    key_equal(s->e->key, key, klen))
			return i;
	}
}

static inline struct entry *
table_find(const struct table *t, uint64_t hash, const void *key, size_t klen)
{
	return t->slots[table_probe(t, hash, key, klen)].e;
}

static inline size_t
table_size(const struct table *t)
{
	return offsetof(struct table, slots) + (t->mask + 1) * sizeof(struct slot);
}

/* The entries t holds at a load of 3/4 at most (NULL: none). */
static inline size_t
table_room(const struct table *t)
{
	return t != NULL ? (t->mask + 1) / 4 * 3 : 0;
}

/* True if one more entry fits without growing. */
static inline bool
table_has_room(const struct table *t)
{
	return (t->count + 1) * 4 <= (t->mask + 1) * 3;
}

/*
 * A walk over every slot of a table, each slot once, in an order set by a
 * random number.  It first tries 16 slots of a random permutation (start
 * + k * stride, stride odd), so that the first key it meets is about
 * equally likely to be any key; then it scans the table in memory order,
 * which is fast, skipping those 16: slot i was one of them if
 * (i - start) / stride, computed mod 2^64 with stride's inverse, is below
 * 16.  A walk from a fixed or a random slot instead meets first the key
 * after the longest gap, which is what made Go's AdversarialDelete pack
 * the keys into long runs (see syncmap_range).  The empty table's one
 * slot makes its walk end at once.
 */
#define WALK_RANDOM 16

struct walk {
	size_t start, stride, inverse, k, pos;
};

static inline struct walk
table_walk(uint64_t random)
{
	size_t stride = (size_t)(random >> 32) | 1, inverse = stride;
	int i;

	/* Newton's iteration: each step doubles the number of low bits in
	 * which stride * inverse agrees with 1, from 3 (an odd number is its
	 * own inverse mod 8) to 96 after five steps. */
	for (i = 0; i < 5; i++)
		inverse *= 2 - stride * inverse;
	return (struct walk){ (size_t)random, stride, inverse, 0, 0 };
}

/* The next occupied slot of the walk, or NULL at its end. */
static inline const struct slot *
table_walk_next(const struct table *t, struct walk *w)
{
	const struct slot *s;
	size_t i;

	while (w->k < WALK_RANDOM && w->k <= t->mask) {
		s = &t->slots[(w->start + w->k++ * w->stride) & t->mask];
		if (s->e != NULL)
			return s;
	}
	while (w->pos <= t->mask) {
		i = w->pos++;
		if ((((i - w->start) * w->inverse) & t->mask) < WALK_RANDOM)
			continue;
		s = &t->slots[i];
		if (s->e != NULL)
			return s;
	}
	return NULL;
}

/* The next occupied slot at or after *pos, or NULL at the end. */
static inline const struct slot *
table_next(const struct table *t, size_t *pos)
{
	const struct slot *s;

	while (*pos <= t->mask) {
		s = &t->slots[(*pos)++];
		if (s->e != NULL)
			return s;
	}
	return NULL;
}

/*
 * Go's m.dirty: a table that takes inserts and, under a slice budget
 * (SYNCMAP_BOUNDED), grows without a pause, as Redis dict rehashes in
 * steps.  Every insert pays for a little of the growth: from 5/8 load it
 * zeroes 32 slots of next, a table twice t's size, so that next is ready
 * before t reaches 3/4; then next becomes t, and the table it grew out
 * of, old, moves into it one cluster (a run of occupied slots between two
 * empty ones) at a time, at 4 slots per insert, which empties old long
 * before t is at 5/8 again.  Moving whole clusters keeps old a valid
 * linear-probing table meanwhile: a key's home slot and its slot lie in
 * one cluster, so a lookup or a backward-shift removal in old never
 * crosses into the part already moved, which is all empty.  Lookups look
 * in t, then in old.  Without a budget (SYNCMAP_CLASSIC) t grows at once,
 * as Go's map does, and old and next are never used.
 *
 * Growth allocates, and the allocator may refuse; Store may then fail, but
 * a copy of read under way must not stall for good once read is amended
 * (Range has to finish it then, and must not fail).  So such a copy holds
 * a reserve: a table, not zeroed, with room for every entry it may still
 * add, taken by the Store that amends read (the one that begins the copy,
 * or the first new key during a compaction's copy), which fails if it
 * cannot have it, and kept so by every call that adds to dirty while the
 * copy runs.  A growth that cannot get a table zeroes the reserve at once
 * and takes it; the reserve goes as soon as t or next has room enough
 * anyway.  A compaction's copy before any new key takes none: Range need
 * not finish it, and it waits if the allocator refuses.
 */
struct dirty {
	struct table *t;          /* NULL: no dirty; TABLE_EMPTY: empty */
	struct table *old;        /* moving into t, or NULL */
	size_t old_pos;           /* old's next slot to move (mod its size) */
	size_t old_left;          /* slots of old still to visit */
	struct table *next;       /* being zeroed, or NULL */
	size_t zeroed;            /* next's slots zeroed so far */
	struct table *reserve;    /* not zeroed, for growth refused, or NULL */
	bool sliced;
	bool no_next;             /* next could not be had at this size */
	uint64_t stalls;          /* growths that had to finish at once */
};

static inline size_t
dirty_count(const struct dirty *d)
{
	return d->t->count + (d->old != NULL ? d->old->count : 0);
}

static inline struct entry *
dirty_find(const struct dirty *d, uint64_t hash, const void *key, size_t klen)
{
	struct entry *e = table_find(d->t, hash, key, klen);

	if (e == NULL && d->old != NULL)
		e = table_find(d->old, hash, key, klen);
	return e;
}

/* A table with room for n entries whose homes take shift (TABLE_EMPTY
 * for 0 entries), or NULL. */
HIDDEN struct table *syncmap__table_new(struct mem *mem, size_t n,
                                        unsigned int shift);
HIDDEN void syncmap__table_free(struct mem *mem, struct table *t);
HIDDEN void syncmap__table_reclaim(struct retired *o);
/* Adds an entry whose key is absent; the table has room. */
HIDDEN void syncmap__table_insert(struct table *t, uint64_t hash,
                                  struct entry *e);
/* Removes and returns the key's entry, or NULL if absent. */
HIDDEN struct entry *syncmap__table_remove(struct table *t, uint64_t hash,
                                           const void *key, size_t klen);
/* Bytes a table with room for n entries takes, or 0 if it cannot exist. */
HIDDEN size_t syncmap__table_bytes(size_t n);

/* dirty becomes t (a table of its own, or TABLE_EMPTY), growing at once
 * or in slices. */
HIDDEN void syncmap__dirty_init(struct dirty *d, struct table *t, bool sliced);
/* Frees every table of d, which becomes none. */
HIDDEN void syncmap__dirty_free(struct dirty *d, struct mem *mem);
/* Makes room for one more entry: 0, or the allocator's error. */
HIDDEN int syncmap__dirty_reserve(struct dirty *d, struct mem *mem);
/* Makes sure that d can grow to n entries even if the allocator refuses
 * from here on: t or next has room for them, or the reserve has.  0, or
 * the allocator's error, d unchanged. */
HIDDEN int syncmap__dirty_reserve_for(struct dirty *d, struct mem *mem,
                                      size_t n);
/* Adds an entry whose key is absent, after a reserve; then pays for a
 * little of the growth. */
HIDDEN void syncmap__dirty_insert(struct dirty *d, struct mem *mem,
                                  uint64_t hash, struct entry *e);
HIDDEN struct entry *syncmap__dirty_remove(struct dirty *d, uint64_t hash,
                                           const void *key, size_t klen);
/* Moves up to about slots slots of old into t. */
HIDDEN void syncmap__dirty_settle(struct dirty *d, struct mem *mem,
                                  size_t slots);
/* Bytes held by the tables of d other than t, which growth holds only
 * for a while. */
HIDDEN size_t syncmap__dirty_growth_bytes(const struct dirty *d);

#endif /* SYNCMAP_TABLE_H */
