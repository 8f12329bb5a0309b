/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cache.c - a read-mostly cache shared by threads.
 *
 * Threads look records up by name.  A miss builds the record and offers it
 * with syncmap_load_or_store: if another thread got there first, its
 * record wins and ours is freed, so every thread ends up using the same
 * object.  Once the cache is warm, lookups take no lock.
 *
 *   cc cache.c $(pkg-config --cflags --libs syncmap) -pthread
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <syncmap.h>

#define THREADS 4
#define NAMES 1000
#define LOOKUPS 200000

struct record {
	char name[32];
	long score;
};

static syncmap_t *cache;
static atomic_long built, wasted;

static struct record *
build(const char *name, size_t len)
{
	struct record *r = malloc(sizeof(*r));

	if (r == NULL)
		abort();
	snprintf(r->name, sizeof(r->name), "%.*s", (int)len, name);
	r->score = (long)len * 7;           /* stands for real work */
	atomic_fetch_add(&built, 1);
	return r;
}

static struct record *
lookup(const char *name, size_t len)
{
	struct record *r, *mine;
	void *v;

	if (syncmap_load(cache, name, len, &v) == 1)
		return v;
	mine = build(name, len);
	if (syncmap_load_or_store(cache, name, len, mine, &v) == 1) {
		free(mine);                     /* another thread was first */
		atomic_fetch_add(&wasted, 1);
	}
	r = v;
	return r;
}

static void *
worker(void *arg)
{
	unsigned seed = (unsigned)(size_t)arg;
	char name[32];
	long i, sum = 0;

	for (i = 0; i < LOOKUPS; i++) {
		size_t len = (size_t)snprintf(name, sizeof(name), "user-%d", rand_r(&seed) % NAMES);
		struct record *r = lookup(name, len);

		if (strncmp(r->name, name, len) != 0) {
			fprintf(stderr, "wrong record for %s\n", name);
			exit(1);
		}
		sum += r->score;
	}
	return (void *)sum;
}

static int
free_record(const void *key, size_t klen, void *value, void *arg)
{
	(void)key; (void)klen; (void)arg;
	free(value);
	return 0;
}

int
main(void)
{
	pthread_t t[THREADS];
	struct syncmap_stats st;
	long i;

	if ((cache = syncmap_create(NULL)) == NULL) {
		perror("syncmap_create");
		return 1;
	}
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(i + 1));
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	syncmap_stats(cache, &st);
	printf("cache: %d threads x %d lookups, %zu records, %ld built, %ld built twice and freed\n",
	    THREADS, LOOKUPS, st.live, atomic_load(&built), atomic_load(&wasted));
	printf("cache: %llu lookups took the lock, %llu promotions\n",
	    (unsigned long long)st.misses, (unsigned long long)st.promotions);
	if (st.live != NAMES || atomic_load(&built) - atomic_load(&wasted) != NAMES)
		return 1;
	syncmap_range(cache, free_record, NULL);
	syncmap_destroy(cache);
	return 0;
}
