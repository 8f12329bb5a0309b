/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * plain.h - a plain, single-threaded hash table for the lock-based peers.
 *
 * The same layout as libsyncmap's own table (lib/table.h): open addressing,
 * linear probing, the full hash beside a pointer to a node that holds the
 * key inline, load factor at most 3/4, backward-shift deletion.  Wrapping
 * it in a lock therefore measures the lock, not a different table.
 */
#ifndef SYNCMAP_BENCH_PLAIN_H
#define SYNCMAP_BENCH_PLAIN_H

#include <stddef.h>
#include <stdint.h>

struct pnode {
	uintptr_t value;
	size_t klen;
	unsigned char key[];
};

struct plain {
	size_t mask, count;
	struct pslot {
		uint64_t hash;
		struct pnode *n;
	} *slots;
};

void plain_init(struct plain *t, size_t hint);
void plain_fini(struct plain *t);
/* The key's node, or NULL. */
struct pnode *plain_find(const struct plain *t, uint64_t h, const void *k, size_t kl);
/* Adds a key known to be absent; returns its node. */
struct pnode *plain_add(struct plain *t, uint64_t h, const void *k, size_t kl,
                        uintptr_t v);
/* Removes the key; true if it was there (*v = its value). */
int plain_remove(struct plain *t, uint64_t h, const void *k, size_t kl, uintptr_t *v);
/* Frees every node and shrinks back to the size of hint 0. */
void plain_reset(struct plain *t);

#endif /* SYNCMAP_BENCH_PLAIN_H */
