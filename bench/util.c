/*
 * util.c - what every peer shares: the seeded hash and allocation that
 * cannot fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "bench.h"

static uint64_t seed;

__attribute__((constructor)) static void
seed_init(void)
{
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)(uintptr_t)&seed;
}

uint64_t
bench_hash(const void *key, size_t klen)
{
	return XXH3_64bits_withSeed(key, klen, seed);
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
