/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * syncmap-stress - reproduces the dirty-map bloat of Go's read/dirty
 * sync.Map (SYNCMAP_CLASSIC) and shows SYNCMAP_BOUNDED holding its bound,
 * workload by workload, side by side.
 *
 * Each workload is one mechanism of the public record (Go issue 40999, the
 * adversarial benchmarks of src/sync/map_bench_test.go, reports of heaps
 * growing under key churn):
 *
 *   fill-delete  fill, promote, delete every key, then only read: classic
 *                keeps every deleted key until a new key arrives (never).
 *   churn        a sliding window, as a session table: insert a new key,
 *                delete the oldest, look up recent ones.
 *   copy-amp     Go's AdversarialAlloc over a filled map: each new key
 *                after a promotion copies the whole read table.
 *   range-churn  Go's AdversarialDelete: Range (which promotes), delete a
 *                key, store a new one: a full copy per round.
 *   mt-churn     the sliding window from several threads at once.
 *
 * Every run samples syncmap_stats into a time series (--csv), shows its
 * progress on a terminal, and ends in a summary table, a key to its
 * columns and a verdict on the contract: classic reproduces mechanism 1
 * exactly, bounded keeps dead <= max(live, 64) and the heap its allocator
 * counts (before the sample's syncmap_stats polls) <= 3 * sum(klen + 64) +
 * 256 KiB at every quiescent sample.  --check turns the verdict into
 * the exit status.  A run that stops before its workload's steady state
 * (see the workloads table) proves nothing either way: its verdict is "run
 * too short" (exit status 2 under --check), not a violation.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "syncmap.h"
/* Header-only: the tool links nothing else of the tests. */
#include "../tests/clock.h"

struct config {
	long keys, window, threads, ops, samples, klen, repeat;
	double duration;
	bool check, quiet;
	FILE *csv;
};

/* One workload on one map. */
struct run {
	const struct config *cfg;
	const char *workload, *policy;
	syncmap_t *m;
	atomic_long ops;           /* map calls made so far */
	long next_sample;
	double start, last_shown;
	struct syncmap_stats last;
	size_t max_dead, max_bytes;
	size_t max_net;            /* the most bytes less pending_bytes */
	bool steady;               /* the workload reached its steady state */
	double copied;             /* entries copied by dirty copies (estimate) */
	double seconds;
	long violations;
	char violation[256];
	atomic_size_t heap;        /* what the map holds, by its allocator */
};

/* The map allocates through these, so that --check measures the heap as
 * the allocator counts it: syncmap_stats polls first, which would hide
 * garbage a caller sees between calls. */
static void *
counted_malloc(size_t size, void *ctx)
{
	struct run *r = ctx;
	void *p = malloc(size);

	if (p != NULL)
		atomic_fetch_add_explicit(&r->heap, size, memory_order_relaxed);
	return p;
}

static void
counted_free(void *p, size_t size, void *ctx)
{
	struct run *r = ctx;

	atomic_fetch_sub_explicit(&r->heap, size, memory_order_relaxed);
	free(p);
}

/* Key i: "k" and the number, zero-padded to klen bytes (klen >= 12). */
static size_t
key(const struct config *cfg, char *buf, long i)
{
	snprintf(buf, 64, "k%0*ld", (int)cfg->klen - 1, i);
	return (size_t)cfg->klen;
}

static bool
done(struct run *r)
{
	if (r->cfg->duration > 0)
		return now() - r->start >= r->cfg->duration;
	return atomic_load(&r->ops) >= r->cfg->ops;
}

static void
progress(struct run *r, double t)
{
	double frac = r->cfg->duration > 0 ? (t - r->start) / r->cfg->duration :
	    (double)atomic_load(&r->ops) / (double)r->cfg->ops;

	fprintf(stderr, "\r  %-12s %-8s %3.0f%%  %10ld ops  %6.2f Mops/s  live %8zu  dead %8zu  %8.2f MiB ",
	    r->workload, r->policy, 100 * (frac > 1 ? 1 : frac), atomic_load(&r->ops),
	    atomic_load(&r->ops) / (t - r->start) / 1e6, r->last.live,
	    r->last.dead_entries, r->last.bytes / 1048576.0);
	r->last_shown = t;
}

/* --check stops at the first violation: a broken bound is reported at
 * once, not after every remaining workload has run its course. */
static void
violated(const struct run *r)
{
	if (!r->cfg->quiet && isatty(STDERR_FILENO))
		fprintf(stderr, "\r%*s\r", 130, "");
	fprintf(r->cfg->csv == stdout ? stderr : stdout,
	    "  !! %s %s: %s\nverdict: VIOLATED (stopped at the first violation)\n",
	    r->workload, r->policy, r->violation);
	exit(1);
}

/*
 * Takes one sample: a CSV row, the running maxima, the copy estimate (each
 * copy since the last sample copied about read_slots entries), and under
 * --check the bound, when the map is quiescent (single-threaded runs, and
 * multi-threaded ones once joined).
 */
static void
sample(struct run *r, bool quiescent)
{
	const struct config *cfg = r->cfg;
	struct syncmap_stats st;
	double t = now();
	size_t limit, floor, heap = atomic_load_explicit(&r->heap, memory_order_relaxed);

	syncmap_stats(r->m, &st);
	r->copied += (double)(st.dirty_copies - r->last.dirty_copies) * (double)st.read_slots;
	r->last = st;
	if (st.dead_entries > r->max_dead)
		r->max_dead = st.dead_entries;
	if (st.bytes > r->max_bytes)
		r->max_bytes = st.bytes;
	if (st.bytes - st.pending_bytes > r->max_net)
		r->max_net = st.bytes - st.pending_bytes;
	if (cfg->csv != NULL)
		fprintf(cfg->csv, "%s,%s,%ld,%zu,%zu,%zu,%zu,%zu,%zu,%zu,%llu,%llu,%llu,%.0f,%.3f\n",
		    r->workload, r->policy, atomic_load(&r->ops), st.live, st.read_slots,
		    st.dirty_slots, st.dead_entries, st.expunged, st.bytes, st.pending_bytes,
		    (unsigned long long)st.dirty_copies, (unsigned long long)st.promotions,
		    (unsigned long long)st.compactions,
		    atomic_load(&r->ops) / (t - r->start), t - r->start);
	if (quiescent && strcmp(r->policy, "bounded") == 0) {
		floor = st.live > 64 ? st.live : 64;
		limit = 3 * (st.live * ((size_t)cfg->klen + 64)) + (256 << 10);
		if (st.dead_entries > floor || heap > limit) {
			if (r->violations++ == 0)
				snprintf(r->violation, sizeof(r->violation),
				    "at %ld ops: dead %zu (max %zu), allocator's bytes %zu (max %zu)",
				    atomic_load(&r->ops), st.dead_entries, floor, heap, limit);
			if (cfg->check)
				violated(r);
		}
	}
	/* A run shows its progress on a terminal once it has lasted 2 s. */
	if (!cfg->quiet && isatty(STDERR_FILENO) && t - r->start > 2 && t - r->last_shown > 0.1)
		progress(r, t);
}

/* Counts n map calls; samples every ops/samples calls. */
static void
tick(struct run *r, long n)
{
	long ops = atomic_fetch_add(&r->ops, n) + n;

	if (ops >= r->next_sample) {
		r->next_sample = ops + (r->cfg->duration > 0 ? 20000 :
		    (r->cfg->ops / r->cfg->samples > 0 ? r->cfg->ops / r->cfg->samples : 1));
		sample(r, true);
	}
}

static int
stop_now(const void *k, size_t kl, void *v, void *a)
{
	(void)k; (void)kl; (void)v; (void)a;
	return 1;
}

/* ---- the workloads --------------------------------------------------- */

static void
fill(struct run *r, long n)
{
	char k[64];
	long i;

	for (i = 0; i < n && !done(r); i++) {
		syncmap_store(r->m, k, key(r->cfg, k, i), (void *)(intptr_t)(i + 1));
		tick(r, 1);
	}
}

static void
fill_delete(struct run *r)
{
	long keys = r->cfg->keys, i;
	char k[64];

	fill(r, keys);
	syncmap_range(r->m, stop_now, NULL);
	tick(r, 1);
	for (i = 0; i < keys && !done(r); i++) {
		syncmap_delete(r->m, k, key(r->cfg, k, i));
		tick(r, 1);
	}
	r->steady = i == keys;
	for (i = 0; !done(r); i++) {
		syncmap_load(r->m, k, key(r->cfg, k, i % keys), NULL);
		tick(r, 1);
	}
}

/* One step of a sliding window over keys base + i: store the new key,
 * delete the one that left the window, look up four recent ones. */
static void
window_step(struct run *r, long base, long window, long i)
{
	char k[64];
	long j;

	syncmap_store(r->m, k, key(r->cfg, k, base + i), (void *)(intptr_t)(i + 1));
	if (i >= window)
		syncmap_delete(r->m, k, key(r->cfg, k, base + i - window));
	for (j = 0; j < 4; j++)
		syncmap_load(r->m, k, key(r->cfg, k,
		    base + i - (i * 7 + j) % (i < window ? i + 1 : window)), NULL);
	tick(r, i >= window ? 6 : 5);
}

static void
churn(struct run *r)
{
	long i;

	for (i = 0; !done(r); i++)
		window_step(r, 0, r->cfg->window, i);
	r->steady = i >= r->cfg->window;
}

/* Go's AdversarialAlloc, after a fill: look up keys not yet stored, and
 * store one whenever as many lookups have missed as keys were stored. */
static void
copy_amp(struct run *r)
{
	long keys = r->cfg->keys, i, stores = 0, since = 0;
	char k[64];

	fill(r, keys);
	syncmap_range(r->m, stop_now, NULL);
	for (i = keys; !done(r); i++) {
		syncmap_load(r->m, k, key(r->cfg, k, i), NULL);
		tick(r, 1);
		if (++since > stores) {
			syncmap_load_or_store(r->m, k, key(r->cfg, k, i), (void *)(intptr_t)stores, NULL);
			tick(r, 1);
			since = 0;
			stores++;
			r->steady = true;
		}
	}
}

/* Go's AdversarialDelete: every keys-th lookup, Range (promoting dirty)
 * deleting the first key it meets, and store a new key. */
struct first_delete {
	syncmap_t *m;
};

static int
delete_first(const void *k, size_t kl, void *v, void *a)
{
	struct first_delete *fd = a;

	(void)v;
	syncmap_delete(fd->m, k, kl);
	return 1;
}

static void
range_churn(struct run *r)
{
	long keys = r->cfg->keys, i;
	struct first_delete fd = { r->m };
	char k[64];

	fill(r, keys);
	for (i = 0; !done(r); i++) {
		syncmap_load(r->m, k, key(r->cfg, k, i % keys), NULL);
		tick(r, 1);
		if (i % keys == 0) {
			syncmap_range(r->m, delete_first, &fd);
			syncmap_store(r->m, k, key(r->cfg, k, keys + i), (void *)(intptr_t)i);
			tick(r, 3);
			r->steady = true;
		}
	}
}

/* Several threads, each a sliding window over a key range of its own;
 * the main thread samples. */
struct worker {
	struct run *r;
	long id;
	pthread_barrier_t *go;
};

static void *
mt_worker(void *arg)
{
	struct worker *w = arg;
	long window = w->r->cfg->window / w->r->cfg->threads, i;
	char k[64];

	if (window < 1)
		window = 1;
	/* All start together, and each fills its window before it stops, so
	 * that a short run still reaches the steady state: a thread scheduled
	 * late would otherwise find the others had made every call. */
	pthread_barrier_wait(w->go);
	for (i = 0; i < window || !done(w->r); i++) {
		syncmap_store(w->r->m, k, key(w->r->cfg, k, w->id * 1000000000L + i), NULL);
		if (i >= window)
			syncmap_delete(w->r->m, k, key(w->r->cfg, k, w->id * 1000000000L + i - window));
		syncmap_load(w->r->m, k, key(w->r->cfg, k,
		    w->id * 1000000000L + i - (i * 7) % (i < window ? i + 1 : window)), NULL);
		atomic_fetch_add(&w->r->ops, i >= window ? 3 : 2);
	}
	return NULL;
}

static void
mt_churn(struct run *r)
{
	long n = r->cfg->threads, i;
	struct worker *w = calloc((size_t)n, sizeof(*w));
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	double step = r->cfg->duration > 0 ? r->cfg->duration / (double)r->cfg->samples : 0.02;
	pthread_barrier_t go;

	pthread_barrier_init(&go, NULL, (unsigned)n);
	for (i = 0; i < n; i++) {
		w[i] = (struct worker){ r, i, &go };
		if (pthread_create(&t[i], NULL, mt_worker, &w[i]) != 0) {
			perror("pthread_create");
			exit(1);
		}
	}
	while (!done(r)) {
		struct timespec ts = { 0, (long)(step * 1e9) };

		nanosleep(&ts, NULL);
		sample(r, false);
	}
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	r->steady = true;
	pthread_barrier_destroy(&go);
	free(w);
	free(t);
}

/* steady: what a run must reach before its verdict means anything; until
 * then classic's fill-delete has not deleted every key, and the bound has
 * not met the workload's deletes or copies. */
static const struct {
	const char *name;
	void (*fn)(struct run *);
	const char *what, *steady;
} workloads[] = {
	{ "fill-delete", fill_delete, "fill, promote, delete all, then only read",
	  "every key filled, promoted and deleted: 2 x keys + 1 calls" },
	{ "churn", churn, "sliding window: store new, delete oldest, 4 lookups",
	  "the window full: 5 x window calls" },
	{ "copy-amp", copy_amp, "Go's AdversarialAlloc after a fill",
	  "the fill and the first new key: keys + 2 calls" },
	{ "range-churn", range_churn, "Go's AdversarialDelete: Range, delete one, store one",
	  "the fill and the first Range round: keys + 4 calls" },
	{ "mt-churn", mt_churn, "sliding windows from several threads",
	  "every thread's window full: each fills its own before it stops" },
};
#define NWORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

static void
run_one(struct run *r, const struct config *cfg, size_t w, enum syncmap_policy p)
{
	struct syncmap_allocator a = { counted_malloc, counted_free, r };
	struct syncmap_options o = { .policy = p, .allocator = &a };

	memset(r, 0, sizeof(*r));
	r->cfg = cfg;
	r->workload = workloads[w].name;
	r->policy = p == SYNCMAP_CLASSIC ? "classic" : "bounded";
	if ((r->m = syncmap_create(&o)) == NULL) {
		perror("syncmap_create");
		exit(1);
	}
	r->start = r->last_shown = now();
	r->last_shown = 0;
	workloads[w].fn(r);
	r->seconds = now() - r->start;
	sample(r, true);                        /* quiescent: the final row */
	if (!cfg->quiet && isatty(STDERR_FILENO))
		fprintf(stderr, "\r%*s\r", 130, "");
	/* Mechanism 1, exactly: every deleted key is still a dead entry. */
	if (r->steady && p == SYNCMAP_CLASSIC && strcmp(r->workload, "fill-delete") == 0 &&
	    (r->last.dead_entries != (size_t)cfg->keys || r->last.live != 0 ||
	     r->last.expunged != 0)) {
		r->violations++;
		snprintf(r->violation, sizeof(r->violation),
		    "classic fill-delete: %zu dead, %zu live, %zu expunged; want %ld, 0, 0",
		    r->last.dead_entries, r->last.live, r->last.expunged, cfg->keys);
		if (cfg->check)
			violated(r);
	}
	syncmap_destroy(r->m);
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, long n)
{
	qsort(v, (size_t)n, sizeof(*v), by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The last repetition's figures, with the median throughput of all. */
static void
summary_row(FILE *f, const struct run *r, double mops)
{
	fprintf(f, "  %-12s %-8s %10ld %7.2f %9zu %9zu %9.2f %9.2f %9.2f %7llu %7llu %7llu %12.0f\n",
	    r->workload, r->policy, atomic_load(&r->ops), mops, r->last.live, r->max_dead,
	    r->max_bytes / 1048576.0, r->max_net / 1048576.0, r->last.bytes / 1048576.0,
	    (unsigned long long)r->last.dirty_copies, (unsigned long long)r->last.promotions,
	    (unsigned long long)r->last.compactions, r->copied);
}

static const char columns_key[] =
    "columns:\n"
    "  ops       map calls made by the run\n"
    "  Mops/s    millions of map calls a second (the median of the -r runs)\n"
    "  live      keys in the map at the end\n"
    "  max dead  the most deleted entries still indexed (nil or expunged) at any sample\n"
    "  max MiB   the most heap the map held at any sample; under threads (mt-churn)\n"
    "            a peak that includes retired memory awaiting its grace period\n"
    "  net MiB   the most heap at any sample less that retired memory: what the map\n"
    "            holds once quiescent (equal to max MiB on one thread)\n"
    "  end MiB   heap held at the end, quiescent\n"
    "  copies    dirty copies: read copied into a new dirty table (O(n) each)\n"
    "  promos    promotions: dirty published as read (misses, Range, or bounded)\n"
    "  compact   the bounded policy's interventions: early promotions, rebuilds of read\n"
    "  ~copied   entries those copies copied, estimated from the read table's size\n";

static void
usage(FILE *f, const char *argv0)
{
	size_t i;

	fprintf(f, "usage: %s [options]\n"
	    "  -w, --workload NAME  one of the below, or all (default all)\n"
	    "  -p, --policy P       classic, bounded or both (default both)\n"
	    "  -k, --keys N         keys filled by fill-delete, copy-amp, range-churn (default 100000)\n"
	    "  -W, --window N       live keys of the churn workloads (default 10000)\n"
	    "  -t, --threads N      threads of mt-churn (default 2)\n"
	    "  -n, --ops N          map calls per run (default 1000000)\n"
	    "  -d, --duration S     seconds per run, instead of -n\n"
	    "  -l, --klen N         key length, 12 to 60 (default 16)\n"
	    "  -s, --samples N      samples per run (default 200)\n"
	    "  -r, --repeat N       run each workload and policy N times, interleaved,\n"
	    "                       and report the median throughput (default 1)\n"
	    "  -o, --csv FILE       time series as CSV; - for standard output, which sends\n"
	    "                       the table to standard error\n"
	    "  -q, --quiet          no progress display\n"
	    "      --check          exit 1 unless classic reproduces mechanism 1 exactly\n"
	    "                       and bounded stays within its bound at every sample\n"
	    "                       (stops at the first violation); exit 2 if a run\n"
	    "                       stopped before its steady state\n"
	    "      --version        print the version\n"
	    "workloads, and the steady state each run must reach for a verdict:\n", argv0);
	for (i = 0; i < NWORKLOADS; i++)
		fprintf(f, "  %-12s %s\n  %-12s   (%s)\n", workloads[i].name, workloads[i].what, "",
		    workloads[i].steady);
	fputs(columns_key, f);
}

static void
list_workloads(FILE *f)
{
	size_t i;

	fputs("workloads:", f);
	for (i = 0; i < NWORKLOADS; i++)
		fprintf(f, " %s", workloads[i].name);
	fputs(" all\n", f);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "workload", required_argument, NULL, 'w' },
		{ "policy", required_argument, NULL, 'p' },
		{ "keys", required_argument, NULL, 'k' },
		{ "window", required_argument, NULL, 'W' },
		{ "threads", required_argument, NULL, 't' },
		{ "ops", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "klen", required_argument, NULL, 'l' },
		{ "samples", required_argument, NULL, 's' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "csv", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "check", no_argument, NULL, 'C' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct config cfg = { .keys = 100000, .window = 10000, .threads = 2,
	    .ops = 1000000, .samples = 200, .klen = 16, .repeat = 1 };
	const char *workload = "all", *policy = "both";
	struct run runs[2];
	double mops[2][100], med[2];
	bool wanted[2], ran_fill_delete = false;
	long violations = 0, rep;
	size_t w, p, short_w = NWORKLOADS;
	long short_ops = 0;
	FILE *out;
	int c;

	while ((c = getopt_long(argc, argv, "w:p:k:W:t:n:d:l:s:r:o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'w': workload = optarg; break;
		case 'p': policy = optarg; break;
		case 'k': cfg.keys = atol(optarg); break;
		case 'W': cfg.window = atol(optarg); break;
		case 't': cfg.threads = atol(optarg); break;
		case 'n': cfg.ops = atol(optarg); break;
		case 'd': cfg.duration = atof(optarg); break;
		case 'l': cfg.klen = atol(optarg); break;
		case 's': cfg.samples = atol(optarg); break;
		case 'r': cfg.repeat = atol(optarg); break;
		case 'o':
			cfg.csv = strcmp(optarg, "-") == 0 ? stdout : fopen(optarg, "w");
			if (cfg.csv == NULL) {
				perror(optarg);
				return 2;
			}
			break;
		case 'q': cfg.quiet = true; break;
		case 'C': cfg.check = true; break;
		case 'V': printf("syncmap-stress (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION); return 0;
		case 'h': usage(stdout, argv[0]); return 0;
		default: usage(stderr, argv[0]); return 2;
		}
	}
	if (optind != argc || cfg.keys < 1 || cfg.window < 1 || cfg.threads < 1 || cfg.ops < 1 ||
	    cfg.samples < 1 || cfg.repeat < 1 || cfg.repeat > 99 || cfg.klen < 12 || cfg.klen > 60 ||
	    (strcmp(policy, "both") && strcmp(policy, "classic") && strcmp(policy, "bounded"))) {
		usage(stderr, argv[0]);
		return 2;
	}
	for (w = 0; w < NWORKLOADS && strcmp(workload, workloads[w].name) != 0; w++)
		;
	if (w == NWORKLOADS && strcmp(workload, "all") != 0) {
		fprintf(stderr, "syncmap-stress: no workload named %s; ", workload);
		list_workloads(stderr);
		return 2;
	}
	/* Standard output carries the CSV alone, so that it can be piped. */
	out = cfg.csv == stdout ? stderr : stdout;
	wanted[0] = strcmp(policy, "bounded") != 0;
	wanted[1] = strcmp(policy, "classic") != 0;
	if (cfg.csv != NULL)
		fprintf(cfg.csv, "workload,policy,ops,live,read_slots,dirty_slots,dead,expunged,"
		    "bytes,pending_bytes,copies,promotions,compactions,ops_per_s,seconds\n");
	if (cfg.duration > 0)
		fprintf(out, "syncmap-stress: %.1f s per run", cfg.duration);
	else
		fprintf(out, "syncmap-stress: %ld calls per run", cfg.ops);
	fprintf(out, ", %ld keys, window %ld, %ld threads, %ld-byte keys, median of %ld\n",
	    cfg.keys, cfg.window, cfg.threads, cfg.klen, cfg.repeat);
	fprintf(out, "  %-12s %-8s %10s %7s %9s %9s %9s %9s %9s %7s %7s %7s %12s\n", "workload",
	    "policy", "ops", "Mops/s", "live", "max dead", "max MiB", "net MiB", "end MiB",
	    "copies", "promos", "compact", "~copied");
	for (w = 0; w < NWORKLOADS; w++) {
		if (strcmp(workload, "all") != 0 && strcmp(workload, workloads[w].name) != 0)
			continue;
		/* Policies alternate within each repetition, so that both see
		 * the same machine. */
		for (rep = 0; rep < cfg.repeat; rep++) {
			for (p = 0; p < 2; p++) {
				enum syncmap_policy pol = p == 0 ? SYNCMAP_CLASSIC : SYNCMAP_BOUNDED;

				if (!wanted[p])
					continue;
				run_one(&runs[p], &cfg, w, pol);
				mops[p][rep] = atomic_load(&runs[p].ops) / runs[p].seconds / 1e6;
				violations += runs[p].violations;
				if (runs[p].violations > 0)
					fprintf(out, "  !! %s %s: %ld violations, first %s\n",
					    runs[p].workload, runs[p].policy,
					    runs[p].violations, runs[p].violation);
				if (!runs[p].steady && short_w == NWORKLOADS) {
					short_w = w;
					short_ops = atomic_load(&runs[p].ops);
				}
			}
		}
		ran_fill_delete = ran_fill_delete || (wanted[0] && strcmp(workloads[w].name, "fill-delete") == 0);
		for (p = 0; p < 2; p++) {
			if (wanted[p]) {
				med[p] = median(mops[p], cfg.repeat);
				summary_row(out, &runs[p], med[p]);
			}
		}
		if (wanted[0] && wanted[1])
			fprintf(out, "  %-12s bounded/classic: throughput %.2fx, max MiB %.2fx, "
			    "net MiB %.2fx, max dead %.2fx\n",
			    "", med[1] / med[0], (double)runs[1].max_bytes / (double)runs[0].max_bytes,
			    (double)runs[1].max_net / (double)runs[0].max_net,
			    runs[0].max_dead ? (double)runs[1].max_dead / (double)runs[0].max_dead : 0.0);
		fflush(out);
	}
	if (cfg.csv != NULL && cfg.csv != stdout)
		fclose(cfg.csv);
	fputs(columns_key, out);
	/* A violation is one whenever it happens; a short run proves nothing. */
	if (violations > 0) {
		fprintf(out, "verdict: VIOLATED (%ld violations, listed above)\n", violations);
		return cfg.check ? 1 : 0;
	}
	if (short_w != NWORKLOADS) {
		fprintf(out, "verdict: run too short: %s made %ld calls, before its steady state "
		    "(%s); raise -n or -d, or lower -k or -W\n",
		    workloads[short_w].name, short_ops, workloads[short_w].steady);
		return cfg.check ? 2 : 0;
	}
	fprintf(out, "verdict: ok: %s%s%s\n",
	    ran_fill_delete ? "classic reproduces mechanism 1 exactly" : "",
	    ran_fill_delete && wanted[1] ? "; " : "",
	    wanted[1] ? "bounded within its bound at every quiescent sample" :
	    ran_fill_delete ? "" : "nothing to check (classic is checked on fill-delete only)");
	return 0;
}
