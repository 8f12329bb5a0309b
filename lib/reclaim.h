/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * reclaim.h - safe memory reclamation for lock-free readers: read-side
 * sections with no registration and no fence, grace periods, and the
 * garbage each map owns.  The rules and their proof are in docs/design.md
 * ("Reclamation").
 */
#ifndef SYNCMAP_RECLAIM_H
#define SYNCMAP_RECLAIM_H

#include <ck_queue.h>
#include <ck_stack.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"
#include "mem.h"

/*
 * ThreadSanitizer cannot see grace periods: they rest on a scan of other
 * threads' states and on membarrier(2), neither of which makes a
 * happens-before edge TSan knows.  These annotations, kept here and
 * nowhere else, tell it what the grace period guarantees:
 *   - leaving a read-side section releases the grace object, and every
 *     free that a grace period allows acquires it, once the grace period
 *     has been observed (in the callback that frees), so every access made
 *     in a section that has ended happens-before the frees it allowed; an
 *     access in a section still open is not covered, so a real
 *     grace-period bug is still reported.
 */
#if defined(__SANITIZE_THREAD__)
#define SYNCMAP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SYNCMAP_TSAN 1
#endif
#endif

#ifdef SYNCMAP_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
HIDDEN extern char syncmap__grace;
#define tsan_acquire(addr) __tsan_acquire((void *)(addr))
#define tsan_release(addr) __tsan_release((void *)(addr))
#else
#define tsan_acquire(addr) ((void)0)
#define tsan_release(addr) ((void)0)
#endif

/*
 * Rule 4's fence (docs/design.md), between unlinking an object and reading
 * the epoch that stamps it.  TSan does not model standalone fences (GCC
 * refuses them under -fsanitize=thread); what the fence protects, it
 * checks through the grace annotations above instead.
 */
#ifdef SYNCMAP_TSAN
#define full_fence() ((void)0)
#else
#define full_fence() atomic_thread_fence(memory_order_seq_cst)
#endif
#define retire_fence() full_fence()

/* The link of an object waiting for its grace period. */
struct retired {
	ck_stack_entry_t link;
	void (*fn)(struct retired *);
};

/* Something waiting in the library-wide queue for every section open
 * when it left to close: a function given to syncmap_defer, or a value
 * that left a map (values.h).  run is called with no mutex held; it runs
 * this item and may run those after it in the same batch too (values of
 * one map, whose counts it then updates once), and returns the first it
 * did not run. */
struct deferred {
	struct deferred *next;
	uintptr_t epoch;
	struct deferred *(*run)(struct deferred *);
};

/* A map's garbage: objects with the epoch they were retired in, in four
 * buckets by epoch (an older bucket that a newer epoch needs is merged
 * into it, which only delays its objects).  Used under the map's mutex, or
 * by destroy. */
#define RECLAIM_BUCKETS 4
struct reclaim {
	struct {
		uintptr_t epoch;
		ck_stack_t objects;
	} bucket[RECLAIM_BUCKETS];
	unsigned int polls;
	struct mem *mem;
};

/* Slots of a thread's departure ring (values.c).  Small, since the record
 * is initial-exec TLS, which a dlopen(3)ed library takes from a surplus of
 * some 1.6 KiB that all such libraries share. */
#define DEPART_RING 32

/* One per thread that has called into the library, in the registry. */
struct reader {
	/* 0 outside a section; epoch << 1 | 1 inside.  Written by its owner,
	 * read by grace-period scans: its own cache line. */
	_Alignas(CACHELINE) _Atomic uintptr_t state;
	unsigned int nest;        /* open sections; the owner's alone */
	unsigned int ticks;
	CK_LIST_ENTRY(reader) link;   /* the registry, under its lock */
	/* Boxes this thread made leave their maps and no one has taken onto
	 * the queue yet: a single-producer ring, filled by the owner and
	 * emptied by whoever holds the queue's lock (values.c). */
	_Atomic unsigned int ring_tail;   /* written by the owner */
	_Atomic unsigned int ring_head;   /* written under the queue's lock */
	struct deferred *ring[DEPART_RING];
};

HIDDEN extern __thread struct reader *syncmap__self
	__attribute__((tls_model("initial-exec")));
HIDDEN extern _Atomic uintptr_t syncmap__epoch;
HIDDEN extern bool syncmap__light_readers;

HIDDEN struct reader *syncmap__reader_slow(void);

/*
 * The reader's half of the asymmetric fence (rule 8): with membarrier(2)
 * the scan forces a full barrier on every running thread, so the reader
 * needs none and a compiler barrier keeps its loads after its store of
 * state; without it, a full fence.  syncmap__light_readers is written
 * once, before the first record exists, so a relaxed read is enough.
 */
static inline void
reader_fence(void)
{
	if (syncmap__light_readers)
		atomic_signal_fence(memory_order_seq_cst);
	else
		full_fence();
}

/*
 * Opens a read-side section: until the matching reader_exit, nothing
 * retired from now on is freed.  Sections nest (a range callback calls
 * back into the map, a user section holds calls); only the outermost one
 * publishes the state.  The epoch may be stale by the time the store is
 * seen: that only holds garbage back longer (docs/design.md, rule 8).
 * NULL only if no record could be had at all (rule 2).
 */
static ALWAYS_INLINE struct reader *
reader_enter(void)
{
	struct reader *r = syncmap__self;
	uintptr_t e;

	if (r == NULL && (r = syncmap__reader_slow()) == NULL)
		return NULL;
	if (r->nest++ == 0) {
		e = atomic_load_explicit(&syncmap__epoch, memory_order_relaxed);
		atomic_store_explicit(&r->state, e << 1 | 1, memory_order_relaxed);
		reader_fence();
	}
	return r;
}

/*
 * Closes the section.  Release: everything the section read happens
 * before a scan that sees it closed (the scan loads with acquire), and so
 * before the frees that scan allows.  True once every 64 calls, when the
 * caller should offer to poll (rule 6).
 */
static ALWAYS_INLINE bool
reader_exit(struct reader *r)
{
	if (--r->nest == 0) {
		tsan_release(&syncmap__grace);
		atomic_store_explicit(&r->state, 0, memory_order_release);
	}
	return (++r->ticks & 63) == 0;
}

HIDDEN void syncmap__reclaim_init(struct reclaim *r, struct mem *mem);
/* Retires an object the caller has unlinked (after rule 4's fence, for
 * what lock-free readers reach); size is what it holds of mem. */
HIDDEN void syncmap__retire(struct reclaim *r, struct retired *o,
                            void (*fn)(struct retired *), size_t size);
/* Frees what no reader can hold any more; with urgent, or now and then,
 * first tries to move the grace period on (a scan of the threads). */
HIDDEN void syncmap__reclaim_poll(struct reclaim *r, bool urgent);
/* Frees everything: nobody can hold the map's memory (rule 7). */
HIDDEN void syncmap__reclaim_fini(struct reclaim *r);
/* The allocator of the map being polled, for the callbacks. */
HIDDEN struct mem *syncmap__reclaim_mem(void);
/* Runs a slice of the queue whose grace period has passed; called with no
 * mutex held. */
HIDDEN void syncmap__deferred_poll(void);
/* The calling thread's departure ring is full: takes it onto the queue,
 * unless another thread holds the queue; false then. */
HIDDEN bool syncmap__deferred_collect_own(void);
/* For destroy: takes every value that has left a map onto the queue and,
 * if no thread is inside a section, runs the whole queue now. */
HIDDEN void syncmap__deferred_settle(void);

#endif /* SYNCMAP_RECLAIM_H */
