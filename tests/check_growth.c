/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_growth.c - what lets syncmap_options and syncmap_stats grow
 * without a new soname: a reserved option that is set is refused (so a
 * program never has an option silently ignored by a library too old to
 * know it), and reserved counters come back zero.
 */
#include <errno.h>
#include <string.h>

#include "testutil.h"

#define NRESERVED(field) (sizeof(field) / sizeof((field)[0]))

START_TEST(test_reserved_options_refused)
{
	struct syncmap_options o;
	struct counting c;
	syncmap_t *m;
	size_t i;

	counting_init(&c);
	for (i = 0; i < NRESERVED(o.reserved); i++) {
		memset(&o, 0, sizeof(o));
		o.allocator = &c.a;
		o.reserved[i] = &o;
		errno = 0;
		ck_assert_msg(syncmap_create(&o) == NULL,
		    "created with reserved[%zu] set", i);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_uint_eq(c.allocs, 0);
	}
	memset(&o, 0, sizeof(o));
	o.allocator = &c.a;
	m = syncmap_create(&o);
	ck_assert_ptr_nonnull(m);
	DESTROY_ALL_FREED(m, &c);
}
END_TEST

START_TEST(test_reserved_stats_zero)
{
	syncmap_t *m = map_new(SYNCMAP_BOUNDED, NULL);
	struct syncmap_stats st;
	size_t i;

	ck_assert_int_eq(syncmap_store(m, "k", 1, NULL), 0);
	memset(&st, 0xa5, sizeof(st));
	ck_assert_int_eq(syncmap_stats(m, &st), 0);
	for (i = 0; i < NRESERVED(st.reserved); i++)
		ck_assert_msg(st.reserved[i] == 0, "stats reserved[%zu] = %#llx",
		    i, (unsigned long long)st.reserved[i]);
	syncmap_destroy(m);
}
END_TEST

SUITE("growth", "reserved", 0,
	{ test_reserved_options_refused, 1 },
	{ test_reserved_stats_zero, 1 })
