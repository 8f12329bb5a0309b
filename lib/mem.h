/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mem.h - every byte a map allocates, through the user's allocator.
 *
 * bytes counts what the map holds now, pending the part of it retired and
 * waiting for a grace period.  Both are written under the map's mutex (or
 * in create and destroy; a poll's frees run under the mutex too), but the
 * bounded rule and the housekeeping read them without it, hence atomics;
 * the value boxes of values.h have a struct mem of their own, written
 * without any mutex.
 * Every access is relaxed: they are counts that order nothing, exact once
 * the mutex (or the caller's quiescence) has ordered their writers before
 * the reader.  stats reports them, and the tests compare bytes with what a
 * counting allocator has handed out.
 */
#ifndef SYNCMAP_MEM_H
#define SYNCMAP_MEM_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"

/*
 * The alignment every block from the user's allocator must have (the
 * header promises no more is asked): entries and tables hold pointers,
 * sizes, 64-bit hashes and atomics of those, nothing stricter; the read
 * word's tag bit needs only 2 of it.  8 on the usual 64-bit ABIs.
 */
union mem_align {
	void *p;
	size_t z;
	uint64_t u;
};
#define MEM_ALIGN _Alignof(union mem_align)

/* Tables of this size and more are big blocks (mem.c): dirty's first
 * table (1,024 slots) and every one it grows to.  At most a page in four
 * is lost to rounding. */
#define MEM_BIG ((size_t)16 << 10)
/* Big blocks being given back at once, at most: a promotion's stale table
 * and the tables dirty grew through are some 8 at ten million keys. */
#define MEM_UNMAPPING 16

/* A big block being unmapped from its end: left bytes of it remain. */
struct mem_unmapping {
	void *p;
	size_t left, size;
};

/* The user's allocator (struct syncmap_allocator), copied at create. */
struct mem {
	void *(*malloc)(size_t size, void *ctx);
	void (*free)(void *ptr, size_t size, void *ctx);
	void *ctx;
	_Atomic size_t bytes;
	_Atomic size_t pending;
	/* Why the last mem_alloc failed: -ENOMEM, or -EINVAL for a block
	 * misaligned.  Allocations run under the map's mutex, as does the
	 * caller that reads it. */
	int error;
	/* The default allocator: big blocks are the map's own mappings,
	 * given back by steps (mem.c); the rest, under the mutex.  The bytes
	 * of the blocks in line stay in bytes until their last page is
	 * gone; the bounded rule, which reads unmapping_bytes without the
	 * mutex, leaves them out of what the map holds, as it does pending. */
	bool maps_big;
	/* A block was mapped since the last unlock: that call has paid for a
	 * system call and fresh pages already, and leaves the next unmap step
	 * (a munmap, whose TLB shootdown interrupts the other cores) to a
	 * later one.  Under the mutex. */
	bool mapped_now;
	unsigned int n_unmapping;
	struct mem_unmapping unmapping[MEM_UNMAPPING];
	_Atomic size_t unmapping_bytes;
};

/* A big block of size bytes, zeroed, counted in bytes; or NULL, with
 * mem->error set.  Under the mutex, as the next two. */
HIDDEN void *syncmap__mem_map(struct mem *mem, size_t size);
/* Puts a big block in line to be unmapped by steps. */
HIDDEN void syncmap__mem_unmap(struct mem *mem, void *p, size_t size);
/* Unmaps a chunk of the blocks in line, or all of them. */
HIDDEN void syncmap__mem_unmap_step(struct mem *mem, bool all);

/* A block of size bytes, or NULL with *err saying why (-ENOMEM, or
 * -EINVAL for a block misaligned).  size 0 stands for an object too large
 * to exist, which fails as the allocator would.  Safe without the mutex. */
static inline void *
mem_try_alloc(struct mem *mem, size_t size, int *err)
{
	void *p;

	*err = -ENOMEM;
	if (size == 0 || (p = mem->malloc(size, mem->ctx)) == NULL)
		return NULL;
	if ((uintptr_t)p % MEM_ALIGN != 0) {
		mem->free(p, size, mem->ctx);
		*err = -EINVAL;
		return NULL;
	}
	atomic_fetch_add_explicit(&mem->bytes, size, memory_order_relaxed);
	return p;
}

/* The same, under the map's mutex, with the reason kept in mem->error. */
static inline void *
mem_alloc(struct mem *mem, size_t size)
{
	return mem_try_alloc(mem, size, &mem->error);
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

/* A retired object's grace period is over: it leaves pending. */
static inline void
mem_unretired(struct mem *mem, size_t size)
{
	atomic_fetch_sub_explicit(&mem->pending, size, memory_order_relaxed);
}

/* Frees an object that was retired: it leaves pending as well as bytes. */
static inline void
mem_free_retired(struct mem *mem, void *p, size_t size)
{
	mem_unretired(mem, size);
	mem_free(mem, p, size);
}

#endif /* SYNCMAP_MEM_H */
