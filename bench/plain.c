/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * plain.c - the table of plain.h.
 *
 * Its probe and backward-shift delete repeat lib/table.c's on purpose:
 * the library's table holds entries under ck_epoch rules and is hidden
 * behind -fvisibility=hidden, while this one is the peers' single-threaded
 * baseline and must stay fixed when the library's table changes, or the
 * lock-based peers would be measured against a moving target.
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "plain.h"

#define MIN_SLOTS 8

static size_t
slots_for(size_t n)
{
	size_t cap = MIN_SLOTS;

	while (cap / 4 * 3 < n)
		cap *= 2;
	return cap;
}

static void
alloc_slots(struct plain *t, size_t cap)
{
	t->slots = bench_xmalloc(cap * sizeof(*t->slots));
	memset(t->slots, 0, cap * sizeof(*t->slots));
	t->mask = cap - 1;
	t->count = 0;
}

void
plain_init(struct plain *t, size_t hint)
{
	alloc_slots(t, slots_for(hint));
}

static void
free_nodes(struct plain *t)
{
	size_t i;

	for (i = 0; i <= t->mask; i++)
		free(t->slots[i].n);
}

void
plain_fini(struct plain *t)
{
	free_nodes(t);
	free(t->slots);
}

void
plain_reset(struct plain *t)
{
	plain_fini(t);
	alloc_slots(t, MIN_SLOTS);
}

static size_t
probe(const struct plain *t, uint64_t h, const void *k, size_t kl)
{
	size_t i = h & t->mask;
	const struct pslot *s;

	for (;; i = (i + 1) & t->mask) {
		s = &t->slots[i];
		if (s->n == NULL || (s->hash == h && s->n->klen == kl &&
		    key_equal(s->n->key, k, kl)))
			return i;
	}
}

struct pnode *
plain_find(const struct plain *t, uint64_t h, const void *k, size_t kl)
{
	return t->slots[probe(t, h, k, kl)].n;
}

static void
grow(struct plain *t)
{
	struct pslot *old = t->slots;
	size_t i, n = t->mask + 1, count = t->count;

	alloc_slots(t, n * 2);
	for (i = 0; i < n; i++)
		if (old[i].n != NULL)
			t->slots[probe(t, old[i].hash, old[i].n->key, old[i].n->klen)] = old[i];
	t->count = count;
	free(old);
}

struct pnode *
plain_add(struct plain *t, uint64_t h, const void *k, size_t kl, uintptr_t v)
{
	struct pnode *n = bench_xmalloc(sizeof(*n) + kl);

	if ((t->count + 1) * 4 > (t->mask + 1) * 3)
		grow(t);
	n->value = v;
	n->klen = kl;
	if (kl > 0)
		memcpy(n->key, k, kl);
	t->slots[probe(t, h, k, kl)] = (struct pslot){ h, n };
	t->count++;
	return n;
}

int
plain_remove(struct plain *t, uint64_t h, const void *k, size_t kl, uintptr_t *v)
{
	size_t i = probe(t, h, k, kl), j, home;

	if (t->slots[i].n == NULL)
		return 0;
	*v = t->slots[i].n->value;
	free(t->slots[i].n);
	/* Backward shift: pull later members of the run into the hole when
	 * their home slot does not lie cyclically in (hole, their slot]. */
	for (j = (i + 1) & t->mask; t->slots[j].n != NULL; j = (j + 1) & t->mask) {
		home = t->slots[j].hash & t->mask;
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	t->slots[i].n = NULL;
	t->count--;
	return 1;
}
