/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_alloc.c - every allocation the map makes, made to fail in turn.
 *
 * A fixed scenario exercises every allocation site (the map, new entries,
 * the dirty copy, dirty growth, the growth a store into an expunged key
 * needs, compaction's table).  It is run once to count its allocations,
 * then once per allocation with exactly that one failing.  The call that
 * meets the failure must be Store, LoadOrStore or Swap and return -ENOMEM,
 * leaving the map as it was (contents, counters, invariants and heap held);
 * any other call meeting it (a compaction) must succeed and skip the work.
 * Every run ends with the allocator back at zero.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "testutil.h"

enum kind { LOAD, STORE, LOS, SWAP, DEL, LAD, CAS, CAD, RANGE, CLEAR };

struct call {
	enum kind kind;
	int key;
	int value;
};

#define NCALLS 1400

static struct call scenario[NCALLS];

/* Fill, promote, delete most, add new keys (copies that expunge), store
 * into expunged keys, churn: every path that allocates, many times. */
static void
build_scenario(void)
{
	unsigned long long s = 42;
	int i, n = 0;

	for (i = 0; i < 200; i++)
		scenario[n++] = (struct call){ STORE, i, i + 1 };
	scenario[n++] = (struct call){ RANGE, 0, 0 };
	for (i = 0; i < 180; i++)
		scenario[n++] = (struct call){ DEL, i, 0 };
	for (i = 200; i < 260; i++)
		scenario[n++] = (struct call){ i % 2 ? LOS : SWAP, i, i + 1 };
	for (i = 0; i < 60; i++)
		scenario[n++] = (struct call){ STORE, i, i + 7 };
	for (i = 0; i < 100; i++)
		scenario[n++] = (struct call){ LOAD, 1000 + i, 0 };
	while (n < NCALLS - 1)
		scenario[n++] = (struct call){ (enum kind)(rnd(&s) % 9),
		    (int)(rnd(&s) % 400), (int)(rnd(&s) % 5) };
	scenario[n++] = (struct call){ CLEAR, 0, 0 };
}

static bool
may_allocate(enum kind k)
{
	return k == STORE || k == LOS || k == SWAP;
}

/* Applies one call to map and model.  Returns the call's return value. */
static int
apply(syncmap_t *m, struct ref *r, const struct call *c)
{
	char k[KEYBUF];
	size_t klen = key_of(k, c->key), i = ref_slot(r, k, klen);
	void *v = (void *)(intptr_t)c->value, *got = NULL;
	bool present = r->slot[i].present;
	void *cur = r->slot[i].value;
	int rc;

	switch (c->kind) {
	case LOAD:
		rc = syncmap_load(m, k, klen, &got);
		ck_assert_int_eq(rc, present);
		break;
	case STORE:
		if ((rc = syncmap_store(m, k, klen, v)) == 0) {
			r->slot[i].present = true;
			r->slot[i].value = v;
		}
		break;
	case LOS:
		if ((rc = syncmap_load_or_store(m, k, klen, v, &got)) >= 0) {
			ck_assert_int_eq(rc, present);
			r->slot[i].present = true;
			r->slot[i].value = present ? cur : v;
		}
		break;
	case SWAP:
		if ((rc = syncmap_swap(m, k, klen, v, &got)) >= 0) {
			ck_assert_int_eq(rc, present);
			r->slot[i].present = true;
			r->slot[i].value = v;
		}
		break;
	case DEL:
		rc = syncmap_delete(m, k, klen);
		ck_assert_int_eq(rc, present);
		r->slot[i].present = false;
		break;
	case LAD:
		rc = syncmap_load_and_delete(m, k, klen, &got);
		ck_assert_int_eq(rc, present);
		r->slot[i].present = false;
		break;
	case CAS:
		rc = syncmap_compare_and_swap(m, k, klen, cur, v);
		ck_assert_int_eq(rc, present);
		if (present)
			r->slot[i].value = v;
		break;
	case CAD:
		rc = syncmap_compare_and_delete(m, k, klen, cur);
		ck_assert_int_eq(rc, present);
		r->slot[i].present = false;
		break;
	case RANGE:
		promote(m);
		rc = 0;
		break;
	case CLEAR:
		rc = syncmap_clear(m);
		for (i = 0; i < r->n; i++)
			r->slot[i].present = false;
		break;
	default:
		ck_abort();
	}
	return rc;
}

static size_t
held(const struct syncmap_stats *st)
{
	return st->bytes - st->pending_bytes;
}

/* What met the injected failures: [kind] for -ENOMEM returns, [CLEAR + 1]
 * for skipped housekeeping. */
static size_t met[CLEAR + 2];

/* Runs the scenario with the fail-th allocation after creation failing
 * (0: none).  Returns the number of allocations it made. */
static size_t
run(enum syncmap_policy policy, long fail)
{
	static struct ref r;
	struct syncmap_stats before, after;
	struct counting c;
	syncmap_t *m;
	size_t allocs;
	int i, rc;

	ref_init(&r);
	counting_init(&c);
	m = map_new(policy, &c);
	/* The work in slices done at once, so that a call that meets no
	 * failure leaves none behind, and a failing call that finds none
	 * under way must change nothing. */
	syncmap__set_slice(m, SIZE_MAX);
	allocs = atomic_load(&c.allocs);
	counting_fail_in(&c, fail);
	for (i = 0; i < NCALLS; i++) {
		size_t failures = atomic_load(&c.failures);
		bool idle = syncmap__work_state(m) == 0;

		before = stats_of(m);
		rc = apply(m, &r, &scenario[i]);
		if (atomic_load(&c.failures) == failures) {
			ck_assert_int_ge(rc, 0);
			continue;
		}
		/* This call met the failure. */
		after = stats_of(m);
		if (may_allocate(scenario[i].kind) && rc == -ENOMEM && !idle) {
			/* Work an earlier failure stopped went on in this
			 * call's slice: what the call itself did is checked
			 * against the reference below. */
			met[scenario[i].kind]++;
			ck_assert_uint_eq(after.live, before.live);
		} else if (may_allocate(scenario[i].kind) && rc == -ENOMEM) {
			met[scenario[i].kind]++;
			ck_assert_uint_eq(after.live, before.live);
			ck_assert_uint_eq(after.read_slots, before.read_slots);
			ck_assert_uint_eq(after.dirty_slots, before.dirty_slots);
			ck_assert_uint_eq(after.dead_entries, before.dead_entries);
			ck_assert_uint_eq(after.expunged, before.expunged);
			ck_assert_uint_eq(after.misses, before.misses);
			ck_assert_uint_eq(after.promotions, before.promotions);
			ck_assert_uint_eq(after.dirty_copies, before.dirty_copies);
			ck_assert_uint_eq(held(&after), held(&before));
		} else {
			/* The work in slices met it and stopped where it was
			 * (a compaction's promotion, which allocates nothing,
			 * may have run). */
			ck_assert_int_ge(rc, 0);
			ck_assert_int_eq(policy, SYNCMAP_BOUNDED);
			ck_assert_uint_le(after.compactions, before.compactions + 1);
			met[CLEAR + 1]++;
		}
		VERIFY(m);
		ref_compare(&r, m);
	}
	/* The first fail - 1 allocations are the fault-free run's, so the
	 * fail-th happens: exactly one failure. */
	ck_assert_uint_eq(atomic_load(&c.failures), fail > 0);
	allocs = atomic_load(&c.allocs) - allocs;
	VERIFY(m);
	ref_compare(&r, m);
	DESTROY_ALL_FREED(m, &c);
	return allocs;
}

START_TEST(test_each_allocation_fails)
{
	enum syncmap_policy policy = policy_of(_i);
	size_t total, f;

	build_scenario();
	total = run(policy, 0);
	ck_assert_uint_gt(total, 300);
	memset(met, 0, sizeof(met));
	for (f = 1; f <= total; f += (size_t)test_scale())
		run(policy, (long)f);
	/* Every allocating call met failures; under SYNCMAP_BOUNDED so did
	 * compaction, and nothing else did. */
	ck_assert_uint_gt(met[STORE], 0);
	ck_assert_uint_gt(met[LOS], 0);
	ck_assert_uint_gt(met[SWAP], 0);
	ck_assert_uint_eq(met[CLEAR + 1] > 0, policy == SYNCMAP_BOUNDED);
	ck_assert_uint_eq(met[STORE] + met[LOS] + met[SWAP] + met[CLEAR + 1],
	    (total + (size_t)test_scale() - 1) / (size_t)test_scale());
}
END_TEST

/* stats.bytes is exactly what the allocator handed out, all along. */
START_TEST(test_bytes_match_allocator)
{
	struct counting c;
	syncmap_t *m;
	char k[KEYBUF];
	int i;

	counting_init(&c);
	m = map_new(policy_of(_i), &c);
	ck_assert_uint_eq(stats_of(m).bytes, counting_outstanding(&c));
	for (i = 0; i < 5000; i++) {
		syncmap_store(m, k, key_of(k, i), NULL);
		if (i % 3 == 0)
			syncmap_delete(m, k, key_of(k, i / 2));
		if (i % 101 == 0) {
			promote(m);
			ck_assert_uint_eq(stats_of(m).bytes, counting_outstanding(&c));
		}
	}
	syncmap_clear(m);
	ck_assert_uint_eq(stats_of(m).bytes, counting_outstanding(&c));
	DESTROY_ALL_FREED(m, &c);
}
END_TEST

/*
 * Failures under concurrency: threads churn keys of their own (so that a
 * per-thread model is exact) and shared keys, while one allocation in
 * fifty fails at random.  Every -ENOMEM must come from a call that may
 * allocate and leave its key as it was; afterwards the map is consistent,
 * every owned key is as its thread's model says, and destroy returns every
 * byte.
 */
#define OWNED 48

struct fail_arg {
	syncmap_t *m;
	int id;
	long enomem;
};

static void *
fail_worker(void *p)
{
	struct fail_arg *a = p;
	unsigned long long s = 99 + (unsigned long long)a->id;
	void *model[OWNED] = { 0 }, *got;
	bool has[OWNED] = { 0 };
	char k[KEYBUF];
	long i;
	int j, rc, op;

	for (i = 0; i < 40000 / test_scale(); i++) {
		void *v = (void *)(intptr_t)(rnd(&s) % 1000 + 1);
		size_t klen;

		j = (int)(rnd(&s) % OWNED);
		klen = key_of(k, (a->id + 1) * 1000 + j);
		op = (int)(rnd(&s) % 7);
		switch (op) {
		case 0: rc = syncmap_store(a->m, k, klen, v); break;
		case 1: rc = syncmap_load_or_store(a->m, k, klen, v, &got); break;
		case 2: rc = syncmap_swap(a->m, k, klen, v, &got); break;
		case 3: rc = syncmap_delete(a->m, k, klen); break;
		case 4: rc = syncmap_compare_and_swap(a->m, k, klen, model[j], v); break;
		case 5: rc = syncmap_compare_and_delete(a->m, k, klen, model[j]); break;
		default: rc = syncmap_load(a->m, k, klen, &got);
		}
		if (rc == -ENOMEM) {
			ck_assert_int_le(op, 2);        /* only these allocate */
			a->enomem++;
		} else {
			ck_assert_int_ge(rc, 0);
			switch (op) {
			case 0: case 2: model[j] = v; has[j] = true; break;
			case 1: if (!has[j]) model[j] = v; has[j] = true; break;
			case 3: has[j] = false; break;
			case 4: if (rc == 1) model[j] = v; break;
			case 5: if (rc == 1) has[j] = false; break;
			default: break;
			}
		}
		/* The key reads back as the model says, failure or not. */
		ck_assert_int_eq(syncmap_load(a->m, k, klen, &got), has[j]);
		if (has[j])
			ck_assert_ptr_eq(got, model[j]);
		/* And the shared keys churn. */
		klen = key_of(k, (long)(rnd(&s) % 64));
		ck_assert_int_ge(syncmap_delete(a->m, k, klen), 0);
		rc = syncmap_store(a->m, k, key_of(k, (long)(rnd(&s) % 64)), v);
		ck_assert(rc == 0 || rc == -ENOMEM);
	}
	return NULL;
}

START_TEST(test_failures_under_concurrency)
{
	struct fail_arg a[4];
	struct counting c;
	pthread_t t[4];
	syncmap_t *m;
	long enomem = 0;
	int i;

	counting_init(&c);
	m = map_new(policy_of(_i), &c);
	atomic_store(&c.fail_one_in, 50);
	for (i = 0; i < 4; i++) {
		a[i] = (struct fail_arg){ .m = m, .id = i };
		ck_assert_int_eq(pthread_create(&t[i], NULL, fail_worker, &a[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		enomem += a[i].enomem;
	}
	atomic_store(&c.fail_one_in, 0);
	ck_assert_uint_gt(atomic_load(&c.failures), 0);
	ck_assert_int_gt(enomem, 0);
	VERIFY(m);
	ck_assert_uint_eq(stats_of(m).bytes, counting_outstanding(&c));
	DESTROY_ALL_FREED(m, &c);
}
END_TEST

SUITE("alloc", "allocation failures", 300,
	{ test_each_allocation_fails, 2 },
	{ test_bytes_match_allocator, 2 },
	{ test_failures_under_concurrency, 2 })
