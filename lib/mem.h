/*
 * mem.h - every byte a map allocates, through the user's allocator.
 *
 * bytes counts what the map holds now, pending the part of it retired and
 * waiting for a grace period.  Both are written under the map's mutex (or
 * in create and destroy; a poll's frees run under the mutex too), but the
 * bounded rule and the housekeeping read them without it, hence atomics.
 * Every access is relaxed: they are counts that order nothing, exact once
 * the mutex (or the caller's quiescence) has ordered their writers before
 * the reader.  stats reports them, and the tests compare bytes with what a
 * counting allocator has handed out.
 */
#ifndef SYNCMAP_MEM_H
#define SYNCMAP_MEM_H

#include <stdatomic.h>
#include <stddef.h>

/* The user's allocator (struct syncmap_allocator), copied at create. */
struct mem {
	void *(*malloc)(size_t size, void *ctx);
	void (*free)(void *ptr, size_t size, void *ctx);
	void *ctx;
	_Atomic size_t bytes;
	_Atomic size_t pending;
};

static inline void *
mem_alloc(struct mem *mem, size_t size)
{
	void *p = mem->malloc(size, mem->ctx);

	if (p != NULL)
		atomic_fetch_add_explicit(&mem->bytes, size, memory_order_relaxed);
	return p;
}

static inline void
mem_free(struct mem *mem, void *p, size_t size)
{
	mem->free(p, size, mem->ctx);
	atomic_fetch_sub_explicit(&mem->bytes, size, memory_order_relaxed);
}

/* An object is retired: it stays in bytes, and is pending until freed. */
static inline void
mem_retired(struct mem *mem, size_t size)
{
	atomic_fetch_add_explicit(&mem->pending, size, memory_order_relaxed);
}

/* Frees an object that was retired: it leaves pending as well as bytes. */
static inline void
mem_free_retired(struct mem *mem, void *p, size_t size)
{
	atomic_fetch_sub_explicit(&mem->pending, size, memory_order_relaxed);
	mem_free(mem, p, size);
}

#endif /* SYNCMAP_MEM_H */
