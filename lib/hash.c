/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hash.c - the per-map seed of XXH3 (hash.h; xxHash is inlined, so the
 * library needs no runtime libxxhash), from the kernel's random pool.
 */
#include <sys/random.h>
#include <errno.h>
#include <stdatomic.h>
#include <time.h>

#include "hash.h"

/*
 * getrandom only fails before the kernel's pool is initialised (GRND_NONBLOCK
 * asked not to wait) or under seccomp; a map must still be creatable then, so
 * the fallback mixes the clock, a per-process counter and addresses (ASLR).
 * Such a seed is guessable by a local attacker, never shared between maps
 * (the counter only has to differ, so it is relaxed).
 */
uint64_t
syncmap__hash_seed(void)
{
	static atomic_uint_fast64_t counter;
	struct timespec ts;
	uint64_t seed;
	ssize_t n;

	do {
		n = getrandom(&seed, sizeof(seed), GRND_NONBLOCK);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(seed))
		return seed;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
	    (uint64_t)(uintptr_t)&ts ^
	    atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
	return XXH3_64bits(&seed, sizeof(seed));
}
