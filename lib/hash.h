/*
 * hash.h - keyed hashing of keys: XXH3 with a per-map random seed, so that
 * colliding keys cannot be computed in advance for a map.
 */
#ifndef SYNCMAP_HASH_H
#define SYNCMAP_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HIDDEN __attribute__((visibility("hidden")))

HIDDEN uint64_t syncmap__hash_seed(void);
HIDDEN uint64_t syncmap__hash(uint64_t seed, const void *key, size_t klen);

#endif /* SYNCMAP_HASH_H */
