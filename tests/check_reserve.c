/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_reserve.c - when the process cannot allocate ck_epoch records.
 *
 * Records (reclaim.c, rules 1-3) come from posix_memalign, which this test
 * binary replaces so that it can refuse.  Threads then run on the static
 * reserve of 16 records; with the reserve in use too, a new thread's calls
 * return -ENOMEM, and a map that retires garbage keeps it in limbo until a
 * record can be had, then frees it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "testutil.h"

#define RESERVE 16

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
static pthread_barrier_t parked, release;

/* Takes a record with its first call, then holds on to it until released. */
static void *
holder(void *arg)
{
	(void)arg;
	ck_assert_int_eq(syncmap_store(shared, "h", 1, NULL), 0);
	ck_assert_int_eq(syncmap_load(shared, "h", 1, NULL), 1);
	pthread_barrier_wait(&parked);
	pthread_barrier_wait(&release);
	return NULL;
}

/* Creates the shared map (the main thread's record taken first, while
 * records can still be allocated), then refuses records and parks RESERVE
 * holders, which take the whole static reserve. */
static void
park_holders(struct counting *c, pthread_t *t)
{
	int i;

	counting_init(c);
	shared = map_new(SYNCMAP_CLASSIC, c);
	ck_assert_int_eq(syncmap_store(shared, "main", 4, NULL), 0);
	atomic_store(&refuse, true);
	pthread_barrier_init(&parked, NULL, RESERVE + 1);
	pthread_barrier_init(&release, NULL, RESERVE + 1);
	for (i = 0; i < RESERVE; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, holder, NULL), 0);
	pthread_barrier_wait(&parked);
}

static void
release_holders(pthread_t *t)
{
	int i;

	pthread_barrier_wait(&release);
	for (i = 0; i < RESERVE; i++)
		pthread_join(t[i], NULL);
}

/* Retires n old read tables: the map needs a record to own them. */
static void
retire_tables(int n)
{
	char k[KEYBUF];
	int i;

	for (i = 0; i < n; i++) {
		ck_assert_int_eq(syncmap_store(shared, k, key_of(k, i), NULL), 0);
		promote(shared);
	}
}

static void *
latecomer(void *arg)
{
	*(int *)arg = syncmap_load(shared, "h", 1, NULL);
	return NULL;
}

START_TEST(test_reserve_and_limbo)
{
	struct counting c;
	pthread_t t[RESERVE], late;
	int rc = 0;

	park_holders(&c, t);
	ck_assert_int_ge(atomic_load(&refused), RESERVE);

	/* Every record is in use: a new thread cannot get one. */
	ck_assert_int_eq(pthread_create(&late, NULL, latecomer, &rc), 0);
	pthread_join(late, NULL);
	ck_assert_int_eq(rc, -ENOMEM);

	/* The map retires old tables with no record to own them: limbo. */
	retire_tables(50);
	ck_assert_uint_gt(stats_of(shared).pending_bytes, 0);
	VERIFY(shared);

	/* Threads exit, their records are parked; the limbo drains. */
	release_holders(t);
	ck_assert_uint_eq(stats_of(shared).pending_bytes, 0);
	ck_assert_uint_eq(stats_of(shared).bytes, counting_outstanding(&c));
	atomic_store(&refuse, false);
	syncmap_destroy(shared);
	ck_assert_uint_eq(counting_outstanding(&c), 0);
}
END_TEST

/* destroy frees garbage that is still in limbo. */
START_TEST(test_destroy_frees_limbo)
{
	struct counting c;
	pthread_t t[RESERVE];

	park_holders(&c, t);
	retire_tables(20);
	ck_assert_uint_gt(stats_of(shared).pending_bytes, 0);
	release_holders(t);
	syncmap_destroy(shared);
	ck_assert_uint_eq(counting_outstanding(&c), 0);
	atomic_store(&refuse, false);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("reserve");
	TCase *tc = tcase_create("no memory for epoch records");

	tcase_add_test(tc, test_reserve_and_limbo);
	tcase_add_test(tc, test_destroy_frees_limbo);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
