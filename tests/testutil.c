/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * testutil.c - shared test helpers (see testutil.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static void *
counting_malloc(size_t size, void *ctx)
{
	struct counting *c = ctx;
	void *p;

	static _Thread_local unsigned long long seed;
	unsigned odds = atomic_load(&c->fail_one_in);

	if (seed == 0)
		seed = (unsigned long long)(uintptr_t)&seed | 1;
	if ((atomic_load(&c->fail_in) > 0 && atomic_fetch_sub(&c->fail_in, 1) == 1) ||
	    (odds > 0 && rnd(&seed) % odds == 0)) {
		atomic_fetch_add(&c->failures, 1);
		return NULL;
	}
	if ((p = malloc(size)) != NULL) {
		atomic_fetch_add(&c->bytes, size);
		atomic_fetch_add(&c->allocs, 1);
	}
	return p;
}

static void
counting_free(void *p, size_t size, void *ctx)
{
	struct counting *c = ctx;

	ck_assert_ptr_nonnull(p);
	atomic_fetch_sub(&c->bytes, size);
	atomic_fetch_add(&c->frees, 1);
	free(p);
}

void
counting_init(struct counting *c)
{
	memset(c, 0, sizeof(*c));
	c->a.malloc = counting_malloc;
	c->a.free = counting_free;
	c->a.ctx = c;
}

void
counting_fail_in(struct counting *c, long n)
{
	atomic_store(&c->fail_in, n);
}

size_t
counting_outstanding(struct counting *c)
{
	return atomic_load(&c->bytes);
}

struct poisoned_block {
	struct poisoned_block *next;
	unsigned char *p;
	size_t size;
};

static void *
poisoning_malloc(size_t size, void *ctx)
{
	struct poisoning *p = ctx;

	return p->c.a.malloc(size, &p->c);
}

static void
poisoning_free(void *block, size_t size, void *ctx)
{
	struct poisoning *p = ctx;
	struct poisoned_block *b = malloc(sizeof(*b));

	ck_assert_ptr_nonnull(block);
	ck_assert_ptr_nonnull(b);
	memset(block, POISON, size);
	b->p = block;
	b->size = size;
	pthread_mutex_lock(&p->mu);
	b->next = p->kept;
	p->kept = b;
	pthread_mutex_unlock(&p->mu);
	atomic_fetch_sub(&p->c.bytes, size);
	atomic_fetch_add(&p->c.frees, 1);
}

void
poisoning_init(struct poisoning *p)
{
	counting_init(&p->c);
	p->a.malloc = poisoning_malloc;
	p->a.free = poisoning_free;
	p->a.ctx = p;
	pthread_mutex_init(&p->mu, NULL);
	p->kept = NULL;
}

void
poisoning_fini(struct poisoning *p)
{
	struct poisoned_block *b;
	size_t i;

	while ((b = p->kept) != NULL) {
		/* One assertion per block: Check's are too slow per byte for
		 * the hundreds of thousands of blocks some tests free. */
		for (i = 0; i < b->size && b->p[i] == POISON; i++)
			;
		ck_assert_msg(i == b->size,
		    "byte %zu of a freed block of %zu was written after the free",
		    i, b->size);
		p->kept = b->next;
		free(b->p);
		free(b);
	}
	pthread_mutex_destroy(&p->mu);
}

syncmap_t *
map_new(enum syncmap_policy policy, struct counting *c)
{
	struct syncmap_options o = { .policy = policy, .allocator = c ? &c->a : NULL };
	syncmap_t *m = syncmap_create(&o);

	ck_assert_ptr_nonnull(m);
	return m;
}

void
ref_init(struct ref *r)
{
	memset(r, 0, sizeof(*r));
}

size_t
ref_slot(struct ref *r, const void *key, size_t klen)
{
	size_t i;

	ck_assert_uint_le(klen, sizeof(r->slot[0].key));
	for (i = 0; i < r->n; i++)
		if (r->slot[i].klen == klen && (klen == 0 || memcmp(r->slot[i].key, key, klen) == 0))
			return i;
	ck_assert_uint_lt(r->n, REF_MAX);
	if (klen > 0)
		memcpy(r->slot[r->n].key, key, klen);
	r->slot[r->n].klen = klen;
	r->slot[r->n].present = false;
	return r->n++;
}

size_t
ref_live(const struct ref *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		n += r->slot[i].present;
	return n;
}

struct ref_walk {
	const struct ref *r;
	bool seen[REF_MAX];
	size_t visits;
};

static int
ref_visit(const void *key, size_t klen, void *value, void *arg)
{
	struct ref_walk *w = arg;
	size_t i;

	for (i = 0; i < w->r->n; i++) {
		if (w->r->slot[i].klen != klen || (klen && memcmp(w->r->slot[i].key, key, klen)))
			continue;
		ck_assert_msg(w->r->slot[i].present, "range visited an absent key");
		ck_assert_msg(!w->seen[i], "range visited a key twice");
		ck_assert_ptr_eq(value, w->r->slot[i].value);
		w->seen[i] = true;
		w->visits++;
		return 0;
	}
	ck_abort_msg("range visited a key the model never had");
	return 1;
}

void
ref_compare(const struct ref *r, syncmap_t *m)
{
	struct ref_walk w = { .r = r };
	void *v;
	size_t i;

	for (i = 0; i < r->n; i++) {
		v = (void *)0x5a5a;
		ck_assert_int_eq(syncmap_load(m, r->slot[i].key, r->slot[i].klen, &v),
		    r->slot[i].present);
		if (r->slot[i].present)
			ck_assert_ptr_eq(v, r->slot[i].value);
		else
			ck_assert_ptr_eq(v, (void *)0x5a5a);
	}
	ck_assert_int_eq(syncmap_range(m, ref_visit, &w), 0);
	ck_assert_uint_eq(w.visits, ref_live(r));
}

struct syncmap_stats
stats_of(syncmap_t *m)
{
	struct syncmap_stats st;

	/* Whole snapshots are compared bytewise; check_growth is what checks
	 * that the library clears the reserved counters itself. */
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(syncmap_stats(m, &st), 0);
	return st;
}

static int
stop_at_once(const void *key, size_t klen, void *value, void *arg)
{
	(void)key; (void)klen; (void)value; (void)arg;
	return 1;
}

void
promote(syncmap_t *m)
{
	ck_assert_int_ge(syncmap_range(m, stop_at_once, NULL), 0);
}

int
count_visit(const void *key, size_t klen, void *value, void *arg)
{
	(void)key; (void)klen; (void)value;
	++*(size_t *)arg;
	return 0;
}

enum syncmap_policy
policy_of(int i)
{
	return i ? SYNCMAP_CLASSIC : SYNCMAP_BOUNDED;
}

long
test_scale(void)
{
	const char *s = getenv("SYNCMAP_TEST_SCALE");
	long n = s != NULL ? atol(s) : 1;

	return n > 0 ? n : 1;
}

bool
fork_test_skipped(void)
{
#ifdef __SANITIZE_THREAD__
	printf("fork test skipped under ThreadSanitizer\n");
	return true;
#else
	if (test_scale() > 1) {
		printf("fork test skipped under valgrind (SYNCMAP_TEST_SCALE > 1)\n");
		return true;
	}
	return false;
#endif
}

size_t
key_of(char *buf, long i)
{
	return (size_t)snprintf(buf, KEYBUF, "k%ld", i);
}

void
store_keys(syncmap_t *m, long n, void *value)
{
	char k[KEYBUF];
	long i;

	for (i = 0; i < n; i++)
		syncmap_store(m, k, key_of(k, i), value);
}

size_t
bounded_bytes_limit(size_t live, size_t key_bytes)
{
	return 3 * (key_bytes + 64 * live) + ((size_t)256 << 10);
}

Suite *
suite_of(const char *name, const char *tcase, int timeout,
    const struct test_row *rows, size_t nrows)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create(tcase);
	size_t i;

	for (i = 0; i < nrows; i++)
		tcase_add_loop_test(tc, rows[i].test, 0, rows[i].loops);
	if (timeout > 0)
		tcase_set_timeout(tc, timeout);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
