/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * clock.h - seconds on the monotonic clock.  A header of its own, not part
 * of testutil, because stress/syncmap-stress uses it too and links neither
 * Check nor the test helpers.
 */
#ifndef SYNCMAP_CLOCK_H
#define SYNCMAP_CLOCK_H

#include <time.h>

static inline double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
