/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * version.c - which library a program runs with, and the check that keeps
 * the options struct able to grow.
 */
#include <stddef.h>

#include "syncmap.h"

#include "abi.h"

const char *
syncmap_version(void)
{
	return SYNCMAP_VERSION_STRING;
}

unsigned int
syncmap_version_number(void)
{
	return SYNCMAP_VERSION_HEX;
}

bool
syncmap__options_reserved_ok(const struct syncmap_options *opts)
{
	size_t i;

	for (i = 0; i < sizeof(opts->reserved) / sizeof(opts->reserved[0]); i++)
		if (opts->reserved[i] != NULL)
			return false;
	return true;
}
