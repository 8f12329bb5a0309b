/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * testutil.h - what the Check suites share: an allocator that counts and
 * can fail on demand, a reference map to compare with, the library's
 * internal self-check, small fills and callbacks, and SUITE, which builds
 * a suite from its table of tests.
 */
#ifndef SYNCMAP_TESTUTIL_H
#define SYNCMAP_TESTUTIL_H

#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "syncmap.h"
/* The library's self-check and hooks (lib/debug.h). */
#include "debug.h"
#include "clock.h"

#define VERIFY(m) do {                                          \
	const char *verr_ = syncmap__verify(m);                 \
	ck_assert_msg(verr_ == NULL, "verify: %s", verr_);      \
} while (0)

struct counting {
	struct syncmap_allocator a;     /* points back at this struct */
	atomic_size_t bytes;            /* outstanding */
	atomic_size_t allocs;           /* successful malloc calls */
	atomic_size_t frees;
	atomic_long fail_in;            /* >0: the fail_in-th next malloc fails */
	atomic_uint fail_one_in;        /* >0: each malloc fails with this odds */
	atomic_size_t failures;
};

void counting_init(struct counting *c);
/* Makes the n-th next allocation fail (n >= 1); 0 disarms. */
void counting_fail_in(struct counting *c, long n);
size_t counting_outstanding(struct counting *c);

/* Destroys m, then asserts that c has nothing outstanding; a macro, so
 * that a leak is reported at the test's line. */
#define DESTROY_ALL_FREED(m, c) do {                            \
	syncmap_destroy(m);                                     \
	ck_assert_uint_eq(counting_outstanding(c), 0);          \
} while (0)

syncmap_t *map_new(enum syncmap_policy policy, struct counting *c);

/*
 * An allocator under which a use after free is seen at once, without a
 * sanitizer: a freed block is filled with POISON and kept, never handed
 * back to malloc (so never reused) until poisoning_fini.  Counts as
 * struct counting does (and fails on demand through it).
 */
#define POISON 0xdb
struct poisoned_block;
struct poisoning {
	struct counting c;              /* does the allocating and counting */
	struct syncmap_allocator a;     /* what the map is given */
	pthread_mutex_t mu;
	struct poisoned_block *kept;
};

void poisoning_init(struct poisoning *p);
/* Hands the kept blocks back to malloc; asserts that none was written
 * after it was freed. */
void poisoning_fini(struct poisoning *p);

/* A plain map from short byte-string keys to values: the model. */
#define REF_MAX 1536
struct ref {
	struct {
		unsigned char key[32];
		size_t klen;
		void *value;
		bool present;
	} slot[REF_MAX];
	size_t n;
};

void ref_init(struct ref *r);
/* The slot of key, created (absent) if new. */
size_t ref_slot(struct ref *r, const void *key, size_t klen);
size_t ref_live(const struct ref *r);
/* Checks that m holds exactly what r does: every load, and one Range. */
void ref_compare(const struct ref *r, syncmap_t *m);

/* Fills st; asserts success. */
struct syncmap_stats stats_of(syncmap_t *m);

/* A deterministic generator (xorshift64*). */
static inline unsigned long long
rnd(unsigned long long *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* Promotes dirty if there is one (Range does), without visiting. */
void promote(syncmap_t *m);

/* A Range callback that counts the visits in the size_t at arg. */
int count_visit(const void *key, size_t klen, void *value, void *arg);

/* Loop index 0: SYNCMAP_BOUNDED, 1: SYNCMAP_CLASSIC. */
enum syncmap_policy policy_of(int i);

/* Writes the key "k<i>" into buf (KEYBUF bytes) and returns its length. */
#define KEYBUF 24
size_t key_of(char *buf, long i);

/* Stores "k0" to "k<n-1>", each with value: a fill that sets the stage,
 * its results unchecked (a test that checks its stores does its own). */
void store_keys(syncmap_t *m, long n, void *value);

/* The memory bound of the bounded rule (docs/design.md), for the keys
 * r holds. */
size_t bounded_bytes_limit(size_t live, size_t key_bytes);

/* SYNCMAP_TEST_SCALE=n divides the heavier loops by n (valgrind runs):
 * the same code paths, fewer times. */
long test_scale(void);

/* True (and says so) where a test that forks beside running threads must
 * not run: under ThreadSanitizer, whose runtime is not fork-safe with
 * threads running (children hung in its allocator's lock), and under
 * valgrind (scaled down), where each child inherits the parent threads'
 * stacks, which its leak check reports as lost, and runs too slowly for
 * its alarm. */
bool fork_test_skipped(void);

/* A row of a suite's table: a test and how many loop indices it runs (0 to
 * loops - 1); a plain test is a loop of 1, as tcase_add_test is in Check. */
struct test_row {
	const TTest *test;
	int loops;
};

/* The suite name of one test case tcase, of the rows' tests in order, with
 * timeout seconds each (0: Check's default, CK_DEFAULT_TIMEOUT). */
Suite *suite_of(const char *name, const char *tcase, int timeout,
    const struct test_row *rows, size_t nrows);

/*
 * Defines the suite() below from its rows, struct test_row initializers:
 *   SUITE("ops", "single-threaded", 60, { test_a, 1 }, { test_b, 2 })
 * A macro, not a table at file scope, because a test's TTest pointer is a
 * variable, which no static initializer may read.
 */
#define SUITE(name, tcase, timeout, ...)                                \
Suite *                                                                 \
suite(void)                                                             \
{                                                                       \
	const struct test_row rows_[] = { __VA_ARGS__ };                \
                                                                        \
	return suite_of(name, tcase, timeout, rows_,                    \
	    sizeof(rows_) / sizeof(rows_[0]));                          \
}

/* Each check_*.c defines its suite; testutil.c's main runs it. */
Suite *suite(void);

#endif
