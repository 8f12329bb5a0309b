/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * table.c - growing, filling and emptying tables.  Lookups are inline in
 * table.h.
 */
#include "reclaim.h"
#include "table.h"

struct table syncmap__table_empty = { .mask = 0, .count = 0, .slots = { { 0, NULL } } };

#define MIN_CAPACITY 8

/* The smallest power of two, at least MIN_CAPACITY, that holds n entries
 * at a load of 3/4; 0 if that overflows. */
static size_t
capacity_for(size_t n)
{
	size_t cap = MIN_CAPACITY;

	if (n > SIZE_MAX / 8)
		return 0;
	while (cap * 3 < n * 4)
		cap *= 2;
	return cap;
}

static size_t
size_of(size_t cap)
{
	return offsetof(struct table, slots) + cap * sizeof(struct slot);
}

size_t
syncmap__table_bytes(size_t n)
{
	size_t cap = capacity_for(n);

	if (n == 0)
		return 0;
	if (cap == 0 || cap > (SIZE_MAX - size_of(0)) / sizeof(struct slot))
		return 0;
	return size_of(cap);
}

/* A table's block: a big one is the map's own mapping, which comes
 * zeroed (*zero), under the default allocator (mem.c says why). */
static struct table *
table_alloc(struct mem *mem, size_t bytes, bool *zero)
{
	*zero = mem->maps_big && bytes >= MEM_BIG;
	return *zero ? syncmap__mem_map(mem, bytes) : mem_alloc(mem, bytes);
}

static void
table_release(struct mem *mem, struct table *t)
{
	size_t bytes = table_size(t);

	if (mem->maps_big && bytes >= MEM_BIG)
		syncmap__mem_unmap(mem, t, bytes);
	else
		mem_free(mem, t, bytes);
}

struct table *
syncmap__table_new(struct mem *mem, size_t n, unsigned int shift)
{
	size_t bytes = syncmap__table_bytes(n);
	struct table *t;
	bool zero;

	_Static_assert(_Alignof(struct table) <= MEM_ALIGN, "see mem.h");
	_Static_assert(offsetof(struct table, slots) % sizeof(struct slot) == 0,
	    "see table.h");
	if (n == 0)
		return TABLE_EMPTY;
	if ((t = table_alloc(mem, bytes, &zero)) == NULL)
		return NULL;
	if (!zero)
		memset(t, 0, bytes);
	t->mask = capacity_for(n) - 1;
	t->shift = shift;
	return t;
}

void
syncmap__table_free(struct mem *mem, struct table *t)
{
	if (t != TABLE_EMPTY)
		table_release(mem, t);
}

CONTAINER(struct table, retire, table_of_retired)

void
syncmap__table_reclaim(struct retired *o)
{
	struct table *t = table_of_retired(o);
	struct mem *mem = syncmap__reclaim_mem();

	mem_unretired(mem, table_size(t));
	table_release(mem, t);
}

void
syncmap__table_insert(struct table *t, uint64_t hash, struct entry *e)
{
	size_t i = table_home(t, hash);

	while (t->slots[i].e != NULL)
		i = (i + 1) & t->mask;
	t->slots[i].hash = hash;
	t->slots[i].e = e;
	t->count++;
}

/*
 * Backward-shift deletion: instead of leaving a tombstone, later entries of
 * the same probe run move up into the hole, so lookups and the load factor
 * never pay for removed keys.  An entry at j may fill the hole at i only if
 * its home slot does not lie cyclically in (i, j].
 */
struct entry *
syncmap__table_remove(struct table *t, uint64_t hash, const void *key,
                      size_t klen)
{
	size_t i = table_probe(t, hash, key, klen), j, home;
	struct entry *e = t->slots[i].e;

	if (e == NULL)
		return NULL;
	for (j = (i + 1) & t->mask; t->slots[j].e != NULL; j = (j + 1) & t->mask) {
		home = table_home(t, t->slots[j].hash);
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	t->slots[i].e = NULL;
	t->slots[i].hash = 0;
	t->count--;
	return e;
}

/* ---- dirty: growing in slices (table.h) ------------------------------- */

/* What each insert pays, in slots: enough, with room to spare, that next
 * is zeroed between 5/8 and 3/4 load (2C slots over C/8 inserts needs
 * 16) and old is gone before t is at 5/8 (C/2 slots over C/4 inserts
 * needs 2). */
#define ZERO_PER_INSERT 32
#define MOVE_PER_INSERT 4

void
syncmap__dirty_init(struct dirty *d, struct table *t, bool sliced)
{
	d->t = t;
	d->old = NULL;
	d->next = NULL;
	d->zeroed = 0;
	d->reserve = NULL;
	d->sliced = sliced;
	d->no_next = false;
}

void
syncmap__dirty_free(struct dirty *d, struct mem *mem)
{
	if (d->t != NULL)
		syncmap__table_free(mem, d->t);
	if (d->old != NULL)
		syncmap__table_free(mem, d->old);
	if (d->next != NULL)
		syncmap__table_free(mem, d->next);
	if (d->reserve != NULL)
		syncmap__table_free(mem, d->reserve);
	syncmap__dirty_init(d, NULL, d->sliced);
}

/* Moves the cluster that starts at old's slot i into t; returns its
 * length.  Each slot is emptied as it goes, so the cluster's keys are
 * never in both tables when the mutex is let go. */
static size_t
move_cluster(struct dirty *d, size_t i)
{
	struct table *old = d->old;
	struct slot *s;
	size_t n = 0;

	for (; (s = &old->slots[i & old->mask])->e != NULL; i++, n++) {
		syncmap__table_insert(d->t, s->hash, s->e);
		s->e = NULL;
		s->hash = 0;
		old->count--;
	}
	return n;
}

void
syncmap__dirty_settle(struct dirty *d, struct mem *mem, size_t slots)
{
	size_t n;

	while (d->old != NULL && slots > 0) {
		if (d->old_left == 0) {
			syncmap__table_free(mem, d->old);
			d->old = NULL;
			break;
		}
		n = move_cluster(d, d->old_pos) + 1;
		n = n < d->old_left ? n : d->old_left;
		d->old_pos += n;
		d->old_left -= n;
		slots = slots > n ? slots - n : 0;
	}
}

/* next takes over as t, and t starts to move into it.  The move starts
 * just after an empty slot (there is one: the load is at most 3/4), so
 * that it always stands at the start of a cluster. */
static void
swap_in_next(struct dirty *d)
{
	size_t i = 0;

	d->old = d->t;
	d->t = d->next;
	d->next = NULL;
	d->zeroed = 0;
	d->no_next = false;
	while (d->old->slots[i].e != NULL)
		i++;
	d->old_pos = i + 1;
	d->old_left = d->old->mask + 1;
}

/* A table of cap slots whose slots are not zeroed yet.  A mapping comes
 * zeroed, but is zeroed again all the same: the memset touches its pages
 * in order, a few per insert, where inserts would fault them in at random
 * places, some 300 in one slice (1.6 ms, measured by the pause
 * benchmark at a million keys). */
static struct table *
table_unzeroed(struct mem *mem, size_t cap, unsigned int shift)
{
	bool zero;
	struct table *t = table_alloc(mem, size_of(cap), &zero);

	if (t != NULL) {
		memset(t, 0, offsetof(struct table, slots));
		t->mask = cap - 1;
		t->shift = shift;
	}
	return t;
}

/* Zeroes up to n more slots of next; true once all are. */
static bool
zero_next(struct dirty *d, size_t n)
{
	size_t cap = d->next->mask + 1;

	n = n < cap - d->zeroed ? n : cap - d->zeroed;
	memset(&d->next->slots[d->zeroed], 0, n * sizeof(struct slot));
	d->zeroed += n;
	return d->zeroed == cap;
}

/* A table for n entries the allocator refused: the reserve, zeroed now,
 * if it has room. */
static struct table *
from_reserve(struct dirty *d, size_t n)
{
	struct table *t = d->reserve;

	if (t == NULL || table_room(t) < n)
		return NULL;
	d->reserve = NULL;
	memset(t->slots, 0, (t->mask + 1) * sizeof(struct slot));
	return t;
}

/* Growth at once: Go's, and the fallback of growth in slices when it is
 * behind (which the rates above rule out unless an allocation failed). */
static int
grow_now(struct dirty *d, struct mem *mem)
{
	struct table *t;
	size_t pos = 0;
	const struct slot *s;

	if (d->old != NULL || d->next != NULL || d->reserve != NULL)
		d->stalls++;
	syncmap__dirty_settle(d, mem, SIZE_MAX);
	if (d->next != NULL && d->next->mask + 1 < capacity_for(d->t->count + 1)) {
		syncmap__table_free(mem, d->next);
		d->next = NULL;
	}
	if (d->next != NULL) {
		zero_next(d, SIZE_MAX);
		t = d->next;
		d->next = NULL;
		d->zeroed = 0;
	} else if ((t = syncmap__table_new(mem, d->t->count + 1, d->t->shift)) == NULL &&
	    (t = from_reserve(d, d->t->count + 1)) == NULL) {
		return mem->error;
	}
	while ((s = table_next(d->t, &pos)) != NULL)
		syncmap__table_insert(t, s->hash, s->e);
	syncmap__table_free(mem, d->t);
	d->t = t;
	d->no_next = false;
	return 0;
}

int
syncmap__dirty_reserve_for(struct dirty *d, struct mem *mem, size_t n)
{
	struct table *t;

	if (n <= table_room(d->t) || n <= table_room(d->next)) {
		if (d->reserve != NULL)
			syncmap__table_free(mem, d->reserve);
		d->reserve = NULL;
		return 0;
	}
	if (n <= table_room(d->reserve))
		return 0;
	/* An eighth more, so that the calls that add to dirty during the
	 * copy seldom have to take a larger one. */
	if ((t = table_unzeroed(mem, capacity_for(n + n / 8), d->t->shift)) == NULL)
		return mem->error;
	if (d->reserve != NULL)
		syncmap__table_free(mem, d->reserve);
	d->reserve = t;
	return 0;
}

int
syncmap__dirty_reserve(struct dirty *d, struct mem *mem)
{
	if ((dirty_count(d) + 1) * 4 <= (d->t->mask + 1) * 3)
		return 0;
	if (d->sliced && d->old == NULL && d->next != NULL &&
	    d->zeroed == d->next->mask + 1) {
		swap_in_next(d);
		return 0;
	}
	return grow_now(d, mem);
}

void
syncmap__dirty_insert(struct dirty *d, struct mem *mem, uint64_t hash,
                      struct entry *e)
{
	size_t cap = d->t->mask + 1;

	syncmap__table_insert(d->t, hash, e);
	if (!d->sliced)
		return;
	if (d->old != NULL)
		syncmap__dirty_settle(d, mem, MOVE_PER_INSERT);
	else if (d->next == NULL && !d->no_next && dirty_count(d) * 8 >= cap * 5)
		d->no_next = (d->next = table_unzeroed(mem, 2 * cap,
		    d->t->shift)) == NULL;
	if (d->next != NULL)
		zero_next(d, ZERO_PER_INSERT);
}

/* In t, or in what is left of old (table.h says why that stays valid). */
struct entry *
syncmap__dirty_remove(struct dirty *d, uint64_t hash, const void *key,
                      size_t klen)
{
	struct entry *e = syncmap__table_remove(d->t, hash, key, klen);

	if (e == NULL && d->old != NULL)
		e = syncmap__table_remove(d->old, hash, key, klen);
	return e;
}

size_t
syncmap__dirty_growth_bytes(const struct dirty *d)
{
	return (d->old != NULL ? table_size(d->old) : 0) +
	    (d->next != NULL ? table_size(d->next) : 0) +
	    (d->reserve != NULL ? table_size(d->reserve) : 0);
}
