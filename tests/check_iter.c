/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_iter.c - syncmap_iter: Range's promises, as a loop.
 *
 * What the loop's user sees: each key at most once, every key present and
 * untouched for the whole loop, the value a key holds when it is reached,
 * any call in the loop body, nothing a Clear on another thread has taken
 * out, nesting, and yielded keys that stay intact
 * until the next call even when the body deleted them or cleared the map.
 * That last one is measured through an allocator that poisons what the
 * map frees and keeps it aside, so a key freed too early shows up as
 * changed bytes, not as luck.  Loop tests run under both policies (_i).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define N 10000

/* The value a key i first gets, and the one the loop body stores. */
#define V(i) ((void *)(uintptr_t)(((uintptr_t)(i) + 1) * 2))
#define U(i) ((void *)(uintptr_t)(((uintptr_t)(i) + 1) * 2 + 1))

static void
put(syncmap_t *m, long i, void *v)
{
	char k[KEYBUF];

	ck_assert_int_eq(syncmap_store(m, k, key_of(k, i), v), 0);
}

static int
del(syncmap_t *m, long i)
{
	char k[KEYBUF];

	return syncmap_delete(m, k, key_of(k, i));
}

static void
fill(syncmap_t *m, long from, long to)
{
	long i;

	for (i = from; i < to; i++)
		put(m, i, V(i));
}

/* The i of a yielded key "k<i>", checking that the bytes are such a key. */
static long
index_of(const void *key, size_t klen)
{
	char buf[KEYBUF];
	char *end;
	long i;

	ck_assert_uint_gt(klen, 1);
	ck_assert_uint_lt(klen, sizeof(buf));
	memcpy(buf, key, klen);
	buf[klen] = '\0';
	ck_assert_int_eq(buf[0], 'k');
	i = strtol(buf + 1, &end, 10);
	ck_assert_msg(*end == '\0' && i >= 0, "a yielded key is not a key: %s", buf);
	return i;
}

/* A loop's state: the iterator and what it last yielded. */
struct loop {
	syncmap_iter_t it;
	const void *key;
	size_t klen;
	void *v;
};

/* syncmap_iter_next, with *i the index of the key yielded. */
static int
loop_next(struct loop *l, long *i)
{
	if (!syncmap_iter_next(&l->it, &l->key, &l->klen, &l->v))
		return 0;
	*i = index_of(l->key, l->klen);
	return 1;
}

/* Garbage is all freed once no section is open: after iter_end, one
 * stats call (which polls) must find nothing pending. */
static void
assert_sections_closed(syncmap_t *m)
{
	ck_assert_uint_eq(stats_of(m).pending_bytes, 0);
}

/* The end of a test on a map with a counting allocator: the invariants
 * hold, no section is left open, and destroy gives every byte back. */
static void
finish(syncmap_t *m, struct counting *c)
{
	VERIFY(m);
	assert_sections_closed(m);
	DESTROY_ALL_FREED(m, c);
}

/* ---- each key once ------------------------------------------------------ */

START_TEST(test_every_key_once)
{
	struct counting c;
	syncmap_t *m;
	struct loop l;
	static unsigned char seen[N];
	uint64_t promotions;
	long i, n = 0;

	counting_init(&c);
	m = map_new((enum syncmap_policy)_i, &c);
	/* Half in read, half new in dirty: begin promotes, as Range does. */
	fill(m, 0, N / 2);
	promote(m);
	fill(m, N / 2, N);
	promotions = stats_of(m).promotions;
	memset(seen, 0, sizeof(seen));
	syncmap_iter_begin(m, &l.it);
	ck_assert_uint_eq(stats_of(m).promotions, promotions + 1);
	while (loop_next(&l, &i)) {
		ck_assert_int_lt(i, N);
		ck_assert_msg(!seen[i], "key %ld yielded twice", i);
		ck_assert_ptr_eq(l.v, V(i));
		seen[i] = 1;
		n++;
	}
	ck_assert_int_eq(n, N);
	/* 0 at the end, and 0 again. */
	ck_assert_int_eq(syncmap_iter_next(&l.it, &l.key, &l.klen, &l.v), 0);
	ck_assert_int_eq(syncmap_iter_next(&l.it, &l.key, &l.klen, &l.v), 0);
	syncmap_iter_end(&l.it);
	ck_assert_int_eq(syncmap_iter_next(&l.it, &l.key, &l.klen, &l.v), 0);
	finish(m, &c);
}
END_TEST

/* ---- calls in the loop body --------------------------------------------- */

/* The question users ask first: delete the key the loop is on. */
START_TEST(test_delete_current)
{
	struct counting c;
	syncmap_t *m;
	struct loop l;
	static unsigned char seen[N];
	long i, n = 0;

	counting_init(&c);
	m = map_new((enum syncmap_policy)_i, &c);
	fill(m, 0, N);
	memset(seen, 0, sizeof(seen));
	syncmap_iter_begin(m, &l.it);
	while (loop_next(&l, &i)) {
		ck_assert_msg(!seen[i], "key %ld yielded twice", i);
		ck_assert_ptr_eq(l.v, V(i));
		seen[i] = 1;
		n++;
		ck_assert_int_eq(syncmap_delete(m, l.key, l.klen), 1);
	}
	syncmap_iter_end(&l.it);
	ck_assert_int_eq(n, N);
	ck_assert_uint_eq(stats_of(m).live, 0);
	finish(m, &c);
}
END_TEST

/* Visiting key i deletes its partner i ^ 1: of each pair, exactly the one
 * reached first is yielded, and no deleted key ever is. */
START_TEST(test_delete_others)
{
	syncmap_t *m = map_new((enum syncmap_policy)_i, NULL);
	struct loop l;
	static unsigned char seen[N], gone[N];
	long i;

	fill(m, 0, N);
	memset(seen, 0, sizeof(seen));
	memset(gone, 0, sizeof(gone));
	syncmap_iter_begin(m, &l.it);
	while (loop_next(&l, &i)) {
		ck_assert_msg(!gone[i], "key %ld yielded after the body deleted it", i);
		ck_assert_msg(!seen[i], "key %ld yielded twice", i);
		seen[i] = 1;
		ck_assert_int_eq(del(m, i ^ 1), 1);
		gone[i ^ 1] = 1;
	}
	syncmap_iter_end(&l.it);
	for (i = 0; i < N; i += 2)
		ck_assert_msg(seen[i] + seen[i + 1] == 1, "pair %ld: %d yielded", i,
		    seen[i] + seen[i + 1]);
	ck_assert_uint_eq(stats_of(m).live, N / 2);
	VERIFY(m);
	syncmap_destroy(m);
}
END_TEST

/* Visiting key i stores a new key N + i and a new value into key i + 1:
 * every first key is yielded once, with the value it holds when reached. */
START_TEST(test_store_in_body)
{
	syncmap_t *m = map_new((enum syncmap_policy)_i, NULL);
	struct loop l;
	static unsigned char seen[2 * N];
	char k[KEYBUF];
	long i, n = 0;

	fill(m, 0, N);
	memset(seen, 0, sizeof(seen));
	syncmap_iter_begin(m, &l.it);
	while (loop_next(&l, &i)) {
		ck_assert_int_lt(i, 2 * N);
		ck_assert_msg(!seen[i], "key %ld yielded twice", i);
		seen[i] = 1;
		if (i >= N) {           /* a new l.key: may or may not be seen */
			ck_assert_ptr_eq(l.v, V(i));
			continue;
		}
		n++;
		ck_assert_ptr_eq(l.v, seen[(i + N - 1) % N] ? U(i) : V(i));
		put(m, N + i, V(N + i));
		put(m, (i + 1) % N, U((i + 1) % N));
	}
	syncmap_iter_end(&l.it);
	ck_assert_int_eq(n, N);
	for (i = 0; i < 2 * N; i++) {
		ck_assert_int_eq(syncmap_load(m, k, key_of(k, i), &l.v), 1);
		ck_assert_ptr_eq(l.v, i < N ? U(i) : V(i));
	}
	VERIFY(m);
	syncmap_destroy(m);
}
END_TEST

static void *
clear_thread(void *m)
{
	ck_assert_int_eq(syncmap_clear(m), 0);
	return NULL;
}

/*
 * Clear on another thread, beside an open loop: once a lookup has seen
 * Clear take effect, the loop yields none of the keys it took out.  Clear
 * orphans the old table's entries one by one after it has taken effect,
 * and a big map keeps that window open for milliseconds (under valgrind
 * too, at an eighth of the size), so the loop is in it unless it is
 * descheduled for all of them.
 */
START_TEST(test_clear_beside)
{
	enum { ROUNDS = 5 };
	long keys = 100000 / test_scale();
	char k[KEYBUF];
	size_t klen = key_of(k, keys - 1);
	syncmap_iter_t it;
	pthread_t th;
	syncmap_t *m;
	void *v;
	int round, yielded;

	for (round = 0; round < ROUNDS; round++) {
		m = map_new((enum syncmap_policy)_i, NULL);
		fill(m, 0, keys);
		promote(m);
		syncmap_iter_begin(m, &it);
		ck_assert_int_eq(pthread_create(&th, NULL, clear_thread, m), 0);
		while (syncmap_load(m, k, klen, &v) == 1)
			;
		for (yielded = 0; syncmap_iter_next(&it, NULL, NULL, NULL) == 1;)
			yielded++;
		syncmap_iter_end(&it);
		ck_assert_int_eq(pthread_join(th, NULL), 0);
		ck_assert_msg(yielded == 0,
		    "round %d: the loop yielded %d keys after Clear took effect",
		    round, yielded);
		syncmap_destroy(m);
	}
}
END_TEST

/* Clear in the body: no key is yielded after it but those stored again. */
START_TEST(test_clear_in_body)
{
	struct counting c;
	syncmap_t *m;
	struct loop l;
	long i, n = 0, after = 0;

	counting_init(&c);
	m = map_new((enum syncmap_policy)_i, &c);
	fill(m, 0, 1000);
	syncmap_iter_begin(m, &l.it);
	while (loop_next(&l, &i)) {
		if (++n < 10)
			continue;
		if (n == 10) {
			ck_assert_int_eq(syncmap_clear(m), 0);
			/* Keys 0 to 9 come back, and some new ones arrive. */
			fill(m, 0, 10);
			fill(m, 1000, 1100);
			continue;
		}
		ck_assert_msg(i < 10 || (i >= 1000 && i < 1100),
		    "key %ld yielded after Clear deleted it", i);
		after++;
	}
	syncmap_iter_end(&l.it);
	ck_assert_int_ge(n, 10);
	ck_assert_int_le(after, 110);
	ck_assert_uint_eq(stats_of(m).live, 110);
	finish(m, &c);
}
END_TEST

/* ---- with other threads writing ----------------------------------------- */

/* Keys 0 to STABLE - 1 are never touched while the loops run; churners
 * store and delete keys STABLE and up, and now and then brand new ones. */
#define STABLE 2000
#define CHURN 2000

struct churn {
	syncmap_t *m;
	atomic_bool *stop;
	unsigned long long seed;
};

static void *
churner(void *arg)
{
	struct churn *ch = arg;
	char k[KEYBUF];
	long i, fresh = STABLE + CHURN + (long)ch->seed * 1000000;
	size_t kl;

	while (!atomic_load(ch->stop)) {
		i = STABLE + (long)(rnd(&ch->seed) % CHURN);
		kl = key_of(k, i);
		switch (rnd(&ch->seed) % 4) {
		case 0:
			ck_assert_int_eq(syncmap_store(ch->m, k, kl, V(i)), 0);
			break;
		case 1:
			ck_assert_int_ge(syncmap_delete(ch->m, k, kl), 0);
			break;
		case 2:
			ck_assert_int_ge(syncmap_swap(ch->m, k, kl, U(i), NULL), 0);
			break;
		default:
			/* A new key, soon deleted: dirty copies, promotions. */
			kl = key_of(k, fresh++);
			ck_assert_int_eq(syncmap_store(ch->m, k, kl, NULL), 0);
			ck_assert_int_eq(syncmap_delete(ch->m, k, kl), 1);
		}
	}
	return NULL;
}

START_TEST(test_churn)
{
	enum { THREADS = 3 };
	syncmap_t *m = map_new((enum syncmap_policy)_i, NULL);
	struct churn ch[THREADS];
	pthread_t t[THREADS];
	atomic_bool stop = false;
	struct loop l;
	static unsigned char seen[STABLE + CHURN];
	long i, round, rounds = 40 / test_scale(), stable;
	int j;

	fill(m, 0, STABLE + CHURN);
	for (j = 0; j < THREADS; j++) {
		ch[j] = (struct churn){ m, &stop, (unsigned long long)j + 1 };
		ck_assert_int_eq(pthread_create(&t[j], NULL, churner, &ch[j]), 0);
	}
	for (round = 0; round < rounds; round++) {
		memset(seen, 0, sizeof(seen));
		stable = 0;
		syncmap_iter_begin(m, &l.it);
		while (loop_next(&l, &i)) {
			if (i >= STABLE + CHURN) {
				/* A churner's passing l.key: seen at most once
				 * is all that can be said; it is unique. */
				ck_assert_ptr_null(l.v);
				continue;
			}
			ck_assert_msg(!seen[i], "key %ld yielded twice", i);
			seen[i] = 1;
			if (i < STABLE) {
				ck_assert_ptr_eq(l.v, V(i));
				stable++;
			} else {
				ck_assert_msg(l.v == V(i) || l.v == U(i),
				    "key %ld: a value it never held", i);
				/* Odd rounds delete in the body as well. */
				if (round & 1)
					ck_assert_int_ge(syncmap_delete(m, l.key, l.klen), 0);
			}
		}
		syncmap_iter_end(&l.it);
		ck_assert_int_eq(stable, STABLE);
	}
	atomic_store(&stop, true);
	for (j = 0; j < THREADS; j++)
		pthread_join(t[j], NULL);
	VERIFY(m);
	syncmap_destroy(m);
}
END_TEST

/* ---- ending, nesting ---------------------------------------------------- */

/* A loop that breaks off still ends, and ending closes the section: the
 * garbage made while it was open is freed at the next poll. */
START_TEST(test_break_then_end)
{
	struct counting c;
	syncmap_t *m;
	syncmap_iter_t it;
	const void *key;
	size_t klen;
	long n = 0;

	counting_init(&c);
	m = map_new((enum syncmap_policy)_i, &c);
	fill(m, 0, 100);
	syncmap_iter_begin(m, &it);
	while (syncmap_iter_next(&it, &key, &klen, NULL))
		if (++n == 3)
			break;
	ck_assert_int_eq(syncmap_clear(m), 0);
	ck_assert_uint_gt(stats_of(m).pending_bytes, 0);
	syncmap_iter_end(&it);
	assert_sections_closed(m);
	/* A second end is harmless, and next after end yields nothing. */
	syncmap_iter_end(&it);
	ck_assert_int_eq(syncmap_iter_next(&it, &key, &klen, NULL), 0);
	finish(m, &c);
}
END_TEST

static long
count_all(syncmap_iter_t *it)
{
	long n = 0;

	while (syncmap_iter_next(it, NULL, NULL, NULL))
		n++;
	return n;
}

/* Iterators open together on one map and on two, stepped in turn and
 * ended in every order; Range inside a loop and a loop inside Range. */
START_TEST(test_nesting)
{
	syncmap_t *m1 = map_new(SYNCMAP_BOUNDED, NULL), *m2 = map_new(SYNCMAP_CLASSIC, NULL);
	syncmap_iter_t a, b, x;
	const void *ka, *kb;
	size_t la, lb, inner;
	static unsigned char seen_a[N], seen_b[N];
	long i, n = 0, order;

	fill(m1, 0, 1000);
	fill(m2, 0, 500);
	for (order = 0; order < 2; order++) {
		memset(seen_a, 0, sizeof(seen_a));
		memset(seen_b, 0, sizeof(seen_b));
		syncmap_iter_begin(m1, &a);
		syncmap_iter_begin(m1, &b);
		syncmap_iter_begin(m2, &x);
		while (syncmap_iter_next(&a, &ka, &la, NULL)) {
			i = index_of(ka, la);
			ck_assert(!seen_a[i]);
			seen_a[i] = 1;
			ck_assert_int_eq(syncmap_iter_next(&b, &kb, &lb, NULL), 1);
			i = index_of(kb, lb);
			ck_assert(!seen_b[i]);
			seen_b[i] = 1;
		}
		ck_assert_int_eq(syncmap_iter_next(&b, NULL, NULL, NULL), 0);
		ck_assert_int_eq(count_all(&x), 500);
		/* First begun first ended, then the reverse. */
		if (order == 0) {
			syncmap_iter_end(&a);
			syncmap_iter_end(&x);
			syncmap_iter_end(&b);
		} else {
			syncmap_iter_end(&x);
			syncmap_iter_end(&b);
			syncmap_iter_end(&a);
		}
		for (i = 0; i < 1000; i++)
			ck_assert(seen_a[i] && seen_b[i]);
	}
	/* Range in a loop's body, and a loop in Range's callback. */
	syncmap_iter_begin(m1, &a);
	while (syncmap_iter_next(&a, NULL, NULL, NULL)) {
		inner = 0;
		ck_assert_int_eq(syncmap_range(m2, count_visit, &inner), 0);
		ck_assert_int_eq(inner, 500);
		if (++n == 10)
			break;
	}
	syncmap_iter_end(&a);
	inner = 0;
	ck_assert_int_eq(syncmap_range(m1, count_visit, &inner), 0);
	ck_assert_int_eq(inner, 1000);
	syncmap_iter_begin(m2, &x);
	ck_assert_int_eq(count_all(&x), 500);
	syncmap_iter_end(&x);
	/* Every section was closed: the garbage of a Clear is freed. */
	ck_assert_int_eq(syncmap_clear(m1), 0);
	assert_sections_closed(m1);
	VERIFY(m1);
	VERIFY(m2);
	syncmap_destroy(m1);
	syncmap_destroy(m2);
}
END_TEST

static int
loop_in_range(const void *key, size_t klen, void *value, void *arg)
{
	syncmap_iter_t it;

	(void)key; (void)klen; (void)value;
	syncmap_iter_begin(arg, &it);
	ck_assert_int_eq(count_all(&it), 1000);
	syncmap_iter_end(&it);
	return 1;
}

START_TEST(test_loop_in_range)
{
	syncmap_t *m = map_new(SYNCMAP_BOUNDED, NULL);

	fill(m, 0, 1000);
	ck_assert_int_eq(syncmap_range(m, loop_in_range, m), 1);
	ck_assert_int_eq(syncmap_clear(m), 0);
	assert_sections_closed(m);
	syncmap_destroy(m);
}
END_TEST

/* ---- yielded keys stay valid -------------------------------------------- */

/* The poisoning allocator of testutil.h: a key freed while the loop still
 * shows it reads as poison instead of as whatever reused the block. */
static syncmap_t *
poisoned_map(struct poisoning *pz, enum syncmap_policy policy)
{
	struct syncmap_options o = { .policy = policy, .allocator = &pz->a };
	syncmap_t *m;

	poisoning_init(pz);
	ck_assert_ptr_nonnull(m = syncmap_create(&o));
	return m;
}

/* Blocks the map has freed (and the allocator poisoned) so far. */
static size_t
poisoned_blocks(struct poisoning *pz)
{
	return atomic_load(&pz->c.frees);
}

/* Makes garbage of what was deleted, under either policy, and does all
 * that frees garbage when it can: a new key makes classic's dirty copy
 * expunge deleted entries, and the promotion retires them; a stats call
 * polls, and a thread's calls offer a poll every 64th time. */
#define FRESH 100000

static void
try_to_free(syncmap_t *m, long fresh)
{
	int i;

	put(m, FRESH + fresh, NULL);
	promote(m);
	(void)stats_of(m);
	for (i = 0; i < 130; i++)
		ck_assert_int_ge(syncmap_load(m, "x", 1, NULL), 0);
}

static void
assert_key_intact(const void *key, size_t klen, long i)
{
	char k[KEYBUF];

	ck_assert_uint_eq(klen, key_of(k, i));
	ck_assert_msg(memcmp(key, k, klen) == 0,
	    "the yielded key %s changed before the next call", k);
}

/* The body deletes the key it is shown and does what frees garbage; the
 * key bytes must be intact up to the next call.  Afterwards, with the
 * section closed, the same deleted entries are poisoned: the test can
 * tell a freed key from a kept one. */
START_TEST(test_key_valid_after_delete)
{
	struct poisoning pz;
	syncmap_t *m = poisoned_map(&pz, (enum syncmap_policy)_i);
	struct loop l;
	size_t before;
	long i, n = 0;

	fill(m, 0, 1000);
	before = poisoned_blocks(&pz);
	syncmap_iter_begin(m, &l.it);
	while (loop_next(&l, &i)) {
		if (i >= FRESH)
			continue;
		ck_assert_int_eq(syncmap_delete(m, l.key, l.klen), 1);
		try_to_free(m, i);
		assert_key_intact(l.key, l.klen, i);
		ck_assert_ptr_eq(l.v, V(i));
		n++;
	}
	syncmap_iter_end(&l.it);
	ck_assert_int_eq(n, 1000);
	(void)stats_of(m);
	ck_assert_uint_ge(poisoned_blocks(&pz) - before, 1000);
	syncmap_destroy(m);
	poisoning_fini(&pz);
}
END_TEST

/* Three iterators open, on two maps; the first begun ends first, both
 * maps are cleared, and the keys the others show stay intact: ending one
 * iterator does not end the others' protection. */
START_TEST(test_key_valid_after_clear)
{
	struct poisoning p1, p2;
	syncmap_t *m1 = poisoned_map(&p1, (enum syncmap_policy)_i);
	syncmap_t *m2 = poisoned_map(&p2, (enum syncmap_policy)_i);
	syncmap_iter_t a, b, x;
	const void *kb, *kx;
	size_t lb, lx, b1, b2;
	void *vb, *vx;
	long ib, ix;

	fill(m1, 0, 500);
	fill(m2, 0, 500);
	b1 = poisoned_blocks(&p1);
	b2 = poisoned_blocks(&p2);
	syncmap_iter_begin(m1, &a);
	syncmap_iter_begin(m1, &b);
	syncmap_iter_begin(m2, &x);
	ck_assert_int_eq(syncmap_iter_next(&a, NULL, NULL, NULL), 1);
	ck_assert_int_eq(syncmap_iter_next(&b, &kb, &lb, &vb), 1);
	ck_assert_int_eq(syncmap_iter_next(&x, &kx, &lx, &vx), 1);
	ib = index_of(kb, lb);
	ix = index_of(kx, lx);
	syncmap_iter_end(&a);
	ck_assert_int_eq(syncmap_clear(m1), 0);
	ck_assert_int_eq(syncmap_clear(m2), 0);
	try_to_free(m1, 0);
	try_to_free(m2, 0);
	assert_key_intact(kb, lb, ib);
	assert_key_intact(kx, lx, ix);
	ck_assert_ptr_eq(vb, V(ib));
	ck_assert_ptr_eq(vx, V(ix));
	ck_assert_uint_eq(poisoned_blocks(&p1), b1);
	ck_assert_uint_eq(poisoned_blocks(&p2), b2);
	/* Cleared: nothing more to yield. */
	ck_assert_int_eq(syncmap_iter_next(&b, &kb, &lb, &vb), 0);
	syncmap_iter_end(&b);
	syncmap_iter_end(&x);
	(void)stats_of(m1);
	(void)stats_of(m2);
	ck_assert_uint_ge(poisoned_blocks(&p1) - b1, 500);
	ck_assert_uint_ge(poisoned_blocks(&p2) - b2, 500);
	syncmap_destroy(m1);
	syncmap_destroy(m2);
	poisoning_fini(&p1);
	poisoning_fini(&p2);
}
END_TEST

/* ---- the edges ---------------------------------------------------------- */

START_TEST(test_edges)
{
	struct counting c;
	syncmap_t *m;
	syncmap_iter_t it;
	const void *key = "unset";
	size_t klen = 99, allocs;
	void *v = (void *)0x5a5a;

	/* m NULL: an iterator that yields nothing. */
	syncmap_iter_begin(NULL, &it);
	ck_assert_int_eq(syncmap_iter_next(&it, &key, &klen, &v), 0);
	syncmap_iter_end(&it);
	ck_assert_int_eq(syncmap_iter_next(NULL, &key, &klen, &v), 0);
	syncmap_iter_begin(NULL, NULL);
	syncmap_iter_end(NULL);
	ck_assert_ptr_eq(v, (void *)0x5a5a);

	counting_init(&c);
	m = map_new(SYNCMAP_BOUNDED, &c);
	/* An empty map's loop allocates nothing, like its Range. */
	allocs = atomic_load(&c.allocs);
	syncmap_iter_begin(m, &it);
	ck_assert_int_eq(syncmap_iter_next(&it, &key, &klen, &v), 0);
	syncmap_iter_end(&it);
	ck_assert_uint_eq(atomic_load(&c.allocs), allocs);

	/* NULL out-pointers; a NULL value and an empty key are yielded. */
	ck_assert_int_eq(syncmap_store(m, "", 0, NULL), 0);
	ck_assert_int_eq(syncmap_store(m, "a", 1, V(1)), 0);
	syncmap_iter_begin(m, &it);
	ck_assert_int_eq(count_all(&it), 2);
	ck_assert_int_eq(syncmap_iter_next(&it, NULL, NULL, NULL), 0);
	syncmap_iter_end(&it);
	syncmap_iter_begin(m, &it);
	while (syncmap_iter_next(&it, &key, &klen, &v)) {
		ck_assert_ptr_nonnull(key);
		if (klen == 0)
			ck_assert_ptr_null(v);
		else
			ck_assert(klen == 1 && memcmp(key, "a", 1) == 0 && v == V(1));
	}
	syncmap_iter_end(&it);
	DESTROY_ALL_FREED(m, &c);
}
END_TEST

SUITE("iter", "iterators", 120,
	{ test_every_key_once, 2 },
	{ test_delete_current, 2 },
	{ test_delete_others, 2 },
	{ test_store_in_body, 2 },
	{ test_clear_in_body, 2 },
	{ test_clear_beside, 2 },
	{ test_churn, 2 },
	{ test_break_then_end, 2 },
	{ test_nesting, 1 },
	{ test_loop_in_range, 1 },
	{ test_key_valid_after_delete, 2 },
	{ test_key_valid_after_clear, 2 },
	{ test_edges, 1 })
