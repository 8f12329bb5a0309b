/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_version.c - the version a program sees three ways (the header's
 * macros, the library's functions, configure's PACKAGE_VERSION) is one
 * version, and the public structs keep the size soname 0 gave them.
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

START_TEST(test_version_agrees)
{
	unsigned int major, minor, patch, n = syncmap_version_number();
	char tail;

	ck_assert_str_eq(syncmap_version(), SYNCMAP_VERSION_STRING);
	ck_assert_str_eq(syncmap_version(), PACKAGE_VERSION);
	ck_assert_int_eq(sscanf(syncmap_version(), "%u.%u.%u%c", &major, &minor,
	    &patch, &tail), 3);
	ck_assert_uint_eq(major, SYNCMAP_VERSION_MAJOR);
	ck_assert_uint_eq(minor, SYNCMAP_VERSION_MINOR);
	ck_assert_uint_eq(patch, SYNCMAP_VERSION_PATCH);
	ck_assert_uint_eq(n, SYNCMAP_VERSION_HEX);
	ck_assert_uint_eq(n >> 16, major);
	ck_assert_uint_eq((n >> 8) & 0xff, minor);
	ck_assert_uint_eq(n & 0xff, patch);
}
END_TEST

/*
 * A field added without taking a reserved slot changes the size, and with
 * it the ABI of every program that passes the struct: that needs a new
 * soname.  The figures are LP64's (x86_64, arm64), where Debian builds.
 */
START_TEST(test_struct_sizes)
{
	if (sizeof(void *) != 8 || sizeof(size_t) != 8)
		return;
	ck_assert_msg(sizeof(struct syncmap_options) == 88,
	    "struct syncmap_options is %zu bytes, not 88: a new field must take "
	    "a reserved slot", sizeof(struct syncmap_options));
	ck_assert_msg(sizeof(struct syncmap_stats) == 152,
	    "struct syncmap_stats is %zu bytes, not 152: a new counter must take "
	    "a reserved slot", sizeof(struct syncmap_stats));
}
END_TEST

SUITE("version", "version", 0,
	{ test_version_agrees, 1 },
	{ test_struct_sizes, 1 })
