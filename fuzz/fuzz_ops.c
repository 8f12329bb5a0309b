/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_ops.c - libFuzzer harness: the input is a sequence of operations,
 * each checked against a model map as it runs.
 *
 * Byte 0 picks the policy (bit 0), whether the map manages its values
 * (bits 1 and 2: none; release; release and retain, twice as likely) and
 * a capacity hint (bits 3 to 7, times 4), laid out so that the seeds made
 * before values mode keep their meaning.  Then every three bytes are
 * one operation: an opcode, a key byte and a value index (8 values, NULL
 * included).  A key byte under 128 picks one of 16 keys of 0 to 15 bytes
 * (NUL bytes included) by its low 4 bits, as in the first seeds; 128 and
 * over, one of 128 more keys, of 16 to 143 bytes, enough for a map's
 * deleted keys to call for a compaction.  One opcode runs a syncmap_iter
 * loop, whose body (picked by the value byte) deletes the current key,
 * deletes the operation's key, clears the map or breaks off, each checked
 * against the model as it goes.  One opcode makes the map's next
 * allocation fail, so that -ENOMEM paths are fuzzed too: the failing call
 * must leave the model's view intact; with the key byte's bits 4 to 6 set
 * (1 to 7), it sets instead how much work in slices one call may do
 * (debug.h: 1, 4, 16 ... 4,096 units), so that calls land while a copy,
 * a growth of dirty, a stale scan or a compaction is under way.  The
 * map's internal self-check runs every 16 operations, and at the end the
 * allocator must be back to zero.
 *
 * Values mode: the 7 values are heap objects with a magic number and an
 * id, in slots; the value byte's bit 7 first puts a new object in its
 * slot (the old one lives on while the map holds it), and bit 3 makes
 * Load, LoadOrStore, LoadAndDelete and Swap pass NULL for their
 * out-pointer.  A ledger follows each object: references the map took,
 * departures the model saw, releases the map made.  Every release must
 * be of an object handed over and owed, and none may come while a
 * section open at its departure is still open: each value a call hands
 * back is checked inside a section (or, with retain, outside any, after
 * exactly one retain, and then dropped), and a Load whose value byte has
 * bits 4 to 6 set opens, or closes, a section held across operations.
 * An object whose last reference goes is marked dead at once and freed
 * after the operation, so that a use is seen either way.  At the end the
 * map is destroyed (inside the held section, if one is open), the
 * barrier run, and every object must have been released once for each
 * reference the map took, and freed.
 *
 * Build and run: fuzz/run.sh [SECONDS]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syncmap.h"
#include "debug.h"

#define NKEYS 144
#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "fuzz_ops: %s at op %zu\n", #cond, step); abort(); } } while (0)

static size_t outstanding, fail_next, failures, step;

static void *
fuzz_malloc(size_t size, void *ctx)
{
	size_t *bytes = ctx;
	void *p;

	if (fail_next) {
		fail_next = 0;
		failures++;
		return NULL;
	}
	if ((p = malloc(size)) != NULL)
		*bytes += size;
	return p;
}

static void
fuzz_free(void *p, size_t size, void *ctx)
{
	*(size_t *)ctx -= size;
	free(p);
}

/* -ENOMEM, from a call during which an allocation did fail. */
static int
refused(int rc, size_t failures_before)
{
	return rc == -ENOMEM && failures > failures_before;
}

struct model {
	int present[NKEYS];
	void *value[NKEYS];
	int seen[NKEYS];
};

/* ---- values mode: objects, and the ledger of their lives --------------- */

#define MAGIC 0x5a11c0deu
#define DEAD 0xdeadu

struct obj {
	uint32_t magic;
	uint32_t id;                    /* its line in the ledger */
};

struct life {
	struct obj *p;
	long refs;                      /* its slot's, the map's, retained ones */
	long stored;                    /* references the map took */
	long departed;                  /* of which left the map, by the model */
	long released;                  /* releases the map made */
	long fenced;                    /* departures inside span gen */
	unsigned gen;
};

static struct {
	int on, retains, held;
	struct life *line;
	size_t n, cap, freed;
	size_t *just, njust, capjust;   /* lines released since settle */
	size_t *dead, ndead, capdead;   /* objects to free after the op */
	long retained;                  /* retain calls */
	void *last_retained;
	void *slot[8];                  /* slot 0 is NULL */
	/* Our sections open now; each span of them, from the first opening
	 * to the last closing, has its own gen. */
	unsigned depth, gen;
} L;

static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = need * 2;
	if ((p = realloc(p, *cap * size)) == NULL)
		abort();
	return p;
}

static struct obj *
obj_new(void)
{
	struct obj *o = malloc(sizeof(*o));

	if (o == NULL)
		abort();
	L.line = grow(L.line, &L.cap, L.n + 1, sizeof(*L.line));
	o->magic = MAGIC;
	o->id = (uint32_t)L.n;
	L.line[L.n++] = (struct life){ .p = o, .refs = 1 };
	return o;
}

/* The line of an object, alive or not yet freed. */
static struct life *
line_of(const void *v)
{
	const struct obj *o = v;

	CHECK(o->id < L.n && L.line[o->id].p == o);
	return &L.line[o->id];
}

/* Checks that v, in values mode and not NULL, is an object still
 * referenced, as every value the map hands back or holds must be. */
static struct life *
alive(const void *v)
{
	struct life *l;

	if (!L.on || v == NULL)
		return NULL;
	l = line_of(v);
	CHECK(((const struct obj *)v)->magic == MAGIC && l->refs > 0);
	return l;
}

static void
obj_put(void *v)
{
	struct life *l = alive(v);

	if (--l->refs > 0)
		return;
	l->p->magic = DEAD;
	L.dead = grow(L.dead, &L.capdead, L.ndead + 1, sizeof(*L.dead));
	L.dead[L.ndead++] = (size_t)(l - L.line);
}

static void
reap(void)
{
	size_t i;

	for (i = 0; i < L.ndead; i++) {
		free(L.line[L.dead[i]].p);
		L.freed++;
	}
	L.ndead = 0;
}

static void
vals_release(void *v, void *ctx)
{
	struct life *l;

	CHECK(ctx == &L && v != NULL);
	l = alive(v);
	CHECK(l->released < l->stored);  /* never more than it was given */
	l->released++;
	L.just = grow(L.just, &L.capjust, L.njust + 1, sizeof(*L.just));
	L.just[L.njust++] = (size_t)(l - L.line);
	obj_put(v);
}

static void
vals_retain(void *v, void *ctx)
{
	CHECK(ctx == &L && v != NULL);
	alive(v)->refs++;
	L.retained++;
	L.last_retained = v;
}

static const struct syncmap_value_ops releasing = { vals_release, NULL, &L };
static const struct syncmap_value_ops retaining = { vals_release, vals_retain, &L };

static long
fenced(const struct life *l)
{
	return l->gen == L.gen ? l->fenced : 0;
}

/* A release may come in the call that made the value leave, before the
 * model knows of the departure: releases are checked against departures
 * once the model has caught up, here. */
static void
settle(void)
{
	size_t i;

	for (i = 0; i < L.njust; i++) {
		const struct life *l = &L.line[L.just[i]];

		CHECK(l->released <= l->departed - fenced(l));
	}
	L.njust = 0;
}

/* The model saw v leave the map. */
static void
depart(void *v)
{
	struct life *l;

	if (!L.on || v == NULL)
		return;
	l = line_of(v);
	CHECK(l->departed < l->stored);
	l->departed++;
	if (L.depth > 0) {
		if (l->gen != L.gen) {
			l->gen = L.gen;
			l->fenced = 0;
		}
		l->fenced++;
	}
}

static void
depart_all(struct model *md)
{
	unsigned i;

	for (i = 0; i < NKEYS; i++)
		if (md->present[i])
			depart(md->value[i]);
	memset(md->present, 0, sizeof(md->present));
}

/* The reference a call that may store v takes from us. */
static void
give(void *v)
{
	struct life *l = alive(v);

	if (l != NULL)
		l->refs++;
}

/* After that call: the map has it, or we have it back. */
static void
given(void *v, int stored)
{
	if (!L.on || v == NULL)
		return;
	if (stored)
		line_of(v)->stored++;
	else
		obj_put(v);
}

/* A section of ours: a plain one, or a loop's (it non-NULL). */
static void
section_open(syncmap_t *m, syncmap_iter_t *it)
{
	if (it != NULL)
		syncmap_iter_begin(m, it);
	else
		syncmap_read_lock();
	L.depth++;
}

static void
section_close(syncmap_iter_t *it)
{
	settle();
	if (it != NULL)
		syncmap_iter_end(it);
	else
		syncmap_read_unlock();
	if (--L.depth == 0)
		L.gen++;
}

static void
all_released(void)
{
	size_t i;

	settle();
	for (i = 0; i < L.n; i++)
		CHECK(L.line[i].released == L.line[i].departed);
}

/* Opens the section held across operations, or closes it: then the
 * barrier owes nothing. */
static void
hold_toggle(void)
{
	if (L.held) {
		section_close(NULL);
		CHECK(syncmap_barrier() == 0);
		all_released();
	} else {
		section_open(NULL, NULL);
		CHECK(syncmap_barrier() == -EDEADLK);
	}
	L.held = !L.held;
}

static void
values_begin(int mode)
{
	unsigned j;

	L.on = mode != 0;
	L.retains = mode >= 2;
	L.held = 0;
	L.n = L.freed = L.njust = L.ndead = 0;
	L.retained = 0;
	for (j = 1; j < 8; j++)
		L.slot[j] = L.on ? obj_new() : NULL;
}

/* After destroy and the barrier: every reference the map took came back
 * once, and every object is gone. */
static void
values_end(void)
{
	size_t i;
	unsigned j;

	for (j = 1; j < 8; j++)
		if (L.slot[j] != NULL)
			obj_put(L.slot[j]);
	reap();
	for (i = 0; i < L.n; i++)
		CHECK(L.line[i].released == L.line[i].stored &&
		    L.line[i].departed == L.line[i].stored && L.line[i].refs == 0);
	CHECK(L.freed == L.n);
}

static void
key_of(unsigned i, unsigned char *k, size_t *klen)
{
	unsigned j;

	*klen = i;                              /* key i has i bytes */
	for (j = 0; j < i; j++)
		k[j] = (unsigned char)((i * 7 + j) % 3);
}

static int
visit(const void *key, size_t klen, void *value, void *arg)
{
	struct model *md = arg;

	CHECK(klen < NKEYS);
	CHECK(md->present[klen] && md->value[klen] == value && !md->seen[klen]);
	alive(value);
	(void)key;
	md->seen[klen] = 1;
	return 0;
}

/*
 * A loop over the map.  mode 0 only looks, 1 deletes each key it is shown,
 * 2 deletes key ki at the first visit, 3 clears the map at the first
 * visit; after stop keys (0: never) it breaks off.  Each key yielded must
 * be present in the model, with its value, and not yielded before; a loop
 * that ran to the end must have yielded every key still present.  A value
 * yielded stays valid until the next call on the loop, whatever the body
 * did.
 */
static void
iterate(syncmap_t *m, struct model *md, unsigned ki, unsigned mode,
        unsigned stop)
{
	syncmap_iter_t it;
	unsigned char k[NKEYS];
	const void *key;
	size_t klen, n = 0;
	void *v;
	int ended = 1;

	memset(md->seen, 0, sizeof(md->seen));
	section_open(m, &it);
	while (syncmap_iter_next(&it, &key, &klen, &v)) {
		CHECK(klen < NKEYS);
		key_of((unsigned)klen, k, &klen);
		CHECK(memcmp(key, k, klen) == 0);
		CHECK(md->present[klen] && md->value[klen] == v && !md->seen[klen]);
		alive(v);
		md->seen[klen] = 1;
		if (mode == 1) {
			CHECK(syncmap_delete(m, key, klen) == 1);
			depart(v);
			md->present[klen] = 0;
		} else if (mode == 2 && n == 0) {
			key_of(ki, k, &klen);
			CHECK(syncmap_delete(m, k, klen) == md->present[ki]);
			if (md->present[ki])
				depart(md->value[ki]);
			md->present[ki] = 0;
		} else if (mode == 3 && n == 0) {
			CHECK(syncmap_clear(m) == 0);
			depart_all(md);
		}
		alive(v);
		if (++n == stop) {
			ended = 0;
			break;
		}
	}
	CHECK(!ended || syncmap_iter_next(&it, NULL, NULL, NULL) == 0);
	section_close(&it);
	for (klen = 0; ended && klen < NKEYS; klen++)
		CHECK(md->seen[klen] || !md->present[klen]);
}

/* Value index j: one of the fixed pointers, or slot j's object. */
static void *
value_of(unsigned j)
{
	static void *const values[8] = {
		NULL, (void *)0x10, (void *)0x20, (void *)0x30,
		(void *)0x40, (void *)0x50, (void *)0x60, (void *)0x70,
	};

	return L.on ? L.slot[j] : values[j];
}

/* What the call handed back (NULL: nothing, or not asked for) must be
 * alive; with retain it was retained exactly once, and is ours to drop. */
static void
handed_back(void *back, long retained_before)
{
	if (!L.on)
		return;
	alive(back);
	CHECK(L.retained - retained_before == (L.retains && back != NULL));
	if (L.retains && back != NULL) {
		CHECK(L.last_retained == back);
		obj_put(back);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct syncmap_allocator a = { fuzz_malloc, fuzz_free, &outstanding };
	struct syncmap_options o = { .allocator = &a };
	struct model md = { 0 };
	unsigned char k[NKEYS];
	size_t klen, i, live;
	syncmap_t *m;
	void *got;
	int rc;

	if (size < 1)
		return 0;
	o.policy = data[0] & 1 ? SYNCMAP_CLASSIC : SYNCMAP_BOUNDED;
	o.capacity_hint = (size_t)(data[0] >> 3) * 4;
	values_begin(data[0] >> 1 & 3);
	if (L.on)
		o.values = L.retains ? &retaining : &releasing;
	fail_next = 0;
	step = 0;
	if ((m = syncmap_create(&o)) == NULL)
		abort();
	for (i = 1; i + 3 <= size; i += 3, step++) {
		unsigned op = data[i] % 14, vi = data[i + 2] % 8;
		unsigned ki = data[i + 1] < 128 ? data[i + 1] % 16u : data[i + 1] - 112u;
		void *v, *cur = md.value[ki], *back = NULL, **out = &got;
		int present = md.present[ki];
		/* Without retain, what a call hands back is read inside a
		 * section. */
		int section = L.on && !L.retains && (op == 0 || op == 2 || op == 3 || op == 5);
		size_t failures_before = failures;
		long retained_before = L.retained;

		if (L.on && (data[i + 2] & 0x80) && vi != 0) {
			obj_put(L.slot[vi]);
			L.slot[vi] = obj_new();
		}
		if (L.on && (data[i + 2] & 8))
			out = NULL;
		v = value_of(vi);
		key_of(ki, k, &klen);
		got = (void *)0x5a5a;
		if (section)
			section_open(NULL, NULL);
		switch (op) {
		case 0:
			CHECK(syncmap_load(m, k, klen, out) == present);
			CHECK(!present || !out || got == cur);
			if (present && out)
				back = got;
			break;
		case 1:
			give(v);
			rc = syncmap_store(m, k, klen, v);
			CHECK(rc == 0 || refused(rc, failures_before));
			if (rc == 0) {
				if (present)
					depart(cur);
				md.present[ki] = 1;
				md.value[ki] = v;
			}
			given(v, rc == 0);
			break;
		case 2:
			give(v);
			rc = syncmap_load_or_store(m, k, klen, v, out);
			CHECK(rc == present || refused(rc, failures_before));
			if (rc >= 0) {
				CHECK(!out || got == (present ? cur : v));
				if (out)
					back = got;
				md.present[ki] = 1;
				md.value[ki] = present ? cur : v;
			}
			given(v, rc == 0);
			break;
		case 3:
			CHECK(syncmap_load_and_delete(m, k, klen, out) == present);
			CHECK(!present || !out || got == cur);
			if (present) {
				back = out ? got : NULL;
				depart(cur);
			}
			md.present[ki] = 0;
			break;
		case 4:
			CHECK(syncmap_delete(m, k, klen) == present);
			if (present)
				depart(cur);
			md.present[ki] = 0;
			break;
		case 5:
			give(v);
			rc = syncmap_swap(m, k, klen, v, out);
			CHECK(rc == present || refused(rc, failures_before));
			if (rc >= 0) {
				CHECK(!present || !out || got == cur);
				if (present) {
					back = out ? got : NULL;
					depart(cur);
				}
				md.present[ki] = 1;
				md.value[ki] = v;
			}
			given(v, rc >= 0);
			break;
		case 6:
		case 7: {
			/* Half of these compare with the current value.  With
			 * values, a swap needs a box, so it may be refused. */
			void *old = op == 6 ? cur : v, *new = value_of((vi + 1) % 8);

			give(new);
			rc = syncmap_compare_and_swap(m, k, klen, old, new);
			CHECK(rc == (present && cur == old) ||
			    (L.on && refused(rc, failures_before)));
			if (rc == 1) {
				depart(cur);
				md.value[ki] = new;
			}
			given(new, rc == 1);
			break;
		}
		case 8:
		case 9:
			rc = syncmap_compare_and_delete(m, k, klen, op == 8 ? cur : v);
			CHECK(rc == (present && cur == (op == 8 ? cur : v)));
			if (rc == 1) {
				depart(cur);
				md.present[ki] = 0;
			}
			break;
		case 10:
			memset(md.seen, 0, sizeof(md.seen));
			CHECK(syncmap_range(m, visit, &md) == 0);
			for (klen = 0; klen < NKEYS; klen++)
				CHECK(md.seen[klen] == md.present[klen]);
			break;
		case 11:
			CHECK(syncmap_clear(m) == 0);
			depart_all(&md);
			break;
		case 13:
			iterate(m, &md, ki, data[i + 2] % 4, data[i + 2] / 4 % 8);
			break;
		default:
			if (data[i + 1] >> 4 & 7)
				syncmap__set_slice(m, (size_t)1 << 2 * ((data[i + 1] >> 4 & 7) - 1));
			else
				fail_next = 1;          /* the next allocation fails */
		}
		handed_back(back, retained_before);
		if (section)
			section_close(NULL);
		if (L.on && op == 0 && (data[i + 2] & 0x70) == 0x70)
			hold_toggle();
		settle();
		reap();
		if (step % 16 == 0)
			CHECK(syncmap__verify(m) == NULL);
	}
	fail_next = 0;
	CHECK(syncmap__verify(m) == NULL);
	{
		struct syncmap_stats st;

		CHECK(syncmap_stats(m, &st) == 0);
		for (live = 0, i = 0; i < NKEYS; i++)
			live += (size_t)md.present[i];
		CHECK(st.live == live);
		CHECK(st.bytes == outstanding);
	}
	/* Destroy's promise: with no section open, every release has run
	 * when it returns; with ours open, none of them yet. */
	syncmap_destroy(m);
	depart_all(&md);
	settle();
	if (L.held)
		hold_toggle();
	else
		all_released();
	CHECK(outstanding == 0);
	CHECK(syncmap_barrier() == 0);
	if (L.on)
		values_end();
	return 0;
}
