/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * debug.c - the hooks of debug.h.  Nothing here runs in a user's program.
 */
#include <stdbool.h>

#include "debug.h"
#include "map.h"

struct tally {
	size_t entries, live, live_weight, expunged, expunged_bytes, held;
	size_t uncopied;                /* read's entries from copy_pos on */
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
		c->expunged_bytes += entry_size(e->klen);
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

static size_t
size_if(const struct table *t)
{
	return t != NULL && t != TABLE_EMPTY ? table_size(t) : 0;
}

/* What dirty can grow to without asking the allocator (table.h). */
static size_t
room_held(const struct dirty *d)
{
	size_t held = table_room(d->t);

	if (table_room(d->next) > held)
		held = table_room(d->next);
	if (table_room(d->reserve) > held)
		held = table_room(d->reserve);
	return held;
}

/* Read's entries against dirty (I2, I4), with the part a copy under way
 * has not reached yet, which must be in read alone and not expunged. */
static void
check_read(struct syncmap *m, struct tally *c, const struct table *r)
{
	const struct dirty *d = &m->dirty;
	struct entry *e, *in_dirty;
	size_t i;

	for (i = 0; i <= r->mask; i++) {
		if ((e = r->slots[i].e) == NULL)
			continue;
		if (table_find(r, r->slots[i].hash, e->key, e->klen) != e)
			c->err = "read: an entry is not where a lookup finds it";
		in_dirty = d->t != NULL ?
		    dirty_find(d, r->slots[i].hash, e->key, e->klen) : NULL;
		if (m->copying && i >= m->copy_pos) {
			if (in_dirty != NULL || atomic_load_explicit(&e->p,
			    memory_order_relaxed) == EXPUNGED)
				c->err = "I2: an entry the copy has not reached is in dirty or expunged";
			c->uncopied++;
			tally_entry(c, e, false, true);
		} else if (in_dirty == NULL) {
			if (d->t != NULL && atomic_load_explicit(&e->p,
			    memory_order_relaxed) != EXPUNGED)
				c->err = "I2: an entry of read is neither in dirty nor expunged";
			tally_entry(c, e, false, d->t != NULL);
		} else if (in_dirty != e) {
			c->err = "I4: read and dirty hold different entries for one key";
		}
	}
}

/* One table of dirty: every entry where a lookup in it finds it, and (for
 * t) in no other. */
static void
check_dirty(struct tally *c, const struct table *t, const struct table *other)
{
	const struct slot *s;
	size_t pos = 0;

	while ((s = table_next(t, &pos)) != NULL) {
		if (table_find(t, s->hash, s->e->key, s->e->klen) != s->e)
			c->err = "dirty: an entry is not where a lookup finds it";
		if (other != NULL &&
		    table_find(other, s->hash, s->e->key, s->e->klen) != NULL)
			c->err = "dirty: a key is in both t and old";
		tally_entry(c, s->e, true, true);
	}
}

/* The stale table's entries still to retire: expunged, in no other
 * table, as many as stale_left says.  Slots before stale_pos may point at
 * entries already freed, so they are not looked at. */
static void
check_stale(struct syncmap *m, struct tally *c)
{
	size_t i, n = 0, bytes = 0;
	struct entry *e;

	if (m->stale == NULL) {
		if (m->stale_left != 0 || m->stale_bytes != 0)
			c->err = "stale: counts without a stale table";
		return;
	}
	for (i = m->stale_pos; i <= m->stale->mask; i++) {
		e = m->stale->slots[i].e;
		if (e == NULL || atomic_load_explicit(&e->p,
		    memory_order_relaxed) != EXPUNGED)
			continue;
		n++;
		bytes += entry_size(e->klen);
		c->entries++;
		c->held += entry_size(e->klen);
	}
	if (n != m->stale_left)
		c->err = "stale: stale_left is off";
	if (bytes + table_size(m->stale) != m->stale_bytes)
		c->err = "stale: stale_bytes is off";
}

const char *
syncmap__verify(syncmap_t *m)
{
	struct tally c = { 0 };
	struct table *r;
	uintptr_t rw;

	syncmap__lock(m);
	rw = load_read(m);
	r = table_of(rw);
	c.held = MAP_BLOCK + size_if(r) + size_if(m->dirty.t) +
	    size_if(m->dirty.old) + size_if(m->dirty.next) +
	    size_if(m->dirty.reserve) + size_if(m->stale) +
	    atomic_load_explicit(&m->mem.unmapping_bytes, memory_order_relaxed);
	if ((rw & AMENDED) && m->dirty.t == NULL)
		c.err = "I1: amended without dirty";
	if (m->copying && m->dirty.t == NULL)
		c.err = "a copy under way without dirty";
	if (m->dirty.old != NULL && m->dirty.old->mask >= m->dirty.t->mask)
		c.err = "dirty: old is no smaller than t";
	check_read(m, &c, r);
	if (m->dirty.t != NULL) {
		check_dirty(&c, m->dirty.t, m->dirty.old);
		if (m->dirty.old != NULL)
			check_dirty(&c, m->dirty.old, NULL);
	}
	if (m->copying && c.uncopied != m->copy_left)
		c.err = "copy_left is off";
	if (m->copying && (rw & AMENDED) &&
	    dirty_count(&m->dirty) + m->copy_left > room_held(&m->dirty))
		c.err = "dirty: no room held for what the copy has left";
	if (!m->copying && m->dirty.reserve != NULL)
		c.err = "dirty: a reserve without a copy";
	if (c.expunged != m->expunged)
		c.err = "I5: expunged counter is off";
	if (c.expunged_bytes != m->expunged_bytes)
		c.err = "I5: expunged bytes are off";
	check_stale(m, &c);
	check_counter(&c, c.entries, (ptrdiff_t)atomic_load_explicit(&m->entries,
	    memory_order_relaxed), "I5: entries counter is off");
	check_counter(&c, c.live, atomic_load_explicit(&m->live,
	    memory_order_relaxed), "I5: live counter is off");
	check_counter(&c, c.live_weight, atomic_load_explicit(&m->live_weight,
	    memory_order_relaxed), "I5: live weight counter is off");
	if (c.held != atomic_load_explicit(&m->mem.bytes, memory_order_relaxed) -
	    atomic_load_explicit(&m->mem.pending, memory_order_relaxed))
		c.err = "bytes held differ from tables + entries + map";
	pthread_mutex_unlock(&m->mu);
	return c.err;
}

/* Tests reach the states in between with small slices. */
size_t
syncmap__set_slice(syncmap_t *m, size_t units)
{
	size_t was;

	syncmap__lock(m);
	was = m->slice;
	m->slice = units;
	syncmap__unlock(m);
	return was;
}

/* What is under way, for the tests that must see each state. */
unsigned int
syncmap__work_state(syncmap_t *m)
{
	unsigned int s = 0;

	syncmap__lock(m);
	s |= m->copying ? SYNCMAP_WORK_COPY : 0;
	s |= m->dirty.old != NULL ? SYNCMAP_WORK_MOVE : 0;
	s |= m->dirty.next != NULL ? SYNCMAP_WORK_ZERO : 0;
	s |= m->stale != NULL ? SYNCMAP_WORK_STALE : 0;
	s |= atomic_load_explicit(&m->compacting, memory_order_relaxed) ?
	    SYNCMAP_WORK_COMPACT : 0;
	pthread_mutex_unlock(&m->mu);
	return s;
}

/* Growths that had to finish at once (table.h). */
uint64_t
syncmap__stalls(syncmap_t *m)
{
	uint64_t n;

	syncmap__lock(m);
	n = m->dirty.stalls;
	pthread_mutex_unlock(&m->mu);
	return n;
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
