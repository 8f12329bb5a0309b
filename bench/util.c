/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * util.c - what every peer and benchmark shares: the hash seed, allocation
 * that cannot fail, and the clocks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"

uint64_t bench_seed;

__attribute__((constructor)) static void
seed_init(void)
{
	bench_seed = syncmap__hash_seed();
}

static void *
must(void *p)
{
	if (p == NULL) {
		fputs("syncmap-bench: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *
bench_xmalloc(size_t n)
{
	return must(malloc(n));
}

void *
bench_xrealloc(void *p, size_t n)
{
	return must(realloc(p, n));
}

void *
bench_xaligned(size_t align, size_t n)
{
	void *p = NULL;

	return must(posix_memalign(&p, align, n) == 0 ? p : NULL);
}

double
bench_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
