/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hash.h - keys: keyed hashing (XXH3 with a per-map random seed, so that
 * colliding keys cannot be computed in advance for a map) and comparison.
 * Both are inline: every call does one of each, and for the short keys
 * maps mostly hold a call costs as much as the work.
 */
#ifndef SYNCMAP_HASH_H
#define SYNCMAP_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "compiler.h"

HIDDEN uint64_t syncmap__hash_seed(void);

/*
 * XXH3_64bits_withSeed dispatches on the length to four paths, and is too
 * large as a whole for GCC to inline into every caller (it outlines even
 * the short path if let).  Keys of up to 16 bytes, which most maps hold,
 * take the short path directly, inline: it is what
 * XXH3_64bits_withSeed runs for them (xxhash.h, XXH3_64bits_internal), and
 * tests/check_ops.c ("hash_short_path") checks that the two agree for
 * every length.
 */
static ALWAYS_INLINE uint64_t
syncmap__hash(uint64_t seed, const void *key, size_t klen)
{
	if (klen <= 16)
		return XXH3_len_0to16_64b((const xxh_u8 *)key, klen,
		    XXH3_kSecret, seed);
	return XXH3_64bits_withSeed(key, klen, seed);
}

/* Keys of 8 to 16 bytes compare as two overlapping words, without a call
 * to memcmp. */
static inline bool
key_equal(const void *a, const void *b, size_t n)
{
	uint64_t a0, a1, b0, b1;

	if (n < 8 || n > 16)
		return n == 0 || memcmp(a, b, n) == 0;
	memcpy(&a0, a, 8);
	memcpy(&b0, b, 8);
	memcpy(&a1, (const char *)a + n - 8, 8);
	memcpy(&b1, (const char *)b + n - 8, 8);
	return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

#endif /* SYNCMAP_HASH_H */
