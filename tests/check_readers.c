/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_readers.c - the threads behind the map: a thread's reader record
 * needs no memory, a burst of threads leaves nothing behind that later
 * calls pay for, and garbage goes whatever the retiring thread does next.
 *
 * Records live in each thread's TLS and sit in a registry while the thread
 * lives (docs/design.md, rule 1).  posix_memalign, the fallback for a
 * thread whose exit hook cannot be set, is replaced here so that it can
 * refuse.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "testutil.h"

static atomic_bool refuse;
static atomic_int refused;

int
posix_memalign(void **p, size_t align, size_t size)
{
	if (atomic_load(&refuse)) {
		atomic_fetch_add(&refused, 1);
		return ENOMEM;
	}
	*p = aligned_alloc(align, (size + align - 1) / align * align);
	return *p != NULL ? 0 : ENOMEM;
}

static syncmap_t *shared;

static void *
first_calls(void *arg)
{
	char k[KEYBUF];
	long i = (long)(intptr_t)arg;

	ck_assert_int_eq(syncmap_store(shared, k, key_of(k, i), NULL), 0);
	ck_assert_int_eq(syncmap_load(shared, k, key_of(k, i), NULL), 1);
	ck_assert_int_eq(syncmap_delete(shared, k, key_of(k, i)), 1);
	return NULL;
}

/* With no memory for records at all, threads' first calls still work:
 * their records are their own TLS. */
START_TEST(test_first_call_needs_no_memory)
{
	struct counting c;
	pthread_t t[64];
	size_t readers;
	long i;

	counting_init(&c);
	shared = map_new(SYNCMAP_BOUNDED, &c);
	readers = syncmap__readers();
	atomic_store(&refuse, true);
	for (i = 0; i < 64; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, first_calls,
		    (void *)(intptr_t)i), 0);
	for (i = 0; i < 64; i++)
		pthread_join(t[i], NULL);
	atomic_store(&refuse, false);
	ck_assert_int_eq(atomic_load(&refused), 0);
	ck_assert_uint_eq(syncmap__readers(), readers);
	ck_assert_uint_eq(stats_of(shared).pending_bytes, 0);
	DESTROY_ALL_FREED(shared, &c);
}
END_TEST

static double
elapsed(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) + (b.tv_nsec - a->tv_nsec) / 1e9;
}

/* Single-thread churn: every key is stored and deleted at once, so it
 * lives in dirty only and each delete retires its entry: the map has
 * garbage all the time and polls for it.  Calls per second, best of three
 * short rounds. */
static double
churn_rate(syncmap_t *m, long *next)
{
	char k[KEYBUF];
	double best = 0, s;
	struct timespec t0;
	int round;
	long i;

	for (round = 0; round < 3; round++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < 20000; i++, (*next)++) {
			syncmap_store(m, k, key_of(k, *next), NULL);
			syncmap_delete(m, k, key_of(k, *next));
		}
		s = 40000 / elapsed(&t0);
		best = s > best ? s : best;
	}
	return best;
}

#define WAVE 1000
static pthread_barrier_t wave;

static void *
short_lived(void *arg)
{
	(void)syncmap_load(shared, "x", 1, NULL);
	(void)arg;
	pthread_barrier_wait(&wave);
	return NULL;
}

/*
 * Issue: a burst of short-lived threads used to leave a record each in the
 * epoch domain for good, and every later poll walked them all: churn fell
 * to a tenth here.  Now 20,000 threads, 1,000 alive at a time (so that a
 * record cannot simply be reused), leave the registry as it was, and
 * churn keeps at least half its speed.
 */
START_TEST(test_thread_burst_costs_nothing_later)
{
	/* valgrind runs at most 500 threads at once. */
	long next = 0, n = 20000 / test_scale(), wave_n = WAVE / test_scale(), w, i;
	pthread_t t[WAVE];
	double before, after, s;
	size_t readers;

	shared = map_new(SYNCMAP_BOUNDED, NULL);
	(void)churn_rate(shared, &next);        /* warm: tables at size */
	before = churn_rate(shared, &next);
	readers = syncmap__readers();
	pthread_barrier_init(&wave, NULL, (unsigned)wave_n + 1);
	for (w = 0; w < n; w += wave_n) {
		for (i = 0; i < wave_n; i++)
			ck_assert_int_eq(pthread_create(&t[i], NULL, short_lived, NULL), 0);
		pthread_barrier_wait(&wave);
		for (i = 0; i < wave_n; i++)
			pthread_join(t[i], NULL);
	}
	pthread_barrier_destroy(&wave);
	ck_assert_uint_eq(syncmap__readers(), readers);
	after = churn_rate(shared, &next);
	/* The machine is shared: a slow stretch can halve one measurement.
	 * Measure after the burst up to eight more times and keep the best; the
	 * regression this guards against (0.10x) fails every time. */
	for (i = 0; i < 8 && after < 0.5 * before; i++) {
		s = churn_rate(shared, &next);
		after = s > after ? s : after;
	}
	printf("churn before a burst of %ld threads: %.2f Mcalls/s, after: %.2f (%.2fx)\n",
	    n, before / 1e6, after / 1e6, after / before);
	/* Under valgrind (scaled down) threads run one at a time and timing
	 * says nothing; the registry count above still holds. */
	ck_assert_msg(test_scale() > 1 || after >= 0.5 * before,
	    "churn fell to %.2fx after the burst", after / before);
	syncmap_destroy(shared);
}
END_TEST

static void *
retire_and_exit(void *arg)
{
	char k[KEYBUF];
	long i, base = (long)(intptr_t)arg;

	for (i = 0; i < 200; i++) {
		ck_assert_int_eq(syncmap_store(shared, k, key_of(k, base + i), NULL), 0);
		promote(shared);
		ck_assert_int_eq(syncmap_delete(shared, k, key_of(k, base + i)), 1);
	}
	return NULL;
}

/* A thread retires garbage and exits at once: the garbage is the map's,
 * and the next calls of another thread free it. */
START_TEST(test_garbage_outlives_its_thread)
{
	struct counting c;
	pthread_t t;
	int i;

	counting_init(&c);
	shared = map_new(SYNCMAP_BOUNDED, &c);
	for (i = 0; i < 8; i++) {
		ck_assert_int_eq(pthread_create(&t, NULL, retire_and_exit,
		    (void *)(intptr_t)(i * 1000)), 0);
		pthread_join(t, NULL);
	}
	for (i = 0; i < 100000 && counting_outstanding(&c) >
	    syncmap__map_bytes() + 4096; i++)
		(void)syncmap_load(shared, "x", 1, NULL);
	ck_assert_msg(i < 100000, "%zu bytes still held after %d loads",
	    counting_outstanding(&c), i);
	DESTROY_ALL_FREED(shared, &c);
}
END_TEST

static atomic_int ran;

static void
count_run(void *arg)
{
	(void)arg;
	atomic_fetch_add(&ran, 1);
}

static pthread_barrier_t held, done;

/* Opens a user section, waits while the main thread defers and polls,
 * then closes it. */
static void *
section_holder(void *arg)
{
	(void)arg;
	syncmap_read_lock();
	syncmap_read_lock();
	pthread_barrier_wait(&held);
	pthread_barrier_wait(&done);
	syncmap_read_unlock();
	/* Still inside the outer section: nothing may run yet. */
	pthread_barrier_wait(&held);
	pthread_barrier_wait(&done);
	syncmap_read_unlock();
	return NULL;
}

static void
drive_polls(syncmap_t *m, long n)
{
	long i;

	for (i = 0; i < n; i++)
		(void)syncmap_load(m, "x", 1, NULL);
}

/* syncmap_defer waits for every section open at the call, nested ones
 * counted, runs exactly once, and within a bounded number of later calls
 * of another thread; syncmap_barrier refuses inside a section. */
START_TEST(test_defer_waits_for_sections)
{
	syncmap_t *m = map_new(SYNCMAP_BOUNDED, NULL);
	pthread_t t;
	long i;

	atomic_store(&ran, 0);
	pthread_barrier_init(&held, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	ck_assert_int_eq(pthread_create(&t, NULL, section_holder, NULL), 0);
	pthread_barrier_wait(&held);
	ck_assert_int_eq(syncmap_defer(count_run, NULL), 0);
	drive_polls(m, 200000);
	ck_assert_int_eq(atomic_load(&ran), 0);
	pthread_barrier_wait(&done);
	pthread_barrier_wait(&held);
	drive_polls(m, 200000);
	ck_assert_int_eq(atomic_load(&ran), 0);
	pthread_barrier_wait(&done);
	pthread_join(t, NULL);
	/* No barrier: the later calls of this thread alone run it. */
	for (i = 0; i < 100000 && atomic_load(&ran) == 0; i++)
		(void)syncmap_load(m, "x", 1, NULL);
	ck_assert_int_eq(atomic_load(&ran), 1);
	ck_assert_int_eq(syncmap_barrier(), 0);
	ck_assert_int_eq(atomic_load(&ran), 1);

	syncmap_read_lock();
	ck_assert_int_eq(syncmap_barrier(), -EDEADLK);
	syncmap_read_unlock();
	ck_assert_int_eq(syncmap_defer(NULL, NULL), -EINVAL);
	pthread_barrier_destroy(&held);
	pthread_barrier_destroy(&done);
	syncmap_destroy(m);
}
END_TEST

static void
defer_again(void *arg)
{
	long left = (long)(intptr_t)arg;

	atomic_fetch_add(&ran, 1);
	if (left > 0)
		ck_assert_int_eq(syncmap_defer(defer_again,
		    (void *)(intptr_t)(left - 1)), 0);
}

/* A deferred function may defer again; a barrier runs every function
 * deferred before it, a backlog larger than any one poll's slice. */
START_TEST(test_barrier_runs_backlog)
{
	int i;

	atomic_store(&ran, 0);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(syncmap_defer(count_run, NULL), 0);
	ck_assert_int_eq(syncmap_barrier(), 0);
	ck_assert_int_eq(atomic_load(&ran), 1000);
	ck_assert_int_eq(syncmap_defer(defer_again, (void *)(intptr_t)3), 0);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(syncmap_barrier(), 0);
	ck_assert_int_eq(atomic_load(&ran), 1004);
}
END_TEST

SUITE("readers", "reader records", 120,
	{ test_first_call_needs_no_memory, 1 },
	{ test_thread_burst_costs_nothing_later, 1 },
	{ test_garbage_outlives_its_thread, 1 },
	{ test_defer_waits_for_sections, 1 },
	{ test_barrier_runs_backlog, 1 })
