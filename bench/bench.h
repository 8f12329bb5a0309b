/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench.h - the map interface every benchmarked implementation provides.
 *
 * Keys are byte strings, as libsyncmap's are: Go's integer keys are passed
 * as their 8 bytes, the memory benchmark's keys are 16 bytes.  Every peer
 * stores its keys inline in its own node, and hashes and compares them
 * with libsyncmap's own inline functions (lib/hash.h), so the comparison
 * is between ways of synchronising a map, not between key handling.  Values are pointer-sized
 * integers, compared by value as Go compares its ints.
 *
 * A peer that cannot get memory aborts the run: benchmarks do not measure
 * failure paths.
 */
#ifndef SYNCMAP_BENCH_H
#define SYNCMAP_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "keys.h"

/* Operations marked optional may be NULL: see the helpers below. */
struct impl {
	const char *name;
	const char *about;
	/* Optional.  Threads that call the map are registered outside the
	 * timed part. */
	void (*thread_enter)(void);
	void (*thread_exit)(void);
	void *(*create)(size_t hint);
	void (*destroy)(void *m);
	bool (*load)(void *m, const void *k, size_t kl, uintptr_t *v);
	void (*store)(void *m, const void *k, size_t kl, uintptr_t v);   /* optional */
	/* true if loaded (*actual = the present value) */
	bool (*load_or_store)(void *m, const void *k, size_t kl, uintptr_t v,
	                      uintptr_t *actual);
	bool (*load_and_delete)(void *m, const void *k, size_t kl, uintptr_t *v);
	void (*delete)(void *m, const void *k, size_t kl);               /* optional */
	/* true if loaded (*old = the value replaced) */
	bool (*swap)(void *m, const void *k, size_t kl, uintptr_t v, uintptr_t *old);
	bool (*compare_and_swap)(void *m, const void *k, size_t kl, uintptr_t old,
	                         uintptr_t new);
	bool (*compare_and_delete)(void *m, const void *k, size_t kl, uintptr_t old);
	void (*range)(void *m, bench_range_fn *fn, void *arg);
	/* Optional: Range as a loop (libsyncmap's syncmap_iter), for the
	 * Iterate benchmark beside Range. */
	void (*iterate)(void *m, bench_range_fn *fn, void *arg);
	void (*clear)(void *m);
	/* Optional.  With no other thread in the map: free what awaits
	 * reclamation. */
	void (*quiesce)(void *m);
};

static inline void
impl_thread(const struct impl *im, bool enter)
{
	void (*fn)(void) = enter ? im->thread_enter : im->thread_exit;

	if (fn != NULL)
		fn();
}

static inline void
impl_quiesce(const struct impl *im, void *m)
{
	if (im->quiesce != NULL)
		im->quiesce(m);
}

/* A peer without a Store of its own stores by Swap, without Delete deletes
 * by LoadAndDelete. */
static inline void
impl_store(const struct impl *im, void *m, const void *k, size_t kl, uintptr_t v)
{
	uintptr_t old;

	if (im->store != NULL)
		im->store(m, k, kl, v);
	else
		im->swap(m, k, kl, v, &old);
}

static inline void
impl_delete(const struct impl *im, void *m, const void *k, size_t kl)
{
	uintptr_t v;

	if (im->delete != NULL)
		im->delete(m, k, kl);
	else
		im->load_and_delete(m, k, kl, &v);
}

/* The operations every implementation file names alike. */
#define IMPL_MAP_OPS                                                      \
	.load_or_store = load_or_store, .load_and_delete = load_and_delete, \
	.swap = swap, .compare_and_swap = compare_and_swap,               \
	.compare_and_delete = compare_and_delete, .range = range, .clear = clear

/* Allocation that cannot fail, for the peers. */
void *bench_xmalloc(size_t n);
void *bench_xrealloc(void *p, size_t n);
void *bench_xaligned(size_t align, size_t n);

/* Seconds on clock id: CLOCK_MONOTONIC for wall time, a thread's CPU
 * clock for the time it ran. */
double bench_clock(clockid_t id);

extern const struct impl impl_classic, impl_bounded, impl_released, impl_floor;
extern const struct impl impl_typed;
extern const struct impl impl_rwlock, impl_mutex;
extern const struct impl impl_ckhs;
extern const struct impl impl_sharded;
extern unsigned bench_shards;           /* impl_sharded's, before create */
#ifdef HAVE_TBB
extern const struct impl impl_tbb;
#endif
#ifdef HAVE_CDS
extern const struct impl impl_michael, impl_feldman;
#endif
#ifdef HAVE_CUCKOO
extern const struct impl impl_cuckoo;
#endif

/* bench.c's, for the YCSB-like workloads (ycsb.c) and the pauses (pause.c). */
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
double heap_bytes(void);
int cmp_double(const void *a, const void *b);       /* qsort order */
int parse_threads(const char *s, long *out, int max);
bool listed(const char *list, const char *name);
int ycsb_main(int argc, char **argv, const struct impl *const *impls, size_t nimpls);
int pause_main(int argc, char **argv, const struct impl *const *impls, size_t nimpls);
#ifdef HAVE_URCU
extern const struct impl impl_urcu;
#endif

#endif /* SYNCMAP_BENCH_H */
