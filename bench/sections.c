/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sections.c - what a read-side section costs, side by side in one run:
 * syncmap_read_lock + syncmap_read_unlock against ck_epoch_begin +
 * ck_epoch_end (the fence the library's sections no longer pay), and a
 * Load hit with and without an open section around it.
 *
 *   bench/syncmap-sections [-n CALLS] [-r RUNS]
 *
 * Prints one TSV row per measurement (name, ns per call, best of RUNS),
 * then the two ratios the contract fixes.
 */
#include <ck_epoch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "syncmap.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Keeps the compiler from dropping the loops. */
static volatile uintptr_t sink;

static double
time_sections(long n)
{
	double t = now();
	long i;

	for (i = 0; i < n; i++) {
		syncmap_read_lock();
		syncmap_read_unlock();
	}
	return (now() - t) / n * 1e9;
}

static double
time_ck_epoch(ck_epoch_record_t *rec, long n)
{
	double t = now();
	long i;

	for (i = 0; i < n; i++) {
		ck_epoch_begin(rec, NULL);
		ck_epoch_end(rec, NULL);
	}
	return (now() - t) / n * 1e9;
}

#define KEYS 1024

static double
time_loads(syncmap_t *m, long n, int in_section)
{
	double t = now();
	uint64_t k;
	void *v;
	long i;

	if (in_section)
		syncmap_read_lock();
	for (i = 0; i < n; i++) {
		k = (uint64_t)i % KEYS;
		if (syncmap_load(m, &k, sizeof(k), &v) == 1)
			sink += (uintptr_t)v;
	}
	if (in_section)
		syncmap_read_unlock();
	return (now() - t) / n * 1e9;
}

static double
best(double a, double b)
{
	return a < b ? a : b;
}

int
main(int argc, char **argv)
{
	double sec = 1e9, ck = 1e9, plain = 1e9, inside = 1e9;
	long n = 10000000;
	int runs = 5, c, r;
	ck_epoch_record_t rec;
	ck_epoch_t domain;
	syncmap_t *m;
	uint64_t k;

	while ((c = getopt(argc, argv, "n:r:")) != -1) {
		if (c == 'n')
			n = atol(optarg);
		else if (c == 'r')
			runs = atoi(optarg);
		else {
			fprintf(stderr, "usage: syncmap-sections [-n CALLS] [-r RUNS]\n");
			return 2;
		}
	}
	if (n <= 0 || runs <= 0 || (m = syncmap_create(NULL)) == NULL)
		return 2;
	for (k = 0; k < KEYS; k++)
		syncmap_store(m, &k, sizeof(k), (void *)(uintptr_t)(k + 1));
	for (k = 0; k < KEYS; k++)      /* misses promote dirty to read */
		syncmap_load(m, &k, sizeof(k), NULL);
	ck_epoch_init(&domain);
	ck_epoch_register(&domain, &rec, NULL);
	for (r = 0; r < runs; r++) {
		sec = best(sec, time_sections(n));
		ck = best(ck, time_ck_epoch(&rec, n));
		plain = best(plain, time_loads(m, n, 0));
		inside = best(inside, time_loads(m, n, 1));
	}
	printf("read_lock+read_unlock\t%.2f\n", sec);
	printf("ck_epoch_begin+end\t%.2f\n", ck);
	printf("Load hit\t%.2f\n", plain);
	printf("Load hit in a section\t%.2f\n", inside);
	printf("section / ck_epoch: %.2fx (contract: <= 1)\n", sec / ck);
	printf("Load in a section / plain Load: %.2fx (contract: <= 1.1)\n", inside / plain);
	syncmap_destroy(m);
	return 0;
}
