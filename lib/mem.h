/*
 * mem.h - every byte a map allocates, through the user's allocator.
 *
 * bytes counts what the map holds now, pending the part of it retired and
 * waiting for a grace period.  Both change only under the map's mutex (or in
 * create and destroy), but compaction checks read them without it, hence
 * atomics.  stats reports them, and the tests compare bytes with what a
 * counting allocator has handed out.
 */
#ifndef SYNCMAP_MEM_H
#define SYNCMAP_MEM_H

#include <stdatomic.h>
#include <stddef.h>

#include "syncmap.h"

struct mem {
	struct syncmap_allocator a;
	_Atomic size_t bytes;
	_Atomic size_t pending;
};

static inline void *
mem_alloc(struct mem *mem, size_t size)
{
	void *p = mem->a.malloc(size, mem->a.ctx);

	if (p != NULL)
		atomic_fetch_add(&mem->bytes, size);
	return p;
}

static inline void
mem_free(struct mem *mem, void *p, size_t size)
{
	mem->a.free(p, size, mem->a.ctx);
	atomic_fetch_sub(&mem->bytes, size);
}

/* Frees an object that was retired: it leaves pending as well as bytes. */
static inline void
mem_free_retired(struct mem *mem, void *p, size_t size)
{
	atomic_fetch_sub(&mem->pending, size);
	mem_free(mem, p, size);
}

#endif /* SYNCMAP_MEM_H */
