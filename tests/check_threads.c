/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_threads.c - the map under concurrency: one LoadOrStore winner per
 * key, read-your-own-writes while others churn, Range during writes, Clear
 * racing stores and loads, values published with their contents, threads
 * exiting with garbage outstanding, and the bounded rule after churn.  Each
 * test is bounded to a few seconds.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define THREADS 4

static void
run_threads(void *(*fn)(void *), void *args, size_t argsize, int n)
{
	pthread_t t[16];
	int i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, fn, (char *)args + i * argsize), 0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
}

/* ---- LoadOrStore: exactly one winner per key ------------------------------ */

#define LOS_KEYS 20000

struct los_arg {
	syncmap_t *m;
	int id, nkeys;
	unsigned char *won;        /* [LOS_KEYS], per thread */
	void **seen;               /* [LOS_KEYS], per thread */
};

static void *
los_worker(void *p)
{
	struct los_arg *a = p;
	char k[KEYBUF];
	int i, j, rc;

	for (j = 0; j < a->nkeys; j++) {
		/* Each thread walks the keys in its own order. */
		i = (a->id % 2) ? a->nkeys - 1 - j : j;
		rc = syncmap_load_or_store(a->m, k, key_of(k, i),
		    (void *)(intptr_t)(a->id + 1), &a->seen[i]);
		ck_assert_int_ge(rc, 0);
		a->won[i] = rc == 0;
	}
	return NULL;
}

START_TEST(test_load_or_store_single_winner)
{
	struct los_arg a[THREADS];
	syncmap_t *m = map_new(policy_of(_i), NULL);
	int t, i, winners, winner;
	void *v;
	char k[KEYBUF];

	for (t = 0; t < THREADS; t++) {
		a[t].m = m;
		a[t].id = t;
		a[t].nkeys = (int)(LOS_KEYS / test_scale());
		a[t].won = calloc(LOS_KEYS, 1);
		a[t].seen = calloc(LOS_KEYS, sizeof(void *));
	}
	run_threads(los_worker, a, sizeof(a[0]), THREADS);
	for (i = 0; i < a[0].nkeys; i++) {
		winners = 0;
		winner = -1;
		for (t = 0; t < THREADS; t++) {
			if (a[t].won[i]) {
				winners++;
				winner = t;
			}
		}
		ck_assert_int_eq(winners, 1);
		for (t = 0; t < THREADS; t++)
			ck_assert_ptr_eq(a[t].seen[i], (void *)(intptr_t)(winner + 1));
		ck_assert_int_eq(syncmap_load(m, k, key_of(k, i), &v), 1);
		ck_assert_ptr_eq(v, (void *)(intptr_t)(winner + 1));
	}
	VERIFY(m);
	for (t = 0; t < THREADS; t++) {
		free(a[t].won);
		free(a[t].seen);
	}
	syncmap_destroy(m);
}
END_TEST

/* ---- read-your-own-writes under churn, with Range ------------------------ */

#define OWN_KEYS 64
#define SHARED_KEYS 256

struct churn_arg {
	syncmap_t *m;
	int id;
	double until;
	/* A thread that the scheduler (valgrind's, on a loaded machine)
	 * starved until `until` goes on to min_ops, up to `deadline`: the
	 * test asks that every thread made progress, not that it was given a
	 * fair share of 3 seconds. */
	double deadline;
	unsigned long min_ops;
	unsigned long ops;
	size_t own_live;
};

struct own_walk {
	int id;
	bool seen[OWN_KEYS];
	void *value[OWN_KEYS];
	bool twice;
	struct ref *all;           /* every key seen in this walk */
};

static int
own_visit(const void *key, size_t klen, void *value, void *arg)
{
	struct own_walk *w = arg;
	char text[KEYBUF];
	size_t i;
	int id, j;

	i = ref_slot(w->all, key, klen);
	if (w->all->slot[i].present)
		w->twice = true;
	w->all->slot[i].present = true;
	if (klen < sizeof(text)) {
		memcpy(text, key, klen);
		text[klen] = '\0';
	} else {
		text[0] = '\0';
	}
	if (sscanf(text, "o%d-%d", &id, &j) == 2 && id == w->id) {
		ck_assert(j >= 0 && j < OWN_KEYS);
		w->seen[j] = true;
		w->value[j] = value;
	}
	return 0;
}

static void *
churn_worker(void *p)
{
	struct churn_arg *a = p;
	unsigned long long s = 0x1234567ULL * (unsigned long long)(a->id + 1);
	void *own[OWN_KEYS] = { 0 };
	bool has[OWN_KEYS] = { 0 };
	static __thread struct ref walked;
	char k[KEYBUF];
	size_t klen;
	void *v, *got;
	int j, op;

	while (now() < a->until || (a->ops <= a->min_ops && now() < a->deadline)) {
		j = (int)(rnd(&s) % OWN_KEYS);
		klen = (size_t)snprintf(k, sizeof(k), "o%d-%d", a->id, j);
		v = (void *)(intptr_t)(rnd(&s) % 1000 + 1);
		op = (int)(rnd(&s) % 8);
		switch (op) {
		case 0:
			ck_assert_int_eq(syncmap_store(a->m, k, klen, v), 0);
			own[j] = v;
			has[j] = true;
			break;
		case 1:
			ck_assert_int_eq(syncmap_delete(a->m, k, klen), has[j]);
			has[j] = false;
			break;
		case 2:
			ck_assert_int_eq(syncmap_load_or_store(a->m, k, klen, v, &got), has[j]);
			ck_assert_ptr_eq(got, has[j] ? own[j] : v);
			own[j] = got;
			has[j] = true;
			break;
		case 3:
			ck_assert_int_eq(syncmap_compare_and_swap(a->m, k, klen, own[j], v), has[j]);
			if (has[j])
				own[j] = v;
			break;
		case 4:
			ck_assert_int_eq(syncmap_swap(a->m, k, klen, v, &got), has[j]);
			if (has[j])
				ck_assert_ptr_eq(got, own[j]);
			own[j] = v;
			has[j] = true;
			break;
		case 5: {
			struct own_walk w = { .id = a->id, .all = &walked };

			ref_init(&walked);
			ck_assert_int_eq(syncmap_range(a->m, own_visit, &w), 0);
			ck_assert_msg(!w.twice, "range visited a key twice");
			for (j = 0; j < OWN_KEYS; j++) {
				ck_assert_int_eq(w.seen[j], has[j]);
				if (has[j])
					ck_assert_ptr_eq(w.value[j], own[j]);
			}
			break;
		}
		default:
			/* Shared keys: anything goes, nothing is checked but the
			 * calls' success. */
			klen = key_of(k, (long)(rnd(&s) % SHARED_KEYS));
			switch (rnd(&s) % 6) {
			case 0: ck_assert_int_ge(syncmap_store(a->m, k, klen, v), 0); break;
			case 1: ck_assert_int_ge(syncmap_delete(a->m, k, klen), 0); break;
			case 2: ck_assert_int_ge(syncmap_load_or_store(a->m, k, klen, v, NULL), 0); break;
			case 3: ck_assert_int_ge(syncmap_load_and_delete(a->m, k, klen, NULL), 0); break;
			case 4: ck_assert_int_ge(syncmap_compare_and_delete(a->m, k, klen, v), 0); break;
			default: ck_assert_int_ge(syncmap_load(a->m, k, klen, NULL), 0);
			}
		}
		/* Own keys read back as last written, whatever the others do. */
		j = (int)(rnd(&s) % OWN_KEYS);
		klen = (size_t)snprintf(k, sizeof(k), "o%d-%d", a->id, j);
		ck_assert_int_eq(syncmap_load(a->m, k, klen, &got), has[j]);
		if (has[j])
			ck_assert_ptr_eq(got, own[j]);
		a->ops++;
	}
	a->own_live = 0;
	for (j = 0; j < OWN_KEYS; j++)
		a->own_live += has[j];
	return NULL;
}

START_TEST(test_read_your_writes_under_churn)
{
	struct churn_arg a[THREADS];
	syncmap_t *m = map_new(policy_of(_i), NULL);
	struct syncmap_stats st;
	size_t visits = 0;
	int t;

	for (t = 0; t < THREADS; t++)
		a[t] = (struct churn_arg){ .m = m, .id = t, .until = now() + 3,
		    .deadline = now() + 30, .min_ops = 200 / (unsigned long)test_scale() };
	run_threads(churn_worker, a, sizeof(a[0]), THREADS);
	VERIFY(m);
	st = stats_of(m);
	ck_assert_int_eq(syncmap_range(m, count_visit, &visits), 0);
	ck_assert_uint_eq(visits, st.live);
	for (t = 0; t < THREADS; t++)
		ck_assert_uint_gt(a[t].ops, a[t].min_ops);
	if (policy_of(_i) == SYNCMAP_BOUNDED) {
		ck_assert_uint_le(st.dead_entries, st.live > 64 ? st.live : 64);
		ck_assert_uint_le(st.bytes, bounded_bytes_limit(st.live, 8 * st.live));
	}
	syncmap_destroy(m);
}
END_TEST

/* ---- Go's TestConcurrentRange --------------------------------------------- */

#define RANGE_SIZE 1024

struct range_arg {
	syncmap_t *m;
	int g;
	atomic_bool *done;
};

static void *
range_writer(void *p)
{
	struct range_arg *a = p;
	unsigned long long s = (unsigned long long)a->g + 1;
	int64_t n, i;

	for (i = 0; !atomic_load(a->done); i++) {
		for (n = 1; n < RANGE_SIZE; n++) {
			if (rnd(&s) % RANGE_SIZE == 0)
				syncmap_store(a->m, &n, sizeof(n), (void *)(intptr_t)(n * i * a->g));
			else
				syncmap_load(a->m, &n, sizeof(n), NULL);
		}
	}
	return NULL;
}

struct range_check {
	bool seen[RANGE_SIZE + 1];
	size_t n;
};

static int
range_visit(const void *key, size_t klen, void *value, void *arg)
{
	struct range_check *c = arg;
	int64_t k;

	ck_assert_uint_eq(klen, sizeof(k));
	memcpy(&k, key, sizeof(k));
	ck_assert_msg((intptr_t)value % k == 0,
	    "while storing multiples of %lld, Range saw %lld", (long long)k,
	    (long long)(intptr_t)value);
	ck_assert_msg(!c->seen[k], "Range visited key %lld twice", (long long)k);
	c->seen[k] = true;
	c->n++;
	return 0;
}

START_TEST(test_go_concurrent_range)
{
	syncmap_t *m = map_new(policy_of(_i), NULL);
	struct range_arg a[2];
	pthread_t t[2];
	atomic_bool done = false;
	int64_t n;
	int g, iter;

	for (n = 1; n <= RANGE_SIZE; n++)
		syncmap_store(m, &n, sizeof(n), (void *)(intptr_t)n);
	for (g = 0; g < 2; g++) {
		a[g] = (struct range_arg){ .m = m, .g = g + 1, .done = &done };
		ck_assert_int_eq(pthread_create(&t[g], NULL, range_writer, &a[g]), 0);
	}
	for (iter = 0; iter < 256 / test_scale(); iter++) {
		struct range_check c;

		memset(&c, 0, sizeof(c));
		ck_assert_int_eq(syncmap_range(m, range_visit, &c), 0);
		ck_assert_uint_eq(c.n, RANGE_SIZE);
	}
	atomic_store(&done, true);
	for (g = 0; g < 2; g++)
		pthread_join(t[g], NULL);
	VERIFY(m);
	syncmap_destroy(m);
}
END_TEST

/* ---- Go's TestConcurrentClear, harder ---------------------------------------- */

struct clear_arg {
	syncmap_t *m;
	int role, k;
};

static void *
clear_worker(void *p)
{
	struct clear_arg *a = p;
	char k[KEYBUF];
	int i;

	for (i = 0; i < 2000; i++) {
		size_t klen = key_of(k, (a->k * 31 + i) % 100);

		switch (a->role) {
		case 0: ck_assert_int_eq(syncmap_store(a->m, k, klen, (void *)(intptr_t)(i + 1)), 0); break;
		case 1: ck_assert_int_ge(syncmap_load(a->m, k, klen, NULL), 0); break;
		default: ck_assert_int_eq(syncmap_clear(a->m), 0);
		}
	}
	return NULL;
}

START_TEST(test_go_concurrent_clear)
{
	syncmap_t *m = map_new(policy_of(_i), NULL);
	struct clear_arg a[12];
	size_t n = 0;
	int i;

	for (i = 0; i < 12; i++)
		a[i] = (struct clear_arg){ .m = m, .role = i % 3, .k = i };
	run_threads(clear_worker, a, sizeof(a[0]), 12);
	VERIFY(m);
	ck_assert_int_eq(syncmap_clear(m), 0);
	ck_assert_int_eq(syncmap_range(m, count_visit, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(stats_of(m).live, 0);
	VERIFY(m);
	syncmap_destroy(m);
}
END_TEST

/* ---- happens-before: a loaded value's contents are visible ------------------ */

#define MP_KEYS 20000

struct message {
	uint64_t a, b, c;
};

static void *
mp_writer(void *p)
{
	syncmap_t *m = p;
	struct message *msg;
	uint64_t i;

	for (i = 0; i < MP_KEYS / (uint64_t)test_scale(); i++) {
		msg = malloc(sizeof(*msg));
		msg->a = i;
		msg->b = i * 3;
		msg->c = ~i;
		ck_assert_int_eq(syncmap_store(m, &i, sizeof(i), msg), 0);
	}
	return NULL;
}

static void *
mp_reader(void *p)
{
	syncmap_t *m = p;
	struct message *msg;
	uint64_t i;

	for (i = 0; i < MP_KEYS / (uint64_t)test_scale(); i++) {
		while (syncmap_load(m, &i, sizeof(i), (void **)&msg) != 1)
			sched_yield();
		ck_assert(msg->a == i && msg->b == i * 3 && msg->c == ~i);
	}
	return NULL;
}

static int
free_value(const void *key, size_t klen, void *value, void *arg)
{
	(void)key; (void)klen; (void)arg;
	free(value);
	return 0;
}

START_TEST(test_happens_before)
{
	syncmap_t *m = map_new(policy_of(_i), NULL);
	pthread_t w, r;

	ck_assert_int_eq(pthread_create(&r, NULL, mp_reader, m), 0);
	ck_assert_int_eq(pthread_create(&w, NULL, mp_writer, m), 0);
	pthread_join(w, NULL);
	pthread_join(r, NULL);
	syncmap_range(m, free_value, NULL);
	syncmap_destroy(m);
}
END_TEST

/* ---- threads that exit; garbage freed without them ------------------------ */

struct exit_arg {
	syncmap_t *m;
	int id;
};

/* Adds keys and loads them (promotions, so old tables are retired), then
 * deletes and exits: the garbage these threads retired outlives them. */
static void *
short_lived(void *p)
{
	struct exit_arg *a = p;
	char k[KEYBUF];
	int i;

	for (i = 0; i < 200; i++) {
		size_t klen = key_of(k, a->id * 1000 + i);

		ck_assert_int_eq(syncmap_store(a->m, k, klen, NULL), 0);
		ck_assert_int_eq(syncmap_load(a->m, k, klen, NULL), 1);
		if (i % 2)
			ck_assert_int_eq(syncmap_delete(a->m, k, klen), 1);
	}
	return NULL;
}

static void *
reader_only(void *p)
{
	syncmap_t *m = p;
	int i;

	for (i = 0; i < 1000; i++)
		ck_assert_int_ge(syncmap_load(m, "k1", 2, NULL), 0);
	return NULL;
}

START_TEST(test_thread_exit)
{
	struct exit_arg a[THREADS];
	struct counting c;
	syncmap_t *m;
	pthread_t t;
	int round, i;

	counting_init(&c);
	m = map_new(policy_of(_i), &c);
	for (round = 0; round < 100 / test_scale(); round++) {
		for (i = 0; i < THREADS; i++)
			a[i] = (struct exit_arg){ .m = m, .id = round * THREADS + i };
		run_threads(short_lived, a, sizeof(a[0]), THREADS);
	}
	VERIFY(m);
	/* The threads that retired it are gone; a thread that only reads
	 * still gets the garbage freed (docs/design.md, rule 6c). */
	ck_assert_int_eq(pthread_create(&t, NULL, reader_only, m), 0);
	pthread_join(t, NULL);
	ck_assert_uint_eq(stats_of(m).pending_bytes, 0);
	ck_assert_uint_eq(stats_of(m).bytes, counting_outstanding(&c));
	DESTROY_ALL_FREED(m, &c);
}
END_TEST

/*
 * Garbage is freed by reads alone.  The writer's last act is a promotion,
 * so it exits with an old table pending.  The allocator (which polls
 * nothing) shows the readers alone freeing it; stats afterwards finds
 * nothing left to free.
 */
static void *
write_then_promote(void *p)
{
	syncmap_t *m = p;
	struct exit_arg a = { .m = m, .id = 7 };

	short_lived(&a);
	ck_assert_int_eq(syncmap_store(m, "last", 4, NULL), 0);
	promote(m);
	return NULL;
}

START_TEST(test_reads_free_garbage)
{
	struct counting c;
	syncmap_t *m;
	pthread_t t;
	size_t after_writer, after_readers;

	counting_init(&c);
	m = map_new(policy_of(_i), &c);
	ck_assert_int_eq(pthread_create(&t, NULL, write_then_promote, m), 0);
	pthread_join(t, NULL);
	after_writer = counting_outstanding(&c);
	ck_assert_int_eq(pthread_create(&t, NULL, reader_only, m), 0);
	pthread_join(t, NULL);
	after_readers = counting_outstanding(&c);
	ck_assert_uint_lt(after_readers, after_writer);
	ck_assert_uint_eq(stats_of(m).bytes, after_readers);
	ck_assert_uint_eq(stats_of(m).pending_bytes, 0);
	syncmap_destroy(m);
}
END_TEST

/*
 * Grace periods, deterministically.  A Range callback (inside its call's
 * read-side section) keeps the key and value it was shown while another
 * thread takes that entry out of every table (a copy that expunges it and
 * the promotion that drops it; a compaction; Clear) and then drives polls:
 * stats, and hundreds of locked calls.  The entry must be retired, not
 * freed, until the callback returns.  The allocator poisons what is freed
 * and never reuses it, so an early free shows in the key bytes every time,
 * in the plain build.
 */
#define GRACE_KEYLEN 40

enum grace_way { GRACE_PROMOTION, GRACE_COMPACTION, GRACE_CLEAR, NGRACE };

struct grace {
	syncmap_t *m;
	enum grace_way way;
	const unsigned char *key;  /* the entry's own bytes, as Range gave them */
	unsigned char copy[GRACE_KEYLEN];
	void *value;
	size_t pending;            /* held back while the callback ran */
};

static size_t
grace_key(char *buf, int i)
{
	memset(buf, 'g', GRACE_KEYLEN);
	snprintf(buf, GRACE_KEYLEN, "grace-%d", i);
	buf[strlen(buf)] = '-';
	return GRACE_KEYLEN;
}

static void *
grace_remover(void *p)
{
	struct grace *g = p;
	uint64_t promotions = stats_of(g->m).promotions;
	char k[KEYBUF];
	int i;

	ck_assert_int_eq(syncmap_delete(g->m, g->key, GRACE_KEYLEN), 1);
	switch (g->way) {
	case GRACE_PROMOTION:
		/* Go's path: the copy for a new key expunges the deleted
		 * entry, the promotion that misses bring drops it. */
		ck_assert_int_eq(syncmap_store(g->m, "new", 3, NULL), 0);
		for (i = 0; i < 100 && stats_of(g->m).promotions == promotions; i++)
			syncmap_load(g->m, "absent", 6, NULL);
		ck_assert_uint_gt(stats_of(g->m).promotions, promotions);
		break;
	case GRACE_COMPACTION:
		for (i = 0; i < 100; i++) {
			char gk[GRACE_KEYLEN];

			syncmap_delete(g->m, gk, grace_key(gk, i));
		}
		ck_assert_uint_gt(stats_of(g->m).compactions, 0);
		break;
	default:
		ck_assert_int_eq(syncmap_clear(g->m), 0);
	}
	ck_assert_int_eq(syncmap_load(g->m, g->key, GRACE_KEYLEN, NULL), 0);
	/* Polls: stats polls, and so does every 8th locked call. */
	for (i = 0; i < 400; i++) {
		ck_assert_int_eq(syncmap_store(g->m, k, key_of(k, i), NULL), 0);
		ck_assert_int_eq(syncmap_delete(g->m, k, key_of(k, i)), 1);
		if (i % 50 == 0)
			promote(g->m);
		(void)stats_of(g->m);
	}
	g->pending = stats_of(g->m).pending_bytes;
	return NULL;
}

static int
grace_hold(const void *key, size_t klen, void *value, void *arg)
{
	struct grace *g = arg;
	pthread_t t;

	ck_assert_uint_eq(klen, GRACE_KEYLEN);
	g->key = key;
	g->value = value;
	memcpy(g->copy, key, GRACE_KEYLEN);
	ck_assert_int_eq(pthread_create(&t, NULL, grace_remover, g), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_msg(memcmp(g->key, g->copy, GRACE_KEYLEN) == 0,
	    "an entry a range callback holds was freed under it (its key reads %02x %02x...)",
	    g->key[0], g->key[1]);
	/* It was retired, and waited: the polls could not free it. */
	ck_assert_uint_ge(g->pending, GRACE_KEYLEN);
	return 1;
}

START_TEST(test_grace_period_holds_entry)
{
	struct grace g = { .way = (enum grace_way)_i };
	struct syncmap_options o = { .policy = g.way == GRACE_COMPACTION ?
	    SYNCMAP_BOUNDED : SYNCMAP_CLASSIC };
	struct syncmap_stats st;
	struct poisoning p;
	char k[GRACE_KEYLEN];
	size_t frees;
	int i, n = g.way == GRACE_COMPACTION ? 100 : 10;

	poisoning_init(&p);
	o.allocator = &p.a;
	ck_assert_ptr_nonnull(g.m = syncmap_create(&o));
	for (i = 0; i < n; i++)
		ck_assert_int_eq(syncmap_store(g.m, k, grace_key(k, i), (void *)(intptr_t)(i + 1)), 0);
	promote(g.m);
	frees = atomic_load(&p.c.frees);
	ck_assert_int_eq(syncmap_range(g.m, grace_hold, &g), 1);
	ck_assert_ptr_nonnull(g.value);
	/* Once the callback is done, the same polls free it. */
	for (i = 0; i < 4; i++)
		st = stats_of(g.m);
	ck_assert_uint_eq(st.pending_bytes, 0);
	ck_assert_uint_gt(atomic_load(&p.c.frees), frees);
	VERIFY(g.m);
	DESTROY_ALL_FREED(g.m, &p.c);
	poisoning_fini(&p);
}
END_TEST

SUITE("threads", "concurrent", 60,
	/* Loop index 0: SYNCMAP_BOUNDED, 1: SYNCMAP_CLASSIC. */
	{ test_load_or_store_single_winner, 2 },
	{ test_read_your_writes_under_churn, 2 },
	{ test_go_concurrent_range, 2 },
	{ test_go_concurrent_clear, 2 },
	{ test_happens_before, 2 },
	{ test_thread_exit, 2 },
	{ test_reads_free_garbage, 2 },
	{ test_grace_period_holds_entry, NGRACE })
