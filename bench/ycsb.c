/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ycsb.c - `syncmap-bench ycsb`: the workloads users run against a
 * concurrent map, beside Go's suite: YCSB's core mixes over zipf(0.99)
 * keys, uniform hits, and churn, at a given number of keys, on every
 * implementation in one process.
 *
 *   hits   100% Load, uniform over the keys
 *   C      100% Load, zipf (YCSB C)
 *   B      95% Load, 5% Store to an existing key, zipf (YCSB B)
 *   A      50% Load, 50% Store to an existing key, zipf (YCSB A)
 *   D      95% Load of recent keys (zipf over recency, the newest the
 *          hottest), 5% insert of a new key (YCSB D); each insert also
 *          deletes the oldest key, so that the map stays at its size and
 *          the cell measures the size it names
 *   churn  a sliding window: insert the newest key, delete the oldest,
 *          alternately
 *
 * Keys are 8-byte integers, as Go's suite has them.  The map is created
 * with its size as the hint, preloaded with keys 0..n-1 by Store, and
 * every key loaded once (which promotes a read/dirty map's keys, as a
 * warm map has them), all before the clock starts; bytes per key are taken
 * then, from malloc's count (mallinfo2, as --memory does), after what
 * awaits reclamation is reclaimed.  The workloads then run on that map in
 * the order above, D and churn last because they move the window.
 *
 * Each thread replays its own precomputed operation stream, the same for
 * every implementation, so that generating zipf variates (a pow() each) is
 * not timed.  A run lasts the bench time; ns/op is its wall time over the
 * operations of all threads (Go's convention), and a cell is run `runs`
 * times: the median, the fastest and the slowest are printed.  With -C,
 * ns/op is the CPU time of the threads over their operations, divided by
 * the thread count: what the wall time would be if each thread had a core
 * to itself.  On a machine shared with other work that is the steadier
 * figure (time spent descheduled is not counted), but time a thread
 * sleeps on a blocking lock is not counted either.  A Load of a
 * key that must be there (hits, A, B, C) that misses stops the program.
 *
 * Output rows, tab-separated:
 *   workload  impl  keys  threads  median_ns  min_ns  max_ns
 *   mem       impl  keys  bytes_per_key
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

enum kind { HITS, ZIPF, LATEST, CHURN };

struct workload {
	const char *name;
	enum kind kind;
	unsigned writes;          /* percent of operations that write */
};

/* In the order they run. */
static const struct workload workloads[] = {
	{ "hits", HITS, 0 },
	{ "C", ZIPF, 0 },
	{ "B", ZIPF, 5 },
	{ "A", ZIPF, 50 },
	{ "D", LATEST, 5 },
	{ "churn", CHURN, 100 },
};
#define NWORK (sizeof(workloads) / sizeof(workloads[0]))

/* A stream entry: a key offset (or a rank, for D), and whether it writes. */
#define WRITE  (UINT64_C(1) << 63)
#define OFFSET (WRITE - 1)

/* ---- random numbers ------------------------------------------------------- */

static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
uniform(uint64_t *s)
{
	return (splitmix(s) >> 11) * 0x1.0p-53;
}

/*
 * Zipf over ranks 0..n-1 with exponent theta, by the method of Gray et
 * al., "Quickly generating billion-record synthetic databases" (SIGMOD
 * 1994), as YCSB's ZipfianGenerator does: zeta(n) is computed once, then
 * each variate costs one pow().
 */
struct zipf {
	double n, theta, alpha, zetan, eta;
};

static void
zipf_init(struct zipf *z, long n, double theta)
{
	double zeta2 = 1 + pow(0.5, theta);
	long i;

	z->n = n;
	z->theta = theta;
	z->zetan = 0;
	/* Smallest terms first, for the sum's precision. */
	for (i = n; i >= 1; i--)
		z->zetan += pow((double)i, -theta);
	z->alpha = 1 / (1 - theta);
	z->eta = (1 - pow(2.0 / n, 1 - theta)) / (1 - zeta2 / z->zetan);
}

static uint64_t
zipf_next(const struct zipf *z, uint64_t *s)
{
	double u = uniform(s), uz = u * z->zetan;
	uint64_t r;

	if (uz < 1)
		return 0;
	if (uz < 1 + pow(0.5, z->theta))
		return 1;
	r = (uint64_t)(z->n * pow(z->eta * u - z->eta + 1, z->alpha));
	return r < (uint64_t)z->n ? r : (uint64_t)z->n - 1;
}

static uint64_t
gcd(uint64_t a, uint64_t b)
{
	while (b != 0) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* Ranks scattered over the keys by a bijection of [0, n) (an affine map
 * with a multiplier prime to n), so that the hot keys are not neighbours
 * (YCSB scrambles its zipf by hashing). */
struct scramble {
	uint64_t n, mul, add;
};

static void
scramble_init(struct scramble *sc, uint64_t n)
{
	sc->n = n;
	sc->mul = UINT64_C(0x9E3779B97F4A7C15) % n;
	while (gcd(sc->mul, n) != 1)
		sc->mul++;
	sc->add = n / 3;
}

static uint64_t
scramble(const struct scramble *sc, uint64_t r)
{
	return (uint64_t)(((unsigned __int128)r * sc->mul + sc->add) % sc->n);
}

/* ---- operation streams ---------------------------------------------------- */

/* Thread t's stream for workload w over n keys: len entries, a power of
 * two. */
static uint64_t *
make_stream(const struct workload *w, long n, size_t len, const struct zipf *z,
            const struct scramble *sc, unsigned t)
{
	uint64_t *s = bench_xmalloc(len * sizeof(*s));
	uint64_t seed = UINT64_C(0x5EED) + 1000 * t + (uint64_t)(w - workloads);
	uint64_t off;
	size_t i;

	for (i = 0; i < len; i++) {
		switch (w->kind) {
		case HITS:
			off = splitmix(&seed) % (uint64_t)n;
			break;
		case ZIPF:
			off = scramble(sc, zipf_next(z, &seed));
			break;
		default:
			off = zipf_next(z, &seed);
			break;
		}
		s[i] = off | (splitmix(&seed) % 100 < w->writes ? WRITE : 0);
	}
	return s;
}

/* ---- a run ---------------------------------------------------------------- */

/* The key window [lo, hi): D and churn move it, every thread sharing it. */
struct window {
	_Atomic uint64_t lo, hi;
};

struct cell {
	const struct impl *im;
	void *m;
	const struct workload *w;
	struct window *win;
	uint64_t *const *streams;
	size_t mask;
	atomic_bool stop;
	atomic_long ops;
	atomic_long cpu_ns;       /* summed over the threads */
	atomic_uint ids;
	pthread_barrier_t start, done;
};

/* Operations between looks at the stop flag. */
#define BATCH 256

static void __attribute__((noreturn))
missing(const struct cell *c, uint64_t key)
{
	fatal("%s: workload %s: key %llu missing", c->im->name, c->w->name,
	    (unsigned long long)key);
}

/* Inserts the newest key and deletes the oldest, which keeps the size. */
static void
slide(struct cell *c)
{
	/* relaxed: the counters only hand out distinct keys */
	uint64_t in = atomic_fetch_add_explicit(&c->win->hi, 1, memory_order_relaxed);
	uint64_t out = atomic_fetch_add_explicit(&c->win->lo, 1, memory_order_relaxed);

	impl_store(c->im, c->m, &in, sizeof(in), in);
	impl_delete(c->im, c->m, &out, sizeof(out));
}

static long
replay(struct cell *c, const uint64_t *s)
{
	const struct impl *im = c->im;
	void *m = c->m;
	/* relaxed: only D and churn move the window, and they run last */
	uint64_t base = atomic_load_explicit(&c->win->lo, memory_order_relaxed), key, e;
	size_t i = 0;
	long ops = 0;
	uintptr_t v;
	int b;

	while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		for (b = 0; b < BATCH; b++, i++) {
			e = s[i & c->mask];
			switch (c->w->kind) {
			case HITS:
			case ZIPF:
				key = base + (e & OFFSET);
				if (e & WRITE)
					impl_store(im, m, &key, sizeof(key), i);
				else if (!im->load(m, &key, sizeof(key), &v))
					missing(c, key);
				break;
			case LATEST:
				if (e & WRITE) {
					slide(c);
					break;
				}
				/* relaxed: a key not yet stored is a miss, which D allows */
				key = atomic_load_explicit(&c->win->hi, memory_order_relaxed) - 1 -
				    (e & OFFSET);
				im->load(m, &key, sizeof(key), &v);
				break;
			case CHURN:
				if (i % 2 == 0) {
					key = atomic_fetch_add_explicit(&c->win->hi, 1,
					    memory_order_relaxed);
					impl_store(im, m, &key, sizeof(key), key);
				} else {
					key = atomic_fetch_add_explicit(&c->win->lo, 1,
					    memory_order_relaxed);
					impl_delete(im, m, &key, sizeof(key));
				}
				break;
			}
		}
		ops += BATCH;
	}
	return ops;
}

static void *
worker(void *arg)
{
	struct cell *c = arg;
	unsigned id = atomic_fetch_add(&c->ids, 1);
	long ops;

	double t0;

	impl_thread(c->im, true);
	pthread_barrier_wait(&c->start);
	t0 = bench_clock(CLOCK_THREAD_CPUTIME_ID);
	ops = replay(c, c->streams[id]);
	atomic_fetch_add(&c->cpu_ns, (long)((bench_clock(CLOCK_THREAD_CPUTIME_ID) - t0) * 1e9));
	atomic_fetch_add(&c->ops, ops);
	pthread_barrier_wait(&c->done);
	impl_thread(c->im, false);
	return NULL;
}

/* One run of `secs` seconds: its ns/op, by the wall clock or, if cpu, by
 * the threads' CPU time. */
static double
run(const struct impl *im, void *m, const struct workload *w, struct window *win,
    uint64_t *const *streams, size_t len, long threads, double secs, bool cpu)
{
	struct cell c = { .im = im, .m = m, .w = w, .win = win, .streams = streams,
	    .mask = len - 1 };
	struct timespec nap = { (time_t)secs, (long)((secs - (time_t)secs) * 1e9) };
	pthread_t tid[threads];
	double t0, t1;
	long t;

	atomic_init(&c.stop, false);
	atomic_init(&c.ops, 0);
	atomic_init(&c.cpu_ns, 0);
	atomic_init(&c.ids, 0);
	pthread_barrier_init(&c.start, NULL, threads + 1);
	pthread_barrier_init(&c.done, NULL, threads + 1);
	for (t = 0; t < threads; t++)
		if (pthread_create(&tid[t], NULL, worker, &c) != 0)
			fatal("cannot create a thread");
	pthread_barrier_wait(&c.start);
	t0 = bench_clock(CLOCK_MONOTONIC);
	nanosleep(&nap, NULL);
	atomic_store_explicit(&c.stop, true, memory_order_relaxed);
	pthread_barrier_wait(&c.done);
	t1 = bench_clock(CLOCK_MONOTONIC);
	for (t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	pthread_barrier_destroy(&c.start);
	pthread_barrier_destroy(&c.done);
	if (cpu)
		return (double)atomic_load(&c.cpu_ns) / threads / atomic_load(&c.ops);
	return (t1 - t0) * 1e9 / atomic_load(&c.ops);
}

/* ---- the grid ------------------------------------------------------------- */

struct grid {
	const char *only, *which;
	long keys[16], threads[16];
	int nkeys, nthreads, runs;
	double secs;
	bool mem;                 /* malloc counts its bytes */
	bool cpu;                 /* -C */
};

/* Creates, preloads and warms the map, prints its bytes per key, runs
 * every workload on it. */
static void
one_impl(const struct grid *g, const struct impl *im, long n,
         uint64_t *streams[NWORK][16], size_t len)
{
	struct window win;
	double base = heap_bytes(), ns[g->runs];
	uintptr_t v;
	uint64_t k;
	size_t w;
	void *m;
	int t, r;

	m = im->create(n);
	for (k = 0; k < (uint64_t)n; k++)
		impl_store(im, m, &k, sizeof(k), k);
	for (k = 0; k < (uint64_t)n; k++)
		if (!im->load(m, &k, sizeof(k), &v) || v != k)
			fatal("%s: preloaded key %llu lost", im->name, (unsigned long long)k);
	impl_quiesce(im, m);
	if (g->mem)
		printf("mem\t%s\t%ld\t%.1f\n", im->name, n, (heap_bytes() - base) / n);
	atomic_init(&win.lo, 0);
	atomic_init(&win.hi, n);
	for (w = 0; w < NWORK; w++) {
		if (!listed(g->which, workloads[w].name))
			continue;
		for (t = 0; t < g->nthreads; t++) {
			for (r = 0; r < g->runs; r++)
				ns[r] = run(im, m, &workloads[w], &win, streams[w], len,
				    g->threads[t], g->secs, g->cpu);
			qsort(ns, g->runs, sizeof(double), cmp_double);
			printf("%s\t%s\t%ld\t%ld\t%.2f\t%.2f\t%.2f\n", workloads[w].name,
			    im->name, n, g->threads[t],
			    g->runs % 2 ? ns[g->runs / 2] :
			    (ns[g->runs / 2 - 1] + ns[g->runs / 2]) / 2, ns[0], ns[g->runs - 1]);
			fflush(stdout);
		}
	}
	im->destroy(m);
}

static void
one_size(const struct grid *g, const struct impl *const *impls, size_t nimpls, long n)
{
	uint64_t *streams[NWORK][16] = { { NULL } };
	long most = 1;
	struct zipf z;
	struct scramble sc;
	size_t len = 1 << 14, w, i;
	int t;

	/* Sixteen entries a key, within [2^14, 2^20]: long enough to leave
	 * the zipf tail its share, short enough to stay a small stream. */
	while (len < (size_t)n * 16 && len < (1 << 20))
		len *= 2;
	for (t = 0; t < g->nthreads; t++)
		most = g->threads[t] > most ? g->threads[t] : most;
	zipf_init(&z, n, 0.99);
	scramble_init(&sc, n);
	for (w = 0; w < NWORK; w++)
		if (listed(g->which, workloads[w].name))
			for (t = 0; t < most; t++)
				streams[w][t] = make_stream(&workloads[w], n, len, &z, &sc, t);
	for (i = 0; i < nimpls; i++)
		if (strcmp(impls[i]->name, "floor") != 0 && listed(g->only, impls[i]->name))
			one_impl(g, impls[i], n, streams, len);
	for (w = 0; w < NWORK; w++)
		for (t = 0; t < most; t++)
			free(streams[w][t]);
}

static void
usage(FILE *f)
{
	size_t w;

	fputs("usage: syncmap-bench ycsb [-w WORKLOAD,...] [-i IMPL,...] [-k KEYS,...]\n"
	    "                          [-t THREADS,...] [-T SECONDS] [-r RUNS] [-S SHARDS] [-C]\n"
	    "  -w  workloads (default all):", f);
	for (w = 0; w < NWORK; w++)
		fprintf(f, " %s", workloads[w].name);
	fputs("\n  -i  implementations (default all but the floor; see syncmap-bench -l)\n"
	    "  -k  map sizes in keys (default 1024,1000000)\n"
	    "  -t  thread counts (default 1,2; at most 16)\n"
	    "  -T  seconds per run (default 0.2)\n"
	    "  -r  runs per cell: median, min and max are printed (default 3)\n"
	    "  -S  shards of the sharded map (default 32)\n"
	    "  -C  ns/op from the threads' CPU time over the thread count, not the wall clock\n", f);
}

int
ycsb_main(int argc, char **argv, const struct impl *const *impls, size_t nimpls)
{
	struct grid g = { .keys = { 1024, 1000000 }, .nkeys = 2, .threads = { 1, 2 },
	    .nthreads = 2, .runs = 3, .secs = 0.2 };
	double before;
	void *probe;
	size_t i;
	int c, k;

	while ((c = getopt(argc, argv, "w:i:k:t:T:r:S:Ch")) != -1) {
		switch (c) {
		case 'w': g.which = optarg; break;
		case 'i': g.only = optarg; break;
		case 'k':
			if ((g.nkeys = parse_threads(optarg, g.keys, 16)) < 0)
				fatal("bad size list: %s", optarg);
			break;
		case 't':
			if ((g.nthreads = parse_threads(optarg, g.threads, 16)) < 0)
				fatal("bad thread list: %s", optarg);
			break;
		case 'T': g.secs = atof(optarg); break;
		case 'r': g.runs = atoi(optarg); break;
		case 'S': bench_shards = (unsigned)atoi(optarg); break;
		case 'C': g.cpu = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || g.secs <= 0 || g.runs < 1 || bench_shards < 1) {
		usage(stderr);
		return 2;
	}
	for (k = 0; k < g.nthreads; k++)
		if (g.threads[k] > 16)
			fatal("at most 16 threads");
	/* AddressSanitizer's allocator, for one, keeps no count. */
	before = heap_bytes();
	probe = bench_xmalloc(4096);
	g.mem = heap_bytes() != before;
	free(probe);
	if (!g.mem)
		fputs("syncmap-bench: malloc does not count its bytes here: "
		    "no memory figures\n", stderr);
	for (i = 0; i < nimpls; i++)
		impl_thread(impls[i], true);
	for (k = 0; k < g.nkeys; k++)
		one_size(&g, impls, nimpls, g.keys[k]);
	for (i = 0; i < nimpls; i++)
		impl_thread(impls[i], false);
	return 0;
}
