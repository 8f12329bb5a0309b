/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * debug.c - the hooks of debug.h.  Nothing here runs in a user's program.
 */
#include <stdbool.h>

#include "debug.h"
#include "map.h"

struct tally {
	size_t entries, live, live_weight, expunged, held;
	const char *err;
};

/* Relaxed loads throughout: verify runs on a quiescent map, under the
 * mutex. */
static void
tally_entry(struct tally *c, struct entry *e, bool in_dirty, bool dirty_exists)
{
	void *p = atomic_load_explicit(&e->p, memory_order_relaxed);

	c->entries++;
	c->held += entry_size(e->klen);
	if (p == EXPUNGED) {
		c->expunged++;
		if (in_dirty)
			c->err = "I2: an expunged entry is in dirty";
		else if (!dirty_exists)
			c->err = "I3: an expunged entry in read without dirty";
	} else if (p != NULL) {
		c->live++;
		c->live_weight += entry_weight(e);
	}
}

/* Signed, so that a live counter left below zero is caught, not read as
 * a huge size. */
static void
check_counter(struct tally *c, size_t walked, ptrdiff_t counter,
              const char *err)
{
	if ((ptrdiff_t)walked != counter)
		c->err = err;
}

const char *
syncmap__verify(syncmap_t *m)
{
	struct tally c = { 0 };
	struct table *r, *d;
	const struct slot *s;
	struct entry *in_dirty;
	uintptr_t rw;
	size_t pos;

	syncmap__lock(m);
	rw = load_read(m);
	r = table_of(rw);
	d = m->dirty;
	c.held = MAP_BLOCK + (r != TABLE_EMPTY ? table_size(r) : 0);
	if ((rw & AMENDED) && d == NULL)
		c.err = "I1: amended without dirty";
	for (pos = 0; (s = table_next(r, &pos)) != NULL;) {
		if (table_find(r, s->hash, s->e->key, s->e->klen) != s->e)
			c.err = "read: an entry is not where a lookup finds it";
		in_dirty = d != NULL ? table_find(d, s->hash, s->e->key, s->e->klen) : NULL;
		if (in_dirty == NULL) {
			if (d != NULL && atomic_load_explicit(&s->e->p,
			    memory_order_relaxed) != EXPUNGED)
				c.err = "I2: an entry of read is neither in dirty nor expunged";
			tally_entry(&c, s->e, false, d != NULL);
		} else if (in_dirty != s->e) {
			c.err = "I4: read and dirty hold different entries for one key";
		}
	}
	if (d != NULL) {
		if (d != TABLE_EMPTY)
			c.held += table_size(d);
		for (pos = 0; (s = table_next(d, &pos)) != NULL;) {
			if (table_find(d, s->hash, s->e->key, s->e->klen) != s->e)
				c.err = "dirty: an entry is not where a lookup finds it";
			tally_entry(&c, s->e, true, true);
		}
	}
	check_counter(&c, c.entries, (ptrdiff_t)atomic_load_explicit(&m->entries,
	    memory_order_relaxed), "I5: entries counter is off");
	check_counter(&c, c.live, atomic_load_explicit(&m->live,
	    memory_order_relaxed), "I5: live counter is off");
	check_counter(&c, c.live_weight, atomic_load_explicit(&m->live_weight,
	    memory_order_relaxed), "I5: live weight counter is off");
	if (c.expunged != m->expunged)
		c.err = "I5: expunged counter is off";
	if (c.held != atomic_load_explicit(&m->mem.bytes, memory_order_relaxed) -
	    atomic_load_explicit(&m->mem.pending, memory_order_relaxed))
		c.err = "bytes held differ from tables + entries + map";
	pthread_mutex_unlock(&m->mu);
	return c.err;
}

size_t
syncmap__map_bytes(void)
{
	return MAP_BLOCK;
}

uint64_t
syncmap__hash_of(syncmap_t *m, const void *key, size_t klen)
{
	return syncmap__hash(m->seed, key, klen);
}

size_t
syncmap__longest_run(syncmap_t *m)
{
	struct table *t = table_of(load_read(m));
	size_t i, run = 0, longest = 0;

	for (i = 0; i <= 2 * t->mask + 1; i++) {
		run = t->slots[i & t->mask].e != NULL ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	return longest;
}

int
syncmap__peek(syncmap_t *m, const void *key, size_t klen, void **value)
{
	struct entry *e = table_find(table_of(load_read(m)),
	    syncmap__hash(m->seed, key, klen), key, klen);
	void *raw = e != NULL ? entry_load(e) : NULL;

	if (raw == NULL)
		return 0;
	*value = value_of(m->vals, raw);
	return 1;
}
