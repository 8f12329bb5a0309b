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

struct table *
syncmap__table_new(struct mem *mem, size_t n)
{
	size_t bytes = syncmap__table_bytes(n);
	struct table *t;

	_Static_assert(_Alignof(struct table) <= MEM_ALIGN, "see mem.h");
	if (n == 0)
		return TABLE_EMPTY;
	if ((t = mem_alloc(mem, bytes)) == NULL)
		return NULL;
	memset(t, 0, bytes);
	t->mask = capacity_for(n) - 1;
	return t;
}

void
syncmap__table_free(struct mem *mem, struct table *t)
{
	if (t != TABLE_EMPTY)
		mem_free(mem, t, table_size(t));
}

CONTAINER(struct table, retire, table_of_retired)

void
syncmap__table_reclaim(struct retired *o)
{
	struct table *t = table_of_retired(o);

	mem_free_retired(syncmap__reclaim_mem(), t, table_size(t));
}

void
syncmap__table_insert(struct table *t, uint64_t hash, struct entry *e)
{
	size_t i = hash & t->mask;

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
		home = t->slots[j].hash & t->mask;
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
