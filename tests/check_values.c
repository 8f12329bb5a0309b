/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_values.c - values whose lifetime the map manages (syncmap.h,
 * struct syncmap_value_ops; docs/design.md, "Managed values").
 *
 * What is checked is what a user sees: reference counts on their own
 * objects (a release too many or too few, a retain missing or extra,
 * shows as a count off), objects that are really freed when the last
 * reference goes (so AddressSanitizer and valgrind see a use after free
 * while a section still holds one), and the allocator's own count after
 * destroy.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

/* ---- objects the tests own -------------------------------------------- */

#define LIVE 0x5eed
#define DEAD 0xdead

struct obj {
	atomic_int refs;
	atomic_int magic;
	atomic_int released;       /* releases the map made of it */
	bool heap;                 /* freed at the last reference */
};

static atomic_long objs_alive;
static atomic_long releases_seen;
static atomic_bool release_with_null;
static atomic_bool release_bad_ctx;
static char ctx_token;

static struct obj *
obj_new(void)
{
	struct obj *o = calloc(1, sizeof(*o));

	ck_assert_ptr_nonnull(o);
	atomic_init(&o->refs, 1);
	atomic_init(&o->magic, LIVE);
	o->heap = true;
	atomic_fetch_add(&objs_alive, 1);
	return o;
}

static void
obj_put(struct obj *o)
{
	int r = atomic_fetch_sub(&o->refs, 1);

	ck_assert_int_gt(r, 0);
	if (r == 1 && o->heap) {
		atomic_store(&o->magic, DEAD);
		free(o);
		atomic_fetch_sub(&objs_alive, 1);
	}
}

static void
obj_release(void *v, void *ctx)
{
	struct obj *o = v;

	if (v == NULL)
		atomic_store(&release_with_null, true);
	if (ctx != &ctx_token)
		atomic_store(&release_bad_ctx, true);
	if (v == NULL)
		return;
	ck_assert_int_eq(atomic_load(&o->magic), LIVE);
	atomic_fetch_add(&o->released, 1);
	atomic_fetch_add(&releases_seen, 1);
	obj_put(o);
}

static void
obj_retain(void *v, void *ctx)
{
	struct obj *o = v;

	(void)ctx;
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(atomic_load(&o->magic), LIVE);
	ck_assert_int_gt(atomic_fetch_add(&o->refs, 1), 0);
}

static const struct syncmap_value_ops releasing = { obj_release, NULL, &ctx_token };
static const struct syncmap_value_ops retaining = { obj_release, obj_retain, &ctx_token };

static syncmap_t *
values_map(enum syncmap_policy policy, struct counting *c,
           const struct syncmap_value_ops *ops)
{
	struct syncmap_options o = {
		.policy = policy, .allocator = c ? &c->a : NULL, .values = ops,
	};
	syncmap_t *m = syncmap_create(&o);

	ck_assert_ptr_nonnull(m);
	return m;
}

static void
no_bad_calls(void)
{
	ck_assert_msg(!atomic_load(&release_with_null), "release called with NULL");
	ck_assert_msg(!atomic_load(&release_bad_ctx), "release given another ctx");
}

/* ---- the model: every departure path, counted exactly ----------------- */

#define MKEYS 300
#define MOBJS 24

/*
 * One thread, random operations over few keys and objects.  The test
 * takes a reference before each call that may store (the one the call
 * takes from the caller) and drops it if the call did not store; it drops
 * at once every reference handed back retained.  A release may come late,
 * never early: refs >= holders at every step; after syncmap_barrier,
 * refs == holders exactly.  Destroy then releases the rest before it
 * returns (no section is open).
 */
static void
run_model(enum syncmap_policy policy, const struct syncmap_value_ops *ops,
          unsigned long long seed)
{
	static struct obj pool[MOBJS];
	int holder[MKEYS];          /* object index, -1 NULL value, -2 absent */
	int holders[MOBJS];
	bool retains = ops->retain != NULL;
	struct counting c;
	syncmap_t *m;
	char k[KEYBUF];
	size_t kl;
	long steps = 40000 / test_scale(), s;
	int i, ki, oi, prev;
	void *v;
	struct obj *want;
	int rc;

	memset(pool, 0, sizeof(pool));
	for (i = 0; i < MOBJS; i++) {
		atomic_init(&pool[i].magic, LIVE);
		holders[i] = 0;
	}
	for (i = 0; i < MKEYS; i++)
		holder[i] = -2;
	counting_init(&c);
	m = values_map(policy, &c, ops);

#define OBJ(i) ((i) >= 0 ? (void *)&pool[i] : NULL)
#define TAKE(i) do { if ((i) >= 0) atomic_fetch_add(&pool[i].refs, 1); } while (0)
#define DROP(p) do { if ((p) != NULL) obj_put(p); } while (0)
#define HOLD(ki, i) do {                                                \
	if (holder[ki] >= 0) holders[holder[ki]]--;                     \
	holder[ki] = (i);                                               \
	if ((i) >= 0) holders[i]++;                                     \
} while (0)

	for (s = 0; s < steps; s++) {
		ki = (int)(rnd(&seed) % MKEYS);
		/* -1 stores NULL now and then: it has no box and no release. */
		oi = (int)(rnd(&seed) % (MOBJS + 1)) - 1;
		kl = key_of(k, ki);
		prev = holder[ki];
		switch (rnd(&seed) % 16) {
		case 0: case 1: case 2:
			TAKE(oi);
			ck_assert_int_eq(syncmap_store(m, k, kl, OBJ(oi)), 0);
			HOLD(ki, oi);
			break;
		case 3: case 4:
			TAKE(oi);
			v = (void *)1;
			rc = syncmap_swap(m, k, kl, OBJ(oi), &v);
			ck_assert_int_eq(rc, prev != -2);
			if (rc)
				ck_assert_ptr_eq(v, OBJ(prev));
			if (rc && retains)
				DROP(v);
			HOLD(ki, oi);
			break;
		case 5: case 6:
			TAKE(oi);
			v = (void *)1;
			rc = syncmap_load_or_store(m, k, kl, OBJ(oi), &v);
			ck_assert_int_eq(rc, prev != -2);
			ck_assert_ptr_eq(v, rc ? OBJ(prev) : OBJ(oi));
			if (retains)
				DROP(v);
			if (rc) {
				DROP(OBJ(oi));
			} else {
				HOLD(ki, oi);
			}
			break;
		case 7: case 8:
			/* Compare with what the key holds half the time. */
			want = rnd(&seed) & 1 ? OBJ(prev >= -1 ? prev : 0) :
			    OBJ((int)(rnd(&seed) % MOBJS));
			TAKE(oi);
			rc = syncmap_compare_and_swap(m, k, kl, want, OBJ(oi));
			ck_assert_int_eq(rc, prev != -2 && OBJ(prev) == want);
			if (rc) {
				HOLD(ki, oi);
			} else {
				DROP(OBJ(oi));
			}
			break;
		case 9:
			ck_assert_int_eq(syncmap_delete(m, k, kl), prev != -2);
			HOLD(ki, -2);
			break;
		case 10:
			v = (void *)1;
			rc = syncmap_load_and_delete(m, k, kl, &v);
			ck_assert_int_eq(rc, prev != -2);
			if (rc) {
				ck_assert_ptr_eq(v, OBJ(prev));
				if (retains)
					DROP(v);
			}
			HOLD(ki, -2);
			break;
		case 11:
			want = rnd(&seed) & 1 ? OBJ(prev >= -1 ? prev : 0) : NULL;
			rc = syncmap_compare_and_delete(m, k, kl, want);
			ck_assert_int_eq(rc, prev != -2 && OBJ(prev) == want);
			if (rc)
				HOLD(ki, -2);
			break;
		case 12:
			if (rnd(&seed) % 64 == 0) {
				ck_assert_int_eq(syncmap_clear(m), 0);
				for (i = 0; i < MKEYS; i++)
					HOLD(i, -2);
				break;
			}
			/* fall through */
		default:
			v = (void *)1;
			rc = syncmap_load(m, k, kl, &v);
			ck_assert_int_eq(rc, prev != -2);
			if (rc) {
				ck_assert_ptr_eq(v, OBJ(prev));
				if (retains)
					DROP(v);
			}
			break;
		}
		/* Now and then most keys go at once from read, which is what
		 * makes the bounded policy compact (at any SYNCMAP_TEST_SCALE). */
		if (s % 1000 == 500) {
			promote(m);
			for (i = 0; i < MKEYS; i += 1 + (i % 5 == 0)) {
				kl = key_of(k, i);
				ck_assert_int_eq(syncmap_delete(m, k, kl),
				    holder[i] != -2);
				HOLD(i, -2);
			}
		}
		for (i = 0; i < MOBJS; i++)
			ck_assert_int_ge(atomic_load(&pool[i].refs), holders[i]);
		if (s % 997 == 0) {
			VERIFY(m);
			ck_assert_int_eq(syncmap_barrier(), 0);
			for (i = 0; i < MOBJS; i++)
				ck_assert_msg(atomic_load(&pool[i].refs) == holders[i],
				    "object %d: %d references, %d holders after barrier",
				    i, atomic_load(&pool[i].refs), holders[i]);
		}
	}
	if (policy == SYNCMAP_BOUNDED)
		ck_assert_msg(stats_of(m).compactions > 0,
		    "the model never reached a compaction");
	syncmap_destroy(m);
	for (i = 0; i < MOBJS; i++)
		ck_assert_msg(atomic_load(&pool[i].refs) == 0,
		    "object %d: %d references left after destroy", i,
		    atomic_load(&pool[i].refs));
	ck_assert_uint_eq(counting_outstanding(&c), 0);
	no_bad_calls();
#undef OBJ
#undef TAKE
#undef DROP
#undef HOLD
}

START_TEST(test_model_releasing)
{
	run_model(policy_of(_i), &releasing, 7 + _i);
}
END_TEST

START_TEST(test_model_retaining)
{
	run_model(policy_of(_i), &retaining, 11 + _i);
}
END_TEST

/* ---- the rules of SPEC section 6, one by one --------------------------- */

START_TEST(test_create_needs_release)
{
	static const struct syncmap_value_ops none = { NULL, obj_retain, NULL };
	struct syncmap_options o = { .values = &none };

	errno = 0;
	ck_assert_ptr_null(syncmap_create(&o));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* Storing p over p departs the old p (one release) and keeps p; the same
 * pointer under two keys is released once per departure. */
START_TEST(test_same_pointer)
{
	syncmap_t *m = values_map(SYNCMAP_BOUNDED, NULL, &releasing);
	struct obj *o = obj_new();

	atomic_fetch_add(&o->refs, 2);                  /* 3: ours + 2 stores */
	ck_assert_int_eq(syncmap_store(m, "a", 1, o), 0);
	ck_assert_int_eq(syncmap_store(m, "a", 1, o), 0);
	ck_assert_int_eq(syncmap_barrier(), 0);
	ck_assert_int_eq(atomic_load(&o->released), 1);
	atomic_fetch_add(&o->refs, 1);
	ck_assert_int_eq(syncmap_store(m, "b", 1, o), 0);
	atomic_fetch_add(&o->refs, 1);
	ck_assert_int_eq(syncmap_compare_and_swap(m, "b", 1, o, o), 1);
	ck_assert_int_eq(syncmap_clear(m), 0);
	ck_assert_int_eq(syncmap_barrier(), 0);
	ck_assert_int_eq(atomic_load(&o->released), 4);
	ck_assert_int_eq(atomic_load(&o->refs), 1);
	syncmap_destroy(m);
	obj_put(o);
	no_bad_calls();
}
END_TEST

/* A hit of LoadOrStore allocates nothing; a swap that fails its compare
 * keeps the caller's value; every call that stores may fail with -ENOMEM
 * and then changes nothing, CompareAndSwap included; a departure needs no
 * memory, so deletes, Clear and destroy work with none to be had. */
START_TEST(test_memory)
{
	struct counting c;
	syncmap_t *m;
	struct obj *o = obj_new(), *p = obj_new();
	size_t allocs;
	void *v;
	int i;

	counting_init(&c);
	m = values_map(SYNCMAP_BOUNDED, &c, &retaining);
	atomic_fetch_add(&o->refs, 1);
	ck_assert_int_eq(syncmap_store(m, "a", 1, o), 0);
	allocs = atomic_load(&c.allocs);
	ck_assert_int_eq(syncmap_load_or_store(m, "a", 1, p, &v), 1);
	ck_assert_ptr_eq(v, o);
	obj_put(v);
	ck_assert_uint_eq(atomic_load(&c.allocs), allocs);

	counting_fail_in(&c, 1);
	ck_assert_int_eq(syncmap_compare_and_swap(m, "a", 1, o, p), -ENOMEM);
	counting_fail_in(&c, 1);
	ck_assert_int_eq(syncmap_store(m, "a", 1, p), -ENOMEM);
	counting_fail_in(&c, 1);
	ck_assert_int_eq(syncmap_swap(m, "a", 1, p, &v), -ENOMEM);
	ck_assert_int_eq(syncmap_load(m, "a", 1, &v), 1);
	ck_assert_ptr_eq(v, o);
	obj_put(v);
	ck_assert_int_eq(syncmap_compare_and_swap(m, "a", 1, p, p), 0);
	ck_assert_int_eq(atomic_load(&p->refs), 1);

	for (i = 0; i < 200; i++) {
		char k[KEYBUF];

		atomic_fetch_add(&p->refs, 1);
		ck_assert_int_eq(syncmap_store(m, k, key_of(k, i), p), 0);
	}
	atomic_store(&c.fail_one_in, 1);
	for (i = 0; i < 100; i++) {
		char k[KEYBUF];

		ck_assert_int_eq(syncmap_delete(m, k, key_of(k, i)), 1);
	}
	ck_assert_int_eq(syncmap_clear(m), 0);
	ck_assert_int_eq(syncmap_store(m, "c", 1, p), -ENOMEM);
	atomic_fetch_add(&p->refs, 1);
	atomic_store(&c.fail_one_in, 0);
	ck_assert_int_eq(syncmap_store(m, "c", 1, p), 0);
	atomic_store(&c.fail_one_in, 1);
	syncmap_destroy(m);
	atomic_store(&c.fail_one_in, 0);
	ck_assert_int_eq(atomic_load(&p->refs), 1);
	ck_assert_int_eq(atomic_load(&o->refs), 1);
	ck_assert_uint_eq(counting_outstanding(&c), 0);
	obj_put(o);
	obj_put(p);
	ck_assert_int_eq(atomic_load(&objs_alive), 0);
	no_bad_calls();
}
END_TEST

struct holder {
	syncmap_t *m;
	atomic_int stage;          /* 1: section open, 2: close it, 3: closed */
	void *seen;
};

static void
wait_stage(atomic_int *s, int want)
{
	while (atomic_load(s) < want)
		sched_yield();
}

/* Loads "a" in a section and holds it until told. */
static void *
hold_section(void *arg)
{
	struct holder *h = arg;

	syncmap_read_lock();
	ck_assert_int_eq(syncmap_load(h->m, "a", 1, &h->seen), 1);
	atomic_store(&h->stage, 1);
	wait_stage(&h->stage, 2);
	ck_assert_int_eq(atomic_load(&((struct obj *)h->seen)->magic), LIVE);
	syncmap_read_unlock();
	atomic_store(&h->stage, 3);
	return NULL;
}

/* A value that left while a section was open is not released, however
 * many calls follow, until the section closes; then within bounded calls
 * (here: on another map) or at the barrier.  Destroy with a section open
 * leaves that release to the barrier. */
START_TEST(test_release_waits_for_sections)
{
	syncmap_t *m = values_map(SYNCMAP_BOUNDED, NULL, &releasing);
	syncmap_t *other = map_new(SYNCMAP_BOUNDED, NULL);
	struct holder h = { .m = m };
	struct obj *o = obj_new();
	pthread_t t;
	long i;

	atomic_fetch_add(&o->refs, 1);
	ck_assert_int_eq(syncmap_store(m, "a", 1, o), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, hold_section, &h), 0);
	wait_stage(&h.stage, 1);
	ck_assert_int_eq(syncmap_delete(m, "a", 1), 1);
	for (i = 0; i < 100000; i++)
		syncmap_load(i & 1 ? m : other, "x", 1, NULL);
	ck_assert_int_eq(atomic_load(&o->released), 0);
	atomic_store(&h.stage, 2);
	wait_stage(&h.stage, 3);
	for (i = 0; i < 100000 && atomic_load(&o->released) == 0; i++)
		syncmap_load(other, "x", 1, NULL);
	ck_assert_msg(atomic_load(&o->released) == 1,
	    "not released within 100,000 calls after the section closed");
	pthread_join(t, NULL);

	atomic_store(&h.stage, 0);
	atomic_fetch_add(&o->refs, 1);
	ck_assert_int_eq(syncmap_store(m, "a", 1, o), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, hold_section, &h), 0);
	wait_stage(&h.stage, 1);
	syncmap_destroy(m);
	ck_assert_int_eq(atomic_load(&o->released), 1);
	atomic_store(&h.stage, 2);
	pthread_join(t, NULL);
	ck_assert_int_eq(syncmap_barrier(), 0);
	ck_assert_int_eq(atomic_load(&o->released), 2);
	syncmap_destroy(other);
	obj_put(o);
	no_bad_calls();
}
END_TEST

static syncmap_t *exiting_map;
static atomic_int idler_stage;   /* 1: values left, 2: may exit */

struct leaver {
	long n;
	bool idles;
};

/* n values stored into exiting_map and deleted again; then, if told,
 * the thread idles, alive and outside any section, until let go. */
static void *
leave_values(void *arg)
{
	struct leaver *l = arg;
	char k[KEYBUF];
	long i;

	for (i = 0; i < l->n; i++) {
		ck_assert_int_eq(syncmap_store(exiting_map, k, key_of(k, i),
		    obj_new()), 0);
		ck_assert_int_eq(syncmap_delete(exiting_map, k, key_of(k, i)), 1);
	}
	if (l->idles) {
		atomic_store(&idler_stage, 1);
		wait_stage(&idler_stage, 2);
	}
	return NULL;
}

/* The values a thread made leave are freed by later calls of other
 * threads, on another map, with no barrier: whether that thread exits at
 * once or idles on. */
static void
check_leaver(long n, bool idles)
{
	syncmap_t *other = map_new(SYNCMAP_BOUNDED, NULL);
	long before = atomic_load(&releases_seen), i;
	struct leaver l = { n, idles };
	pthread_t t;

	exiting_map = values_map(SYNCMAP_BOUNDED, NULL, &releasing);
	atomic_store(&idler_stage, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, leave_values, &l), 0);
	if (idles)
		wait_stage(&idler_stage, 1);
	else
		pthread_join(t, NULL);
	for (i = 0; i < 100000 && atomic_load(&releases_seen) - before < n; i++)
		syncmap_load(other, "x", 1, NULL);
	ck_assert_msg(atomic_load(&releases_seen) - before == n,
	    "%ld of %ld released within 100,000 calls",
	    atomic_load(&releases_seen) - before, n);
	if (idles) {
		atomic_store(&idler_stage, 2);
		pthread_join(t, NULL);
	}
	syncmap_destroy(exiting_map);
	syncmap_destroy(other);
	ck_assert_int_eq(atomic_load(&objs_alive), 0);
	no_bad_calls();
}

START_TEST(test_leaver_exits)
{
	check_leaver(50, false);
}
END_TEST

/* Fewer values than a thread's departure ring holds, which only a walk of
 * every thread's ring finds. */
START_TEST(test_leaver_idles)
{
	check_leaver(10, true);
}
END_TEST

/* Values in the departure ring of a thread that a fork's child lacks are
 * the child's to release too, each once, as they are the parent's. */
START_TEST(test_fork_releases_rings)
{
	long before = atomic_load(&releases_seen);
	struct leaver l = { 10, true };
	int status;
	pthread_t t;
	pid_t pid;

	if (fork_test_skipped())
		return;
	exiting_map = values_map(SYNCMAP_BOUNDED, NULL, &releasing);
	atomic_store(&idler_stage, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, leave_values, &l), 0);
	wait_stage(&idler_stage, 1);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		alarm(60);
		if (syncmap_barrier() != 0)
			_exit(2);
		_exit(atomic_load(&releases_seen) - before == 10 ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "the child did not release the other thread's values once each "
	    "(status %d)", status);
	atomic_store(&idler_stage, 2);
	pthread_join(t, NULL);
	ck_assert_int_eq(syncmap_barrier(), 0);
	ck_assert_int_eq(atomic_load(&releases_seen) - before, 10);
	syncmap_destroy(exiting_map);
	ck_assert_int_eq(atomic_load(&objs_alive), 0);
	no_bad_calls();
}
END_TEST

/* A release may call back into the same map, on other keys: no mutex is
 * held while it runs. */
static syncmap_t *reentrant_map;
static atomic_bool reentry_on;

static void
release_reentering(void *v, void *ctx)
{
	void *count = NULL;

	if (atomic_load(&reentry_on)) {
		syncmap_load(reentrant_map, "count", 5, &count);
		ck_assert_int_ge(syncmap_swap(reentrant_map, "count", 5,
		    NULL, NULL), 0);
		ck_assert_int_ge(syncmap_delete(reentrant_map, "gone", 4), 0);
	}
	obj_release(v, ctx);
}

START_TEST(test_release_reenters)
{
	static const struct syncmap_value_ops ops = {
		release_reentering, NULL, &ctx_token,
	};
	char k[KEYBUF];
	long i;

	reentrant_map = values_map(policy_of(_i),
	    NULL, &ops);
	atomic_store(&reentry_on, true);
	for (i = 0; i < 5000; i++) {
		ck_assert_int_eq(syncmap_store(reentrant_map, k, key_of(k, i % 300),
		    obj_new()), 0);
		if (i % 3 == 0)
			syncmap_delete(reentrant_map, k, key_of(k, (i * 7) % 300));
	}
	ck_assert_int_eq(syncmap_clear(reentrant_map), 0);
	ck_assert_int_eq(syncmap_barrier(), 0);
	ck_assert_int_eq(atomic_load(&objs_alive), 0);
	atomic_store(&reentry_on, false);
	syncmap_destroy(reentrant_map);
	no_bad_calls();
}
END_TEST

/* ---- threads: no release while a section that saw the value is open --- */

#define TKEYS 64
static syncmap_t *tmap;
static atomic_bool tstop;

/* Holds what it loads across a few yields, inside a section, then checks
 * it is still alive; or, with retain, outside any section. */
static void *
reader(void *arg)
{
	bool retains = arg != NULL;
	unsigned long long seed = (uintptr_t)&seed;
	char k[KEYBUF];
	void *v;
	int j;

	while (!atomic_load(&tstop)) {
		size_t kl = key_of(k, (long)(rnd(&seed) % TKEYS));

		if (!retains)
			syncmap_read_lock();
		if (syncmap_load(tmap, k, kl, &v) == 1 && v != NULL) {
			for (j = 0; j < 3; j++) {
				ck_assert_int_eq(atomic_load(&((struct obj *)v)->magic), LIVE);
				sched_yield();
			}
			if (retains)
				obj_put(v);
		}
		if (!retains)
			syncmap_read_unlock();
	}
	return NULL;
}

static void *
writer(void *arg)
{
	unsigned long long seed = (uintptr_t)&arg;
	long n = 60000 / test_scale(), i;
	char k[KEYBUF];
	bool owns = arg != NULL;     /* handed-back values are retained */
	struct obj *o;
	void *v;

	for (i = 0; i < n; i++) {
		size_t kl = key_of(k, (long)(rnd(&seed) % TKEYS));

		switch (rnd(&seed) % 6) {
		case 0:
			ck_assert_int_eq(syncmap_store(tmap, k, kl, obj_new()), 0);
			break;
		case 1:
			if (syncmap_swap(tmap, k, kl, obj_new(), &v) == 1 &&
			    owns && v != NULL)
				obj_put(v);
			break;
		case 2:
			o = obj_new();
			if (syncmap_load_or_store(tmap, k, kl, o, &v) == 1)
				obj_put(o);
			if (owns && v != NULL)
				obj_put(v);
			break;
		case 3:
			v = NULL;
			if (syncmap_load(tmap, k, kl, &v) == 1) {
				o = obj_new();
				if (syncmap_compare_and_swap(tmap, k, kl, v, o) != 1)
					obj_put(o);
				if (owns && v != NULL)
					obj_put(v);
			}
			break;
		case 4:
			if (syncmap_load_and_delete(tmap, k, kl, &v) == 1 &&
			    owns && v != NULL)
				obj_put(v);
			break;
		default:
			syncmap_delete(tmap, k, kl);
			break;
		}
	}
	return NULL;
}

/*
 * Two writers replace and delete values that two readers hold: with
 * release alone, readers hold them in sections; with retain, outside any
 * (arg says which; writers then drop what they are handed).  The freeing
 * is real, so a release too early is a use after free the sanitizers and
 * the magic check catch.  Afterwards every object is gone and the
 * allocator holds nothing.
 */
START_TEST(test_threads)
{
	const struct syncmap_value_ops *ops = _i & 1 ? &retaining : &releasing;
	void *retains = _i & 1 ? (void *)1 : NULL;
	struct counting c;
	pthread_t r[2], w[2];
	int i;

	counting_init(&c);
	tmap = values_map(policy_of(_i & 2), &c, ops);
	atomic_store(&tstop, false);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&r[i], NULL, reader, retains), 0);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&w[i], NULL, writer, retains), 0);
	for (i = 0; i < 2; i++)
		pthread_join(w[i], NULL);
	atomic_store(&tstop, true);
	for (i = 0; i < 2; i++)
		pthread_join(r[i], NULL);
	VERIFY(tmap);
	syncmap_destroy(tmap);
	ck_assert_int_eq(atomic_load(&objs_alive), 0);
	ck_assert_uint_eq(counting_outstanding(&c), 0);
	no_bad_calls();
}
END_TEST

SUITE("values", "values", 120,
	{ test_model_releasing, 2 },
	{ test_model_retaining, 2 },
	{ test_create_needs_release, 1 },
	{ test_same_pointer, 1 },
	{ test_memory, 1 },
	{ test_release_waits_for_sections, 1 },
	{ test_leaver_exits, 1 },
	{ test_leaver_idles, 1 },
	{ test_fork_releases_rings, 1 },
	{ test_release_reenters, 2 },
	{ test_threads, 4 })
