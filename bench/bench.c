/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * syncmap-bench - Go's own sync.Map benchmarks (src/sync/map_bench_test.go
 * of Go 1.23, plus Go 1.19's LoadAndDeleteCollision, whose body Go 1.20
 * changed) in C, run against libsyncmap and the maps a C programmer would
 * pick instead, in one process, one after the other.
 *
 * Each benchmark keeps Go's setup and per-goroutine loop, and the harness
 * keeps Go's testing.B.RunParallel: T threads share N iterations, which
 * they take in batches from one atomic counter (testing.PB.Next), thread
 * number id starts its loop variable at id * N, and ns/op is the wall time
 * of the parallel part over N.  N is calibrated as Go calibrates it, to
 * run for the bench time; then the run is repeated at that N on a fresh map
 * and the median is reported.  Setup, thread creation and registration
 * happen before the clock starts.
 *
 * Output: one TSV row per benchmark, implementation and thread count,
 *   bench <TAB> impl <TAB> threads <TAB> ns_per_op <TAB> min <TAB> max
 * the format of ../shared/peers/go-syncmap-bench with the spread of the
 * runs (fastest and slowest) added, so that bench/report.sh can put the two
 * side by side and outliers show.  --memory prints bytes per key instead
 * (see memory()).  On a terminal, stderr shows which run is under way.
 */
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "debug.h"
#include "plain.h"

#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* ThreadSanitizer cannot see into liburcu, libck's ck_hs or the C++
 * libraries, which are not instrumented, so their peers are left out of a
 * TSan build.  The C++ peers are left out under AddressSanitizer too: it
 * checks their headers' sized deletes, and libcds 2.3.3's FeldmanHashMap
 * frees its array nodes with the wrong size (harmless under glibc's
 * malloc, an abort under ASan). */
static const struct impl *const impls[] = {
	&impl_classic, &impl_bounded, &impl_released, &impl_typed, &impl_rwlock, &impl_mutex, &impl_sharded,
#ifndef UNDER_TSAN
#ifdef HAVE_URCU
	&impl_urcu,
#endif
	&impl_ckhs,
#ifndef UNDER_ASAN
#ifdef HAVE_TBB
	&impl_tbb,
#endif
#ifdef HAVE_CDS
	&impl_michael, &impl_feldman,
#endif
#ifdef HAVE_CUCKOO
	&impl_cuckoo,
#endif
#endif
#endif
	&impl_floor,
};
#define NIMPLS (sizeof(impls) / sizeof(impls[0]))

/* ---- testing.PB ----------------------------------------------------------- */

struct pb {
	atomic_long *taken;       /* iterations handed out, shared */
	long n, grain, left;
};

/* Go: PB.Next.  Takes a batch of grain iterations when the last one is
 * used up. */
static inline bool
pb_next(struct pb *pb)
{
	long start;

	if (pb->left == 0) {
		start = atomic_fetch_add_explicit(pb->taken, pb->grain, memory_order_relaxed);
		if (start >= pb->n)
			return false;
		pb->left = start + pb->grain <= pb->n ? pb->grain : pb->n - start;
	}
	pb->left--;
	return true;
}

/* ---- the benchmarks --------------------------------------------------------- */

/* What a benchmark body sees: the map, its implementation, and the
 * benchmark's own constants (Go's hits and misses). */
struct bm {
	const struct impl *im;
	void *m;
	long hits, misses;
};

/* Go's integer keys, as their 8 bytes. */
#define K(i) (&(long){ (i) }), sizeof(long)

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("syncmap-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* The setup most benchmarks share: the hits keys, then loads to promote. */
static void
setup_hits(struct bm *b)
{
	uintptr_t v;
	long i;

	for (i = 0; i < b->hits; i++)
		b->im->load_or_store(b->m, K(i), i, &v);
	/* Go: "Prime the map to get it into a steady state." */
	for (i = 0; i < b->hits * 2; i++)
		b->im->load(b->m, K(i % b->hits), &v);
}

static void
setup_zero(struct bm *b)
{
	uintptr_t v;

	b->im->load_or_store(b->m, K(0), 0, &v);
}

static void
setup_store_zero(struct bm *b)
{
	impl_store(b->im, b->m, K(0), 0);
}

static void
setup_1024(struct bm *b)
{
	long i;

	for (i = 0; i < 1024; i++)
		impl_store(b->im, b->m, K(i), i);
}

static void
load_mostly(struct bm *b, struct pb *pb, long i)
{
	uintptr_t v;

	for (; pb_next(pb); i++)
		b->im->load(b->m, K(i % (b->hits + b->misses)), &v);
}

static void
load_or_store_balanced(struct bm *b, struct pb *pb, long i)
{
	uintptr_t v;
	long j;

	for (; pb_next(pb); i++) {
		j = i % (b->hits + b->misses);
		if (j < b->hits) {
			if (!b->im->load_or_store(b->m, K(j), i, &v))
				fatal("%s: unexpected miss for %ld", b->im->name, j);
		} else if (b->im->load_or_store(b->m, K(i), i, &v)) {
			fatal("%s: failed to store %ld: existing value %lu", b->im->name,
			    i, (unsigned long)v);
		}
	}
}

static void
load_or_store_unique(struct bm *b, struct pb *pb, long i)
{
	uintptr_t v;

	for (; pb_next(pb); i++)
		b->im->load_or_store(b->m, K(i), i, &v);
}

static void
load_or_store_collision(struct bm *b, struct pb *pb, long i)
{
	uintptr_t v;

	for (; pb_next(pb); i++)
		b->im->load_or_store(b->m, K(0), 0, &v);
}

static void
load_and_delete_balanced(struct bm *b, struct pb *pb, long i)
{
	uintptr_t v;
	long j;

	for (; pb_next(pb); i++) {
		j = i % (b->hits + b->misses);
		b->im->load_and_delete(b->m, K(j < b->hits ? j : i), &v);
	}
}

static void
load_and_delete_unique(struct bm *b, struct pb *pb, long i)
{
	uintptr_t v;

	for (; pb_next(pb); i++)
		b->im->load_and_delete(b->m, K(i), &v);
}

static void
load_and_delete_collision(struct bm *b, struct pb *pb, long i)
{
	uintptr_t v;

	for (; pb_next(pb); i++)
		if (b->im->load_and_delete(b->m, K(0), &v))
			impl_store(b->im, b->m, K(0), 0);
}

/* Go 1.19's body of the benchmark, which Go 1.20 changed to the one above:
 * the Go peer runs Go 1.19's suite, and is compared with this one. */
static void
load_and_delete_collision_119(struct bm *b, struct pb *pb, long i)
{
	uintptr_t v;

	for (; pb_next(pb); i++)
		b->im->load_and_delete(b->m, K(0), &v);
}

static bool
keep_going(const void *k, size_t kl, uintptr_t v, void *arg)
{
	(void)k; (void)kl; (void)v; (void)arg;
	return true;
}

static void
range(struct bm *b, struct pb *pb, long i)
{
	for (; pb_next(pb); i++)
		b->im->range(b->m, keep_going, NULL);
}

/* Not Go's: Range as a loop, on the implementations that have one. */
static void
iterate(struct bm *b, struct pb *pb, long i)
{
	for (; pb_next(pb); i++)
		b->im->iterate(b->m, keep_going, NULL);
}

static void
adversarial_alloc(struct bm *b, struct pb *pb, long i)
{
	long stores = 0, loads_since_store = 0;
	uintptr_t v;

	for (; pb_next(pb); i++) {
		b->im->load(b->m, K(i), &v);
		if (++loads_since_store > stores) {
			b->im->load_or_store(b->m, K(i), stores, &v);
			loads_since_store = 0;
			stores++;
		}
	}
}

static bool
delete_first(const void *k, size_t kl, uintptr_t v, void *arg)
{
	struct bm *b = arg;

	(void)v;
	impl_delete(b->im, b->m, k, kl);
	return false;
}

static void
adversarial_delete(struct bm *b, struct pb *pb, long i)
{
	uintptr_t v;

	for (; pb_next(pb); i++) {
		b->im->load(b->m, K(i), &v);
		if (i % 1024 == 0) {
			b->im->range(b->m, delete_first, b);
			impl_store(b->im, b->m, K(i), i);
		}
	}
}

static void
delete_collision(struct bm *b, struct pb *pb, long i)
{
	for (; pb_next(pb); i++)
		impl_delete(b->im, b->m, K(0));
}

static void
swap_collision(struct bm *b, struct pb *pb, long i)
{
	uintptr_t v;

	for (; pb_next(pb); i++)
		b->im->swap(b->m, K(0), 0, &v);
}

static void
swap_mostly(struct bm *b, struct pb *pb, long i)
{
	uintptr_t old;
	long v;

	for (; pb_next(pb); i++) {
		if (i % (b->hits + b->misses) < b->hits) {
			v = i % (b->hits + b->misses);
			b->im->swap(b->m, K(v), v, &old);
		} else {
			b->im->swap(b->m, K(i), i, &old);
			impl_delete(b->im, b->m, K(i));
		}
	}
}

static void
cas_collision(struct bm *b, struct pb *pb, long i)
{
	(void)i;
	while (pb_next(pb))
		if (b->im->compare_and_swap(b->m, K(0), 0, 42))
			b->im->compare_and_swap(b->m, K(0), 42, 0);
}

static void
cas_no_existing_key(struct bm *b, struct pb *pb, long i)
{
	for (; pb_next(pb); i++)
		if (b->im->compare_and_swap(b->m, K(i), 0, 0))
			impl_delete(b->im, b->m, K(i));
}

static void
cas_value_not_equal(struct bm *b, struct pb *pb, long i)
{
	for (; pb_next(pb); i++)
		b->im->compare_and_swap(b->m, K(0), 1, 2);
}

/* Go's key choice in the CompareAnd*Mostly benchmarks. */
static long
mostly_key(const struct bm *b, long i)
{
	return i % (b->hits + b->misses) < b->hits ? i % (b->hits + b->misses) : i;
}

static void
cas_mostly(struct bm *b, struct pb *pb, long i)
{
	long v;

	for (; pb_next(pb); i++) {
		v = mostly_key(b, i);
		b->im->compare_and_swap(b->m, K(v), v, v);
	}
}

static void
cad_collision(struct bm *b, struct pb *pb, long i)
{
	for (; pb_next(pb); i++)
		if (b->im->compare_and_delete(b->m, K(0), 0))
			impl_store(b->im, b->m, K(0), 0);
}

static void
cad_mostly(struct bm *b, struct pb *pb, long i)
{
	long v;

	for (; pb_next(pb); i++) {
		v = mostly_key(b, i);
		if (b->im->compare_and_delete(b->m, K(v), v))
			impl_store(b->im, b->m, K(v), v);
	}
}

static void
clear(struct bm *b, struct pb *pb, long i)
{
	for (; pb_next(pb); i++) {
		b->im->clear(b->m);
		impl_store(b->im, b->m, K(i % 256), i % 256);
	}
}

struct benchmark {
	const char *name;
	void (*setup)(struct bm *);
	void (*per_thread)(struct bm *, struct pb *, long i);
	long hits, misses;
	size_t hint;              /* keys the setup stores: the pre-size */
};

static const struct benchmark benchmarks[] = {
	{ "LoadMostlyHits", setup_hits, load_mostly, 1023, 1, 1023 },
	{ "LoadMostlyMisses", setup_hits, load_mostly, 1, 1023, 1 },
	{ "LoadOrStoreBalanced", setup_hits, load_or_store_balanced, 128, 128, 128 },
	{ "LoadOrStoreUnique", NULL, load_or_store_unique, 0, 0, 0 },
	{ "LoadOrStoreCollision", setup_zero, load_or_store_collision, 0, 0, 1 },
	{ "LoadAndDeleteBalanced", setup_hits, load_and_delete_balanced, 128, 128, 128 },
	{ "LoadAndDeleteUnique", NULL, load_and_delete_unique, 0, 0, 0 },
	{ "LoadAndDeleteCollision", setup_zero, load_and_delete_collision, 0, 0, 1 },
	{ "LoadAndDeleteCollision-go1.19", setup_zero, load_and_delete_collision_119, 0, 0, 1 },
	{ "Range", setup_1024, range, 0, 0, 1024 },
	{ "Iterate", setup_1024, iterate, 0, 0, 1024 },
	{ "AdversarialAlloc", NULL, adversarial_alloc, 0, 0, 0 },
	{ "AdversarialDelete", setup_1024, adversarial_delete, 0, 0, 1024 },
	{ "DeleteCollision", setup_zero, delete_collision, 0, 0, 1 },
	{ "SwapCollision", setup_zero, swap_collision, 0, 0, 1 },
	{ "SwapMostlyHits", setup_hits, swap_mostly, 1023, 1, 1023 },
	{ "SwapMostlyMisses", setup_hits, swap_mostly, 1, 1023, 1 },
	{ "CompareAndSwapCollision", setup_zero, cas_collision, 0, 0, 1 },
	{ "CompareAndSwapNoExistingKey", NULL, cas_no_existing_key, 0, 0, 0 },
	{ "CompareAndSwapValueNotEqual", setup_store_zero, cas_value_not_equal, 0, 0, 1 },
	{ "CompareAndSwapMostlyHits", setup_hits, cas_mostly, 1023, 1, 1023 },
	{ "CompareAndSwapMostlyMisses", setup_hits, cas_mostly, 1, 1023, 1 },
	{ "CompareAndDeleteCollision", setup_zero, cad_collision, 0, 0, 1 },
	{ "CompareAndDeleteMostlyHits", setup_hits, cad_mostly, 1023, 1, 1023 },
	{ "CompareAndDeleteMostlyMisses", setup_hits, cad_mostly, 1, 1023, 1 },
	{ "Clear", NULL, clear, 0, 0, 0 },
};
#define NBENCH (sizeof(benchmarks) / sizeof(benchmarks[0]))

/* The floor is the bound of one benchmark only: a lookup hit, one thread;
 * Iterate runs only where there is a loop to run. */
static bool
runs(const struct impl *im, const struct benchmark *bench, long threads)
{
	if (bench->per_thread == iterate && im->iterate == NULL)
		return false;
	return im != &impl_floor ||
	    (strcmp(bench->name, "LoadMostlyHits") == 0 && threads == 1);
}

/* ---- testing.B.RunParallel ----------------------------------------------- */

struct run {
	const struct benchmark *bench;
	struct bm bm;
	atomic_long taken;
	long n, grain;
	atomic_long ids;
	pthread_barrier_t start, stop;
};

static void *
worker(void *arg)
{
	struct run *r = arg;
	long id = atomic_fetch_add(&r->ids, 1);
	struct pb pb = { &r->taken, r->n, r->grain, 0 };

	impl_thread(r->bm.im, true);
	pthread_barrier_wait(&r->start);
	r->bench->per_thread(&r->bm, &pb, id * r->n);
	pthread_barrier_wait(&r->stop);
	impl_thread(r->bm.im, false);
	return NULL;
}

/* One run of N iterations on a fresh map: its ns/op. */
static double
run_once(const struct benchmark *bench, const struct impl *im, long threads, long n,
         double prev_ns)
{
	pthread_t tid[threads];
	struct run r = { .bench = bench, .n = n,
	    .bm = { im, im->create(bench->hint), bench->hits, bench->misses } };
	double t0, t1;
	long t;

	/* Go: grain = 1e5 / ns per op of the previous run, within [1, 1e4]. */
	r.grain = prev_ns > 0 ? (long)(1e5 / prev_ns) : 1;
	r.grain = r.grain < 1 ? 1 : r.grain > 10000 ? 10000 : r.grain;
	atomic_init(&r.taken, 0);
	atomic_init(&r.ids, 0);
	if (bench->setup != NULL)
		bench->setup(&r.bm);
	pthread_barrier_init(&r.start, NULL, threads + 1);
	pthread_barrier_init(&r.stop, NULL, threads + 1);
	for (t = 0; t < threads; t++)
		if (pthread_create(&tid[t], NULL, worker, &r) != 0)
			fatal("cannot create a thread");
	pthread_barrier_wait(&r.start);
	t0 = bench_clock(CLOCK_MONOTONIC);
	pthread_barrier_wait(&r.stop);
	t1 = bench_clock(CLOCK_MONOTONIC);
	for (t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	pthread_barrier_destroy(&r.start);
	pthread_barrier_destroy(&r.stop);
	im->destroy(r.bm.m);
	return (t1 - t0) * 1e9 / n;
}

int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct config {
	double benchtime;
	int repeat;
	bool verbose;
};

/*
 * Go: B.launch.  Grows N from 1 until a run lasts the bench time,
 * predicting the next N from the last ns/op with 20% to spare, at most 100x
 * at a time; then repeats at that N.  Returns the median ns/op, and the
 * fastest and slowest run in *lo and *hi.
 */
static double
measure(const struct config *cfg, const struct benchmark *bench, const struct impl *im,
        long threads, double *lo, double *hi)
{
	double ns[cfg->repeat], per_op = 0, goal = cfg->benchtime * 1e9;
	long n = 1, next;
	int k;

	for (;;) {
		per_op = run_once(bench, im, threads, n, per_op);
		if (per_op * n >= goal || n >= 1000000000)
			break;
		next = per_op > 0 ? (long)(goal / per_op) : 100 * n;
		next += next / 5;
		next = next > 100 * n ? 100 * n : next < n + 1 ? n + 1 : next;
		n = next > 1000000000 ? 1000000000 : next;
	}
	ns[0] = per_op;
	for (k = 1; k < cfg->repeat; k++)
		ns[k] = run_once(bench, im, threads, n, per_op);
	if (cfg->verbose) {
		fprintf(stderr, "  %s/%s/%ld: N=%ld", bench->name, im->name, threads, n);
		for (k = 0; k < cfg->repeat; k++)
			fprintf(stderr, " %.2f", ns[k]);
		fputc('\n', stderr);
	}
	qsort(ns, cfg->repeat, sizeof(double), cmp_double);
	*lo = ns[0];
	*hi = ns[cfg->repeat - 1];
	return cfg->repeat % 2 ? ns[cfg->repeat / 2] :
	    (ns[cfg->repeat / 2 - 1] + ns[cfg->repeat / 2]) / 2;
}

/* ---- verify: every peer computes what a plain map computes --------------- */

struct tally {
	long count, stop_after;
	uintptr_t sum;
};

static bool
tally_cb(const void *k, size_t kl, uintptr_t v, void *arg)
{
	struct tally *t = arg;

	(void)k; (void)kl;
	t->count++;
	t->sum += v;
	return t->count != t->stop_after;
}

static struct tally
model_tally(const struct plain *p)
{
	struct tally t = { 0, 0, 0 };
	size_t s;

	for (s = 0; s <= p->mask; s++)
		if (p->slots[s].n != NULL) {
			t.count++;
			t.sum += p->slots[s].n->value;
		}
	return t;
}

#define CHECK(cond, what) do {                                                  \
		if (!(cond))                                                    \
			fatal("%s: %s differs from a plain map at step %ld",    \
			    im->name, what, step);                              \
	} while (0)

/* Random single-threaded operations, each result compared with the same
 * operation on a plain table. */
static void
verify_sequential(const struct impl *im, long steps)
{
	struct plain model;
	struct pnode *n;
	void *m = im->create(0);
	uintptr_t v, w, got;
	unsigned int seed = 12345;
	struct tally t, mt;
	long step, key;
	int walk;
	bool r;

	plain_init(&model, 0);
	for (step = 0; step < steps; step++) {
		key = rand_r(&seed) % 300;
		v = rand_r(&seed) % 4;
		w = rand_r(&seed) % 4;
		n = plain_find(&model, bench_hash(K(key)), K(key));
		switch (rand_r(&seed) % 10) {
		case 0:
			r = im->load(m, K(key), &got);
			CHECK(r == (n != NULL) && (!r || got == n->value), "Load");
			break;
		case 1:
			impl_store(im, m, K(key), v);
			if (n != NULL)
				n->value = v;
			else
				plain_add(&model, bench_hash(K(key)), K(key), v);
			break;
		case 2:
			r = im->load_or_store(m, K(key), v, &got);
			CHECK(r == (n != NULL) && got == (n != NULL ? n->value : v), "LoadOrStore");
			if (n == NULL)
				plain_add(&model, bench_hash(K(key)), K(key), v);
			break;
		case 3:
			r = im->load_and_delete(m, K(key), &got);
			CHECK(r == (n != NULL) && (!r || got == n->value), "LoadAndDelete");
			if (n != NULL)
				plain_remove(&model, bench_hash(K(key)), K(key), &got);
			break;
		case 4:
			impl_delete(im, m, K(key));
			if (n != NULL)
				plain_remove(&model, bench_hash(K(key)), K(key), &got);
			break;
		case 5:
			r = im->swap(m, K(key), v, &got);
			CHECK(r == (n != NULL) && (!r || got == n->value), "Swap");
			if (n != NULL)
				n->value = v;
			else
				plain_add(&model, bench_hash(K(key)), K(key), v);
			break;
		case 6:
			r = im->compare_and_swap(m, K(key), v, w);
			CHECK(r == (n != NULL && n->value == v), "CompareAndSwap");
			if (r)
				n->value = w;
			break;
		case 7:
			r = im->compare_and_delete(m, K(key), v);
			CHECK(r == (n != NULL && n->value == v), "CompareAndDelete");
			if (r)
				plain_remove(&model, bench_hash(K(key)), K(key), &got);
			break;
		case 8:
			/* Range, then the loop if the peer has one. */
			for (walk = 0; walk < 2; walk++) {
				void (*fn)(void *, bench_range_fn *, void *) =
				    walk == 0 ? im->range : im->iterate;

				if (fn == NULL)
					continue;
				t = (struct tally){ 0, key % 2 ? 1 : 0, 0 };
				fn(m, tally_cb, &t);
				mt = model_tally(&model);
				CHECK(key % 2 ? t.count == (mt.count > 0) :
				    t.count == mt.count && t.sum == mt.sum,
				    walk == 0 ? "Range" : "Iterate");
			}
			break;
		default:
			if (key < 3) {
				im->clear(m);
				plain_reset(&model);
			}
			break;
		}
	}
	plain_fini(&model);
	im->destroy(m);
}

struct race {
	const struct impl *im;
	void *m;
	long keys, wins;
	uintptr_t id;
	pthread_barrier_t *go;
};

static void *
race_worker(void *arg)
{
	struct race *r = arg;
	uintptr_t got;
	long k;

	impl_thread(r->im, true);
	pthread_barrier_wait(r->go);
	for (k = 0; k < r->keys; k++)
		if (!r->im->load_or_store(r->m, K(k), r->id, &got))
			r->wins++;
		else if (got == r->id)
			fatal("%s: LoadOrStore loaded a value only this thread stores", r->im->name);
	impl_thread(r->im, false);
	return NULL;
}

/* Threads race LoadOrStore on the same keys: one winner per key, whose
 * value every key then has. */
static void
verify_race(const struct impl *im, long threads, long keys)
{
	struct race r[threads];
	pthread_t tid[threads];
	pthread_barrier_t go;
	long t, k, wins = 0, owned[threads];
	uintptr_t v;
	void *m = im->create(0);

	pthread_barrier_init(&go, NULL, threads);
	for (t = 0; t < threads; t++) {
		r[t] = (struct race){ im, m, keys, 0, t + 1, &go };
		owned[t] = 0;
		if (pthread_create(&tid[t], NULL, race_worker, &r[t]) != 0)
			fatal("cannot create a thread");
	}
	for (t = 0; t < threads; t++) {
		pthread_join(tid[t], NULL);
		wins += r[t].wins;
	}
	for (k = 0; k < keys; k++) {
		if (!im->load(m, K(k), &v) || v < 1 || v > (uintptr_t)threads)
			fatal("%s: key %ld lost or wrong after the race", im->name, k);
		owned[v - 1]++;
	}
	for (t = 0; t < threads; t++)
		if (owned[t] != r[t].wins)
			fatal("%s: thread %ld won %ld keys but owns %ld", im->name, t,
			    r[t].wins, owned[t]);
	if (wins != keys)
		fatal("%s: %ld LoadOrStore winners for %ld keys", im->name, wins, keys);
	pthread_barrier_destroy(&go);
	im->destroy(m);
}

/* ---- memory -------------------------------------------------------------- */

/* Bytes the process has from malloc, small blocks and mmapped ones, and
 * the tables libsyncmap maps itself past malloc (lib/mem.c). */
double
heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return (double)mi.uordblks + (double)mi.hblkhd +
	    (double)syncmap__mapped_bytes();
}

/* A 16-byte key: the number, then a fixed tail. */
static void
key16(long i, unsigned char k[16])
{
	memcpy(k, &i, 8);
	memcpy(k + 8, "16-bytes", 8);
}

/*
 * Bytes per live key, from malloc's own count, with `keys` 16-byte keys,
 * measured once what awaits reclamation is reclaimed (as Go's figure is
 * taken after a collection):
 *   steady           every key stored, then every key loaded, which makes
 *                    a read/dirty map promote: one table indexes them all;
 *   after-promotion  then the first new key: a read/dirty map copies its
 *                    read table into a new dirty one, and until the next
 *                    promotion both index every key.
 */
static void
memory(const struct impl *im, long keys)
{
	unsigned char k[16];
	double base, steady, copied;
	uintptr_t v;
	void *m, *probe;
	long i;

	base = heap_bytes();
	probe = bench_xmalloc(4096);
	if (heap_bytes() == base) {
		/* AddressSanitizer's allocator, for one, keeps no such count. */
		fputs("syncmap-bench: malloc does not count its bytes here: "
		    "no memory figures\n", stderr);
		exit(77);
	}
	free(probe);
	m = im->create(0);
	for (i = 0; i < keys; i++) {
		key16(i, k);
		impl_store(im, m, k, 16, i);
	}
	for (i = 0; i < keys; i++) {
		key16(i, k);
		if (!im->load(m, k, 16, &v) || v != (uintptr_t)i)
			fatal("%s: key %ld lost", im->name, i);
	}
	impl_quiesce(im, m);
	steady = heap_bytes() - base;
	key16(keys, k);
	impl_store(im, m, k, 16, keys);
	impl_quiesce(im, m);
	copied = heap_bytes() - base;
	printf("mem:steady\t%s\t1\t%.1f\n", im->name, steady / keys);
	printf("mem:after-promotion\t%s\t1\t%.1f\n", im->name, copied / (keys + 1));
	fflush(stdout);
	im->destroy(m);
}

/* ---- main ---------------------------------------------------------------- */

static void
usage(FILE *f)
{
	size_t i;

	fputs("usage: syncmap-bench [-b REGEX] [-i IMPL,...] [-t THREADS,...] [-T SECONDS]\n"
	    "                     [-r REPEAT] [-v] [--memory [-k KEYS]] [--verify] [-l]\n"
	    "  -b  benchmarks whose name matches REGEX (POSIX extended; default all)\n"
	    "  -i  implementations (default all)\n"
	    "  -t  thread counts (default 1 up to the number of CPUs)\n"
	    "  -T  bench time per run, as Go's -benchtime (default 0.2)\n"
	    "  -r  runs at the calibrated N; the median is reported (default 5)\n"
	    "  -v  every run's ns/op on stderr\n"
	    "  --memory  bytes per live key instead, with KEYS 16-byte keys (default 1000000);\n"
	    "            exit status 77 if malloc keeps no count of its bytes\n"
	    "  --verify  check every implementation against a plain map, then a\n"
	    "            LoadOrStore race between threads, instead of timing\n"
	    "  -l  list benchmarks and implementations\n"
	    "       syncmap-bench ycsb -h: the YCSB-like workloads instead\n"
	    "       syncmap-bench pause -h: the longest Stores instead\n", f);
	if (f == stdout) {
		fputs("\nbenchmarks:", f);
		for (i = 0; i < NBENCH; i++)
			fprintf(f, " %s", benchmarks[i].name);
		fputs("\nimplementations:\n", f);
		for (i = 0; i < NIMPLS; i++)
			fprintf(f, "  %-10s %s\n", impls[i]->name, impls[i]->about);
	}
}

/* Parses a comma-separated list of positive numbers. */
int
parse_threads(const char *s, long *out, int max)
{
	char *end;
	int n = 0;

	while (n < max) {
		out[n] = strtol(s, &end, 10);
		if (end == s || out[n] < 1 || (*end != ',' && *end != '\0'))
			return -1;
		n++;
		if (*end == '\0')
			return n;
		s = end + 1;
	}
	return -1;
}

bool
listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p;

	/* libcuckoo 0.3.1 crashes now and then (about 1 run in 40) in
	 * cuckoopath_search while a table grows under two threads, which
	 * would make every run of the whole suite flaky: it runs only when
	 * named (-i ...,cuckoo). */
	if (list == NULL)
		return strcmp(name, "cuckoo") != 0;
	for (p = list; (p = strstr(p, name)) != NULL; p += len)
		if ((p == list || p[-1] == ',') && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "memory", no_argument, NULL, 'M' },
		{ "verify", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct config cfg = { .benchtime = 0.2, .repeat = 5 };
	const char *pattern = NULL, *only = NULL;
	long threads[64], keys = 1000000;
	int nthreads = 0, c, t;
	bool mem = false, verify = false;
	regex_t re;
	size_t b, i;
	long todo = 0, done = 0;
	double ns, lo, hi;
	bool tty;
	int status = 0;

	if (argc > 1 && strcmp(argv[1], "ycsb") == 0)
		return ycsb_main(argc - 1, argv + 1, impls, NIMPLS);
	if (argc > 1 && strcmp(argv[1], "pause") == 0)
		return pause_main(argc - 1, argv + 1, impls, NIMPLS);
	while ((c = getopt_long(argc, argv, "b:i:t:T:r:k:vlh", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': pattern = optarg; break;
		case 'i': only = optarg; break;
		case 't':
			if ((nthreads = parse_threads(optarg, threads, 64)) < 0)
				fatal("bad thread list: %s", optarg);
			break;
		case 'T': cfg.benchtime = atof(optarg); break;
		case 'r': cfg.repeat = atoi(optarg); break;
		case 'k': keys = atol(optarg); break;
		case 'v': cfg.verbose = true; break;
		case 'M': mem = true; break;
		case 'V': verify = true; break;
		case 'l': usage(stdout); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || cfg.benchtime <= 0 || cfg.repeat < 1 || keys < 1) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < NIMPLS; i++)
		if (only != NULL && listed(only, impls[i]->name))
			break;
	if (only != NULL && i == NIMPLS)
		fatal("no implementation in %s (see -l)", only);
	if (nthreads == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		for (nthreads = 0; nthreads < (cpus < 1 ? 1 : cpus > 64 ? 64 : cpus); nthreads++)
			threads[nthreads] = nthreads + 1;
	}
	if (regcomp(&re, pattern != NULL ? pattern : "", REG_EXTENDED | REG_NOSUB) != 0)
		fatal("bad regular expression: %s", pattern);

	/* The main thread runs the setups and the memory benchmark. */
	for (i = 0; i < NIMPLS; i++)
		impl_thread(impls[i], true);
	if (verify) {
		for (i = 0; i < NIMPLS; i++) {
			/* The floor is no map: it sees only the read table. */
			if (!listed(only, impls[i]->name) || impls[i] == &impl_floor)
				continue;
			verify_sequential(impls[i], 200000);
			verify_race(impls[i], threads[nthreads - 1] < 2 ? 2 : threads[nthreads - 1], 20000);
			printf("verified\t%s\n", impls[i]->name);
		}
	} else if (mem) {
		for (i = 0; i < NIMPLS; i++)
			if (impls[i] != &impl_floor && impls[i] != &impl_typed &&
			    listed(only, impls[i]->name))
				memory(impls[i], keys);
	} else {
		/* Counted first, so that the progress line can say how far along. */
		for (b = 0; b < NBENCH; b++)
			for (t = 0; t < nthreads; t++)
				for (i = 0; i < NIMPLS; i++)
					todo += regexec(&re, benchmarks[b].name, 0, NULL, 0) == 0 &&
					    listed(only, impls[i]->name) &&
					    runs(impls[i], &benchmarks[b], threads[t]);
		if (todo == 0) {
			fprintf(stderr, "syncmap-bench: nothing to run: no benchmark matches '%s' "
			    "on %s at these thread counts (see -l)\n", pattern != NULL ? pattern : "",
			    only != NULL ? only : "any implementation");
			status = 2;
			goto out;
		}
		/* -v shows every run already. */
		tty = isatty(STDERR_FILENO) && !cfg.verbose;
		for (b = 0; b < NBENCH; b++) {
			if (regexec(&re, benchmarks[b].name, 0, NULL, 0) != 0)
				continue;
			for (t = 0; t < nthreads; t++)
				for (i = 0; i < NIMPLS; i++) {
					if (!listed(only, impls[i]->name) ||
					    !runs(impls[i], &benchmarks[b], threads[t]))
						continue;
					if (tty)
						fprintf(stderr, "\r\033[K  [%ld/%ld] %s, %s, %ld thread%s",
						    ++done, todo, benchmarks[b].name, impls[i]->name,
						    threads[t], threads[t] == 1 ? "" : "s");
					ns = measure(&cfg, &benchmarks[b], impls[i], threads[t], &lo, &hi);
					if (tty)        /* the row may go to the same terminal */
						fputs("\r\033[K", stderr);
					printf("%s\t%s\t%ld\t%.2f\t%.2f\t%.2f\n", benchmarks[b].name,
					    impls[i]->name, threads[t], ns, lo, hi);
					fflush(stdout);
				}
		}
	}
out:
	for (i = 0; i < NIMPLS; i++)
		impl_thread(impls[i], false);
	regfree(&re);
	return status;
}
