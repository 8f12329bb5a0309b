/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_model.c - thousands of random operation sequences, each applied to
 * the map and to a plain reference map, every result compared, and the
 * map's counters and invariants re-derived from its tables after every
 * step.  This is the C form of Go's TestMapMatchesRWMutex (quick.CheckEqual
 * of sync.Map against a mutex-guarded map).  The sliced sequences do the
 * same under SYNCMAP_BOUNDED with slices of a few units, over more keys
 * and in phases (fill, mix, drain), so that steps land in every state of
 * the work in slices: copy, dirty's growth, stale scan and compaction
 * under way, each checked like the rest.
 */
#include <stdint.h>
#include <string.h>

#include "testutil.h"
#include "debug.h"

#define SEQUENCES 1500
#define STEPS 400
#define MAXKEYS 320

static void *const pool[] = {
	NULL, (void *)0x10, (void *)0x20, (void *)0x30, (void *)0x40,
};
#define NPOOL (sizeof(pool) / sizeof(pool[0]))

struct run {
	syncmap_t *m;
	struct ref r;
	unsigned long long seed;
	unsigned nkeys;
	unsigned char keys[MAXKEYS][12];
	size_t klens[MAXKEYS];
};

/* From lo to hi keys of length 0 to 12 over an alphabet of that many
 * bytes, NUL included: with 3, many share prefixes and some are the
 * same. */
static void
make_keys(struct run *t, unsigned lo, unsigned hi, unsigned alphabet)
{
	unsigned i, j;

	t->nkeys = lo + (unsigned)(rnd(&t->seed) % (hi - lo + 1));
	for (i = 0; i < t->nkeys; i++) {
		t->klens[i] = (size_t)(rnd(&t->seed) % 13);
		for (j = 0; j < t->klens[i]; j++)
			t->keys[i][j] = (unsigned char)(rnd(&t->seed) % alphabet);
	}
}

static int
partial_visit(const void *key, size_t klen, void *value, void *arg)
{
	struct run *t = arg;
	size_t i = ref_slot(&t->r, key, klen);

	ck_assert_msg(t->r.slot[i].present, "range visited an absent key");
	ck_assert_ptr_eq(value, t->r.slot[i].value);
	return rnd(&t->seed) % 4 == 0;
}

/* One call, op (0 to 99) picking which, on a random key. */
static void
step(struct run *t, unsigned op)
{
	unsigned k = (unsigned)(rnd(&t->seed) % t->nkeys);
	const void *key = t->keys[k];
	size_t klen = t->klens[k], i = ref_slot(&t->r, key, klen);
	void *v = pool[rnd(&t->seed) % NPOOL], *w = pool[rnd(&t->seed) % NPOOL];
	void *got = (void *)0x5a5a;
	bool present = t->r.slot[i].present;
	void *cur = t->r.slot[i].value;

	if (op < 25) {
		ck_assert_int_eq(syncmap_load(t->m, key, klen, &got), present);
		if (present)
			ck_assert_ptr_eq(got, cur);
	} else if (op < 40) {
		ck_assert_int_eq(syncmap_store(t->m, key, klen, v), 0);
		t->r.slot[i].present = true;
		t->r.slot[i].value = v;
	} else if (op < 50) {
		ck_assert_int_eq(syncmap_load_or_store(t->m, key, klen, v, &got), present);
		ck_assert_ptr_eq(got, present ? cur : v);
		t->r.slot[i].present = true;
		t->r.slot[i].value = present ? cur : v;
	} else if (op < 58) {
		ck_assert_int_eq(syncmap_load_and_delete(t->m, key, klen, &got), present);
		if (present)
			ck_assert_ptr_eq(got, cur);
		t->r.slot[i].present = false;
	} else if (op < 68) {
		ck_assert_int_eq(syncmap_delete(t->m, key, klen), present);
		t->r.slot[i].present = false;
	} else if (op < 76) {
		ck_assert_int_eq(syncmap_swap(t->m, key, klen, v, &got), present);
		if (present)
			ck_assert_ptr_eq(got, cur);
		t->r.slot[i].present = true;
		t->r.slot[i].value = v;
	} else if (op < 84) {
		/* Half the time compare with the current value. */
		if (present && rnd(&t->seed) % 2)
			w = cur;
		ck_assert_int_eq(syncmap_compare_and_swap(t->m, key, klen, w, v),
		    present && cur == w);
		if (present && cur == w)
			t->r.slot[i].value = v;
	} else if (op < 92) {
		if (present && rnd(&t->seed) % 2)
			w = cur;
		ck_assert_int_eq(syncmap_compare_and_delete(t->m, key, klen, w),
		    present && cur == w);
		if (present && cur == w)
			t->r.slot[i].present = false;
	} else if (op < 97) {
		ck_assert_int_ge(syncmap_range(t->m, partial_visit, t), 0);
	} else if (op < 99) {
		ref_compare(&t->r, t->m);
	} else {
		ck_assert_int_eq(syncmap_clear(t->m), 0);
		for (i = 0; i < t->r.n; i++)
			t->r.slot[i].present = false;
	}
}

/* The model's view, the exact stats, and no garbage left at the end. */
static void
finish(struct run *t, struct counting *c)
{
	struct syncmap_stats st;

	ref_compare(&t->r, t->m);
	st = stats_of(t->m);
	ck_assert_uint_eq(st.live, ref_live(&t->r));
	/* With no other thread in a section, stats frees all garbage. */
	ck_assert_uint_eq(st.pending_bytes, 0);
	ck_assert_uint_eq(st.bytes, counting_outstanding(c));
	DESTROY_ALL_FREED(t->m, c);
}

START_TEST(test_random_sequences)
{
	struct counting c;
	struct run t;
	int seq, s;

	for (seq = 0; seq < SEQUENCES / 2 / test_scale(); seq++) {
		memset(&t, 0, sizeof(t));
		t.seed = 0x9e3779b97f4a7c15ULL * (unsigned long long)(seq * 2 + _i + 1);
		counting_init(&c);
		t.m = map_new(policy_of(_i), &c);
		ref_init(&t.r);
		make_keys(&t, 2, 40, 3);
		for (s = 0; s < STEPS; s++) {
			step(&t, (unsigned)(rnd(&t.seed) % 100));
			VERIFY(t.m);
		}
		finish(&t, &c);
	}
}
END_TEST

/* Stores first, then every kind of call with loads the most, then mostly
 * deletes: the map grows (a copy and dirty's growth), its loads' misses
 * promote (a stale scan) so that keys are in read, and it sheds most of
 * them with no new key coming (a compaction).  In one sequence of four
 * Clear (op 99) comes in the mix too, and drops the work under way.  Ops
 * 0-24 load, 25-49 store, 50-67 delete. */
static unsigned
phase_op(struct run *t, int s, int steps, bool clears)
{
	unsigned op = (unsigned)(rnd(&t->seed) % 100);

	if (s < steps / 3)
		return op < 60 || op == 99 ? 25 + op % 25 : op;
	if (s >= 2 * steps / 3) {
		if (op < 60 || op == 99)
			return 50 + op % 18;
		/* No new keys: they would bring a dirty table, whose misses
		 * promote before the dead pile up. */
		return (op >= 25 && op < 50) || (op >= 68 && op < 84) ?
		    op % 25 : op;
	}
	return op < 40 || (op == 99 && !clears) ? op % 25 : op;
}

START_TEST(test_sliced_sequences)
{
	static const size_t slices[] = { 1, 2, 3, 5, 8, 16, 64 };
	const unsigned all = SYNCMAP_WORK_COPY | SYNCMAP_WORK_MOVE |
	    SYNCMAP_WORK_ZERO | SYNCMAP_WORK_STALE | SYNCMAP_WORK_COMPACT;
	unsigned seen = 0, now;
	struct counting c;
	struct run t;
	int seq, s, steps = 3 * STEPS;

	for (seq = 0; seq < SEQUENCES / 5 / test_scale(); seq++) {
		memset(&t, 0, sizeof(t));
		t.seed = 0x2545f4914f6cdd1dULL * (unsigned long long)(seq + 1);
		counting_init(&c);
		t.m = map_new(SYNCMAP_BOUNDED, &c);
		syncmap__set_slice(t.m, slices[seq % 7]);
		ref_init(&t.r);
		make_keys(&t, MAXKEYS / 2, MAXKEYS, 256);
		for (s = 0; s < steps; s++) {
			step(&t, phase_op(&t, s, steps, seq % 4 == 0));
			seen |= now = syncmap__work_state(t.m);
			if (now != 0 || s % 8 == 0)
				VERIFY(t.m);
		}
		finish(&t, &c);
	}
	ck_assert_msg(seen == all, "states seen: %#x of %#x", seen, all);
}
END_TEST

SUITE("model", "random sequences against a reference map", 120,
	/* 0: SYNCMAP_BOUNDED, 1: SYNCMAP_CLASSIC */
	{ test_random_sequences, 2 },
	{ test_sliced_sequences, 1 })
