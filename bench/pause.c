/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pause.c - `syncmap-bench pause`: the longest time one Store takes
 * (SPEC.md section 8).  Go's design makes one writer pay O(n) under the
 * mutex now and then: the first new key after a promotion copies read
 * into a new dirty, and dirty's growth rehashes it.  Means hide that; this
 * measures the tail, on libsyncmap's two policies beside maps that grow
 * by other means (oneTBB's concurrent_hash_map, liburcu's rculfhash).
 *
 * For each map size n the map is created with n as its hint, filled with
 * keys 0..n-1 by Store, and promoted; then, on that one map:
 *
 *   first   the first new key after a promotion, `repeats` times, each
 *           after a fresh promotion.  A second thread stores new keys
 *           meanwhile: it starts a few microseconds after the timed Store
 *           (so that the timed one is the first), and its longest Store
 *           until the timed one returns is how long it was blocked (the
 *           Stores it completes meanwhile may come after the mutex was
 *           released, while the timed call has yet to return).
 *   mix     10% Stores of new keys, 90% Loads that hit (uniform over the
 *           preloaded keys and the thread's own new ones, so that Loads of
 *           keys only dirty has count misses, and Go's rule promotes and
 *           copies as it would in use), on 1 and 2 threads.
 *   noise   in the same mix, on the same threads, as many empty calls,
 *           timed the same way: the machine's own tail.  On a shared
 *           virtual machine the host takes a core away now and then, and
 *           the thread's CPU clock cannot tell that from work, so a
 *           longest Store near the longest empty call is that, not the
 *           map.
 *
 * A promotion is forced by Go's rule, misses >= len(dirty): Loads of
 * absent keys, one more than the map has keys, each of which must take
 * the mutex while dirty holds new keys; libsyncmap's maps are checked to
 * have no dirty table afterwards.  The peers run the same Loads and
 * Stores on the same keys, though they have no promotion to force.
 *
 * Each timed Store is timed by the thread's CPU clock (what the call ran,
 * kernel time included: the page faults of a new table count) and by the
 * wall clock (what the caller waited, time descheduled or blocked on a
 * lock included), both read around the call; the mix's throughput
 * includes those clock reads.  On a machine whose cores are busy the
 * second thread of `first` may get no core while the timed Store runs:
 * its row then shows no Stores meanwhile rather than a guess.
 *
 * At 10^7 keys each map holds about 1 GiB and takes a minute or more
 * (filling it and the promotions' Loads), one map at a time.
 *
 * Output rows, tab-separated (times in microseconds):
 *   impl policy size scenario threads stores  max_cpu p99.9_cpu p99_cpu
 *   p50_cpu  max_wall p99.9_wall p99_wall p50_wall  ops_per_s
 *   other_blocked_max other_stores
 * ops_per_s is the mix's operations per second or, in `first`, the second
 * thread's Stores per second while the timed Store ran; the other_*
 * columns are that thread's longest Store and its Stores in the windows,
 * "-" in the mix.  Then, for the plot, rows of the distribution:
 *   dist impl policy size scenario threads quantile cpu_us wall_us
 * A human table goes to stderr unless -q.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syncmap.h"
#include "bench.h"

/* A key is a tag in its top 16 bits and a number below: tag 0 the
 * preloaded keys, each thread of each scenario a tag of its own, ABSENT
 * the keys a promotion loads and nobody stores. */
#define TAG_SHIFT 48
#define ABSENT ((uint64_t)0xFFFF << TAG_SHIFT)

/* How long the second thread of `first` waits after the timed Store began:
 * long enough that the timed Store has reached the mutex. */
#define HEAD_START 5e-6

static const double quantiles[] = { 0.5, 0.9, 0.99, 0.999, 0.9999, 0.99999, 1 };
#define NQ (sizeof(quantiles) / sizeof(quantiles[0]))

/* ---- latencies ------------------------------------------------------------- */

/* Timed Stores, in seconds. */
struct lat {
	double *cpu, *wall;
	size_t n, cap;
};

static void
lat_init(struct lat *l, size_t cap)
{
	l->n = 0;
	l->cap = cap < 16 ? 16 : cap;
	l->cpu = bench_xmalloc(l->cap * sizeof(double));
	l->wall = bench_xmalloc(l->cap * sizeof(double));
}

static void
lat_fini(struct lat *l)
{
	free(l->cpu);
	free(l->wall);
}

static void
lat_add(struct lat *l, double cpu, double wall)
{
	if (l->n == l->cap) {
		l->cap *= 2;
		l->cpu = bench_xrealloc(l->cpu, l->cap * sizeof(double));
		l->wall = bench_xrealloc(l->wall, l->cap * sizeof(double));
	}
	l->cpu[l->n] = cpu;
	l->wall[l->n] = wall;
	l->n++;
}

static void
lat_merge(struct lat *into, const struct lat *from)
{
	size_t i;

	for (i = 0; i < from->n; i++)
		lat_add(into, from->cpu[i], from->wall[i]);
}

/* Nearest rank, of a sorted array. */
static double
quantile(const double *v, size_t n, double q)
{
	size_t rank = (size_t)ceil(q * n);

	if (n == 0)
		return 0;
	return v[rank == 0 ? 0 : rank > n ? n - 1 : rank - 1];
}

/* The clocks around a timed call: CPU first and last, so that it holds
 * the wall clock's reads too. */
struct stopwatch {
	double cpu, wall;
};

static struct stopwatch
stopwatch_start(void)
{
	struct stopwatch w = { bench_clock(CLOCK_THREAD_CPUTIME_ID), 0 };

	w.wall = bench_clock(CLOCK_MONOTONIC);
	return w;
}

static void
stopwatch_stop(struct stopwatch w, struct lat *l)
{
	double wall = bench_clock(CLOCK_MONOTONIC) - w.wall;

	lat_add(l, bench_clock(CLOCK_THREAD_CPUTIME_ID) - w.cpu, wall);
}

static void
timed_store(const struct impl *im, void *m, uint64_t key, struct lat *l)
{
	struct stopwatch w = stopwatch_start();

	impl_store(im, m, &key, sizeof(key), key);
	stopwatch_stop(w, l);
}

static void
nothing(void)
{
}

/* The noise scenario's empty call, through a pointer the compiler cannot
 * see through. */
static void
timed_nothing(struct lat *l)
{
	static void (*volatile call)(void) = nothing;
	struct stopwatch w = stopwatch_start();

	call();
	stopwatch_stop(w, l);
}

/* ---- the map under test ----------------------------------------------------- */

struct pmap {
	const struct impl *im;
	void *m;
	const char *policy;       /* NULL for a peer */
	long n;
	uint64_t keys;            /* stored so far */
	unsigned tags;            /* tags handed out */
};

static const char *
policy_of(const struct impl *im)
{
	if (im == &impl_classic)
		return "classic";
	if (im == &impl_bounded || im == &impl_released || im == &impl_typed)
		return "bounded";
	return NULL;
}

static uint64_t
tagged(unsigned tag, uint64_t i)
{
	return (uint64_t)tag << TAG_SHIFT | i;
}

/* Go's rule, misses >= len(dirty), with dirty holding every key: one more
 * missing Load than there are keys promotes whatever the count of misses
 * was.  Called with no other thread in the map. */
static void
promote(struct pmap *p)
{
	struct syncmap_stats st = { 0 };
	uint64_t i, k;
	uintptr_t v;

	for (i = 0; i <= p->keys; i++) {
		k = ABSENT | i;
		if (p->im->load(p->m, &k, sizeof(k), &v))
			fatal("%s: absent key %llu found", p->im->name, (unsigned long long)i);
	}
	if (p->policy != NULL && (syncmap_stats(p->m, &st) != 0 || st.dirty_slots != 0))
		fatal("%s: %llu missing Loads left a dirty table of %zu", p->im->name,
		    (unsigned long long)p->keys + 1, st.dirty_slots);
	impl_quiesce(p->im, p->m);
}

/* ---- output ----------------------------------------------------------------- */

struct cfg {
	const char *only;
	long sizes[8], threads[8];
	int nsizes, nthreads, repeats;
	long ops;
	bool quiet;
};

/* other_blocked < 0: no second thread's columns (the mix). */
static void
report(const struct cfg *c, const struct pmap *p, const char *scenario, long threads,
       struct lat *l, double ops_s, double other_blocked, long other_stores)
{
	const char *pol = p->policy != NULL ? p->policy : "-";
	size_t q;

	qsort(l->cpu, l->n, sizeof(double), cmp_double);
	qsort(l->wall, l->n, sizeof(double), cmp_double);
	printf("%s\t%s\t%ld\t%s\t%ld\t%zu", p->im->name, pol, p->n, scenario, threads, l->n);
	printf("\t%.2f\t%.2f\t%.2f\t%.2f", quantile(l->cpu, l->n, 1) * 1e6,
	    quantile(l->cpu, l->n, 0.999) * 1e6, quantile(l->cpu, l->n, 0.99) * 1e6,
	    quantile(l->cpu, l->n, 0.5) * 1e6);
	printf("\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f", quantile(l->wall, l->n, 1) * 1e6,
	    quantile(l->wall, l->n, 0.999) * 1e6, quantile(l->wall, l->n, 0.99) * 1e6,
	    quantile(l->wall, l->n, 0.5) * 1e6, ops_s);
	if (other_blocked < 0)
		printf("\t-\t-\n");
	else
		printf("\t%.2f\t%ld\n", other_blocked * 1e6, other_stores);
	for (q = 0; q < NQ; q++)
		printf("dist\t%s\t%s\t%ld\t%s\t%ld\t%g\t%.3f\t%.3f\n", p->im->name, pol, p->n,
		    scenario, threads, quantiles[q], quantile(l->cpu, l->n, quantiles[q]) * 1e6,
		    quantile(l->wall, l->n, quantiles[q]) * 1e6);
	fflush(stdout);
	if (c->quiet)
		return;
	fprintf(stderr, "%-10s %-8s %9ld %-6s %2ld %10.1f %10.1f %9.2f %7.2f %11.0f", p->im->name,
	    pol, p->n, scenario, threads, quantile(l->cpu, l->n, 1) * 1e6,
	    quantile(l->wall, l->n, 1) * 1e6, quantile(l->wall, l->n, 0.999) * 1e6,
	    quantile(l->wall, l->n, 0.5) * 1e6, ops_s);
	if (other_blocked < 0)
		fputs("          -\n", stderr);
	else
		fprintf(stderr, " %10.1f\n", other_blocked * 1e6);
}

/* ---- first: the first new key after a promotion ---------------------------- */

struct rival {
	struct pmap *p;
	int repeats;
	unsigned tag;
	pthread_barrier_t start, end;
	/* relaxed: flags only; the barriers order everything else */
	atomic_bool ready, started, done;
	uint64_t stored;          /* the thread's new keys, read after `end` */
	long window_stores;
	double blocked;           /* its longest Store in a window */
};

static void *
rival_main(void *arg)
{
	struct rival *r = arg;
	const struct impl *im = r->p->im;
	double w0, w;
	uint64_t k;
	int rep;

	impl_thread(im, true);
	for (rep = 0; rep < r->repeats; rep++) {
		pthread_barrier_wait(&r->start);
		atomic_store_explicit(&r->ready, true, memory_order_relaxed);
		while (!atomic_load_explicit(&r->started, memory_order_relaxed))
			;
		w0 = bench_clock(CLOCK_MONOTONIC);
		while (bench_clock(CLOCK_MONOTONIC) - w0 < HEAD_START)
			;
		while (!atomic_load_explicit(&r->done, memory_order_relaxed)) {
			k = tagged(r->tag, r->stored++);
			w0 = bench_clock(CLOCK_MONOTONIC);
			impl_store(im, r->p->m, &k, sizeof(k), k);
			w = bench_clock(CLOCK_MONOTONIC) - w0;
			r->window_stores++;
			if (w > r->blocked)
				r->blocked = w;
		}
		pthread_barrier_wait(&r->end);
	}
	impl_thread(im, false);
	return NULL;
}

static void
first(const struct cfg *c, struct pmap *p)
{
	struct rival r = { .p = p, .repeats = c->repeats, .tag = ++p->tags };
	unsigned tag = ++p->tags;
	uint64_t before = p->keys;
	double window = 0;
	struct lat l;
	pthread_t tid;
	int rep;

	lat_init(&l, c->repeats);
	atomic_init(&r.ready, false);
	atomic_init(&r.started, false);
	atomic_init(&r.done, false);
	pthread_barrier_init(&r.start, NULL, 2);
	pthread_barrier_init(&r.end, NULL, 2);
	if (pthread_create(&tid, NULL, rival_main, &r) != 0)
		fatal("cannot create a thread");
	for (rep = 0; rep < c->repeats; rep++) {
		p->keys = before + rep + r.stored;
		promote(p);
		atomic_store_explicit(&r.ready, false, memory_order_relaxed);
		atomic_store_explicit(&r.started, false, memory_order_relaxed);
		atomic_store_explicit(&r.done, false, memory_order_relaxed);
		pthread_barrier_wait(&r.start);
		/* Both threads on a CPU before the clock starts: the second one
		 * slept through the promotion, and its wakeup is not the
		 * Store's cost. */
		while (!atomic_load_explicit(&r.ready, memory_order_relaxed))
			;
		atomic_store_explicit(&r.started, true, memory_order_relaxed);
		timed_store(p->im, p->m, tagged(tag, rep), &l);
		atomic_store_explicit(&r.done, true, memory_order_relaxed);
		window += l.wall[l.n - 1];
		pthread_barrier_wait(&r.end);
	}
	pthread_join(tid, NULL);
	p->keys = before + c->repeats + r.stored;
	pthread_barrier_destroy(&r.start);
	pthread_barrier_destroy(&r.end);
	report(c, p, "first", 2, &l, r.window_stores / window, r.blocked, r.window_stores);
	lat_fini(&l);
}

/* ---- mix: 10% new keys, 90% hits --------------------------------------------- */

struct mixer {
	struct pmap *p;
	unsigned tag;
	long ops;
	uint64_t stored;
	struct lat lat, noise;
	double t0, t1;            /* its own wall clock: see mix() */
	pthread_barrier_t *start;
};

/* Of [0, range), the i-th of a Weyl sequence: uniform, and the same for
 * every implementation, at the cost of a multiply. */
static uint64_t
spread(uint64_t i, unsigned tag, uint64_t range)
{
	uint64_t x = (i + 1) * UINT64_C(0x9E3779B97F4A7C15) + tag * UINT64_C(0xD1B54A32D192ED03);

	return (uint64_t)(((unsigned __int128)x * range) >> 64);
}

static void *
mixer_main(void *arg)
{
	struct mixer *x = arg;
	const struct impl *im = x->p->im;
	uint64_t n = x->p->n, k;
	uintptr_t v;
	long i;

	impl_thread(im, true);
	pthread_barrier_wait(x->start);
	x->t0 = bench_clock(CLOCK_MONOTONIC);
	for (i = 0; i < x->ops; i++) {
		if (i % 10 == 9) {
			timed_store(im, x->p->m, tagged(x->tag, x->stored++), &x->lat);
			continue;
		}
		if (i % 10 == 4)
			timed_nothing(&x->noise);
		k = spread(i, x->tag, n + x->stored);
		k = k < n ? k : tagged(x->tag, k - n);
		if (!im->load(x->p->m, &k, sizeof(k), &v) || v != k)
			fatal("%s: mix: key %llx lost", im->name, (unsigned long long)k);
	}
	x->t1 = bench_clock(CLOCK_MONOTONIC);
	impl_thread(im, false);
	return NULL;
}

static void
mix(const struct cfg *c, struct pmap *p, long threads)
{
	struct mixer x[threads];
	pthread_t tid[threads];
	pthread_barrier_t start;
	struct lat all, noise;
	double t0 = 0, t1 = 0;
	long t;

	promote(p);
	pthread_barrier_init(&start, NULL, threads);
	for (t = 0; t < threads; t++) {
		x[t] = (struct mixer){ .p = p, .tag = ++p->tags, .ops = c->ops / threads,
		    .start = &start };
		lat_init(&x[t].lat, x[t].ops / 10 + 1);
		lat_init(&x[t].noise, x[t].ops / 10 + 1);
		if (pthread_create(&tid[t], NULL, mixer_main, &x[t]) != 0)
			fatal("cannot create a thread");
	}
	lat_init(&all, c->ops / 10 + threads);
	lat_init(&noise, c->ops / 10 + threads);
	/* The mix lasts from its first thread's start to its last one's end,
	 * by their own clocks: a coordinator's would start late whenever it
	 * is descheduled on a busy machine. */
	for (t = 0; t < threads; t++) {
		pthread_join(tid[t], NULL);
		t0 = t == 0 || x[t].t0 < t0 ? x[t].t0 : t0;
		t1 = x[t].t1 > t1 ? x[t].t1 : t1;
		p->keys += x[t].stored;
		lat_merge(&all, &x[t].lat);
		lat_merge(&noise, &x[t].noise);
		lat_fini(&x[t].lat);
		lat_fini(&x[t].noise);
	}
	pthread_barrier_destroy(&start);
	report(c, p, "mix", threads, &all, (double)(c->ops / threads * threads) / (t1 - t0), -1, 0);
	report(c, p, "noise", threads, &noise, 0, -1, 0);
	lat_fini(&all);
	lat_fini(&noise);
}

/* ---- main --------------------------------------------------------------------- */

static void
one_size(const struct cfg *c, const struct impl *im, long n)
{
	struct pmap p = { .im = im, .m = im->create(n), .policy = policy_of(im), .n = n };
	uint64_t k;
	int t;

	for (k = 0; k < (uint64_t)n; k++)
		impl_store(im, p.m, &k, sizeof(k), k);
	p.keys = n;
	first(c, &p);
	for (t = 0; t < c->nthreads; t++)
		mix(c, &p, c->threads[t]);
	im->destroy(p.m);
}

static void
usage(FILE *f)
{
	fputs("usage: syncmap-bench pause [-n SIZES] [-i IMPL,...] [-t THREADS] [-r REPEATS]\n"
	    "                           [-o OPS] [-q]\n"
	    "  -n  map sizes in keys (default 100000,1000000,10000000)\n"
	    "  -i  implementations (default classic,bounded,tbb,rculfhash; see syncmap-bench -l)\n"
	    "  -t  thread counts of the mix (default 1,2)\n"
	    "  -r  first new keys after a promotion, each timed (default 5)\n"
	    "  -o  operations of each mix, over all its threads (default 2000000)\n"
	    "  -q  no human table on stderr\n", f);
}

int
pause_main(int argc, char **argv, const struct impl *const *impls, size_t nimpls)
{
	struct cfg c = { .only = "classic,bounded,tbb,rculfhash",
	    .sizes = { 100000, 1000000, 10000000 }, .nsizes = 3, .threads = { 1, 2 },
	    .nthreads = 2, .repeats = 5, .ops = 2000000 };
	size_t i;
	int opt, s;

	while ((opt = getopt(argc, argv, "n:i:t:r:o:qh")) != -1) {
		switch (opt) {
		case 'n':
			if ((c.nsizes = parse_threads(optarg, c.sizes, 8)) < 0)
				fatal("bad size list: %s", optarg);
			break;
		case 'i': c.only = optarg; break;
		case 't':
			if ((c.nthreads = parse_threads(optarg, c.threads, 8)) < 0)
				fatal("bad thread list: %s", optarg);
			break;
		case 'r': c.repeats = atoi(optarg); break;
		case 'o': c.ops = atol(optarg); break;
		case 'q': c.quiet = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || c.repeats < 1 || c.ops < 10) {
		usage(stderr);
		return 2;
	}
	for (s = 0; s < c.nsizes; s++)
		if (c.sizes[s] >= (long)1 << TAG_SHIFT)
			fatal("at most 2^%d keys", TAG_SHIFT);
	for (s = 0; s < c.nthreads; s++)
		if (c.ops / c.threads[s] < 10)
			fatal("-o %ld leaves a thread of %ld without a Store", c.ops, c.threads[s]);
	if (!c.quiet)
		fprintf(stderr, "%-10s %-8s %9s %-6s %2s %10s %10s %9s %7s %11s %10s\n", "impl",
		    "policy", "size", "test", "th", "max cpu us", "max wall", "p99.9", "p50",
		    "ops/s", "blocked us");
	for (i = 0; i < nimpls; i++)
		impl_thread(impls[i], true);
	for (s = 0; s < c.nsizes; s++)
		for (i = 0; i < nimpls; i++)
			if (strcmp(impls[i]->name, "floor") != 0 && listed(c.only, impls[i]->name))
				one_size(&c, impls[i], c.sizes[s]);
	for (i = 0; i < nimpls; i++)
		impl_thread(impls[i], false);
	return 0;
}
