/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * keys.h - what every peer, C or C++, shares about keys: the seeded hash
 * (libsyncmap's inline XXH3, lib/hash.h), the key comparison beside it,
 * and the type of Range's callback.
 */
#ifndef SYNCMAP_BENCH_KEYS_H
#define SYNCMAP_BENCH_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "hash.h"

typedef bool bench_range_fn(const void *key, size_t klen, uintptr_t value,
                            void *arg);

/* The seed of the hash every peer uses. */
extern uint64_t bench_seed;

static inline uint64_t
bench_hash(const void *key, size_t klen)
{
	return syncmap__hash(bench_seed, key, klen);
}

#ifdef __cplusplus
}
#endif

#endif /* SYNCMAP_BENCH_KEYS_H */
