/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * connections.c - a connection table with churn, holding heap objects.
 *
 * Acceptor threads open connections and close old ones, as a server does,
 * and mark recent ones active.  A reaper thread walks the table and closes
 * connections idle too long.  Each connection is a reference-counted heap
 * object, and the table owns one reference to each it holds
 * (syncmap_value_ops): whenever a connection leaves the table - closed by
 * its acceptor, reaped, or left at destroy - the table releases it, but
 * only once no thread can still be reading it.
 *   - marking a connection active loads it retained (the caller owns a
 *     reference, so the object outlives the call), writes its clock and
 *     drops the reference;
 *   - the reaper reads each connection inside Range's section and closes
 *     it with compare-and-delete, so a connection replaced meanwhile
 *     stays;
 *   - each connection's peer name lives in a second map whose values are
 *     the caller's: closing takes the name out and frees it with
 *     syncmap_defer, after every reader that may still hold it is done.
 * At the end every object ever made has been freed, which the exit status
 * checks.
 *
 *   cc connections.c $(pkg-config --cflags --libs syncmap) -pthread
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <syncmap.h>

#define ACCEPTORS 2
#define CONNECTIONS 100000      /* opened by each acceptor */
#define OPEN 2000               /* kept open by each acceptor */
#define IDLE 3000               /* ticks after which a connection is reaped */

struct conn {
	atomic_int refs;
	atomic_long last_active;
	uint64_t id;
};

static syncmap_t *table, *names;
static atomic_long ticks = 1, reaped, touched, made, freed, names_freed;
static atomic_bool stopping;

static void
conn_put(void *value, void *ctx)
{
	struct conn *c = value;

	(void)ctx;
	if (atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) == 1) {
		free(c);
		atomic_fetch_add(&freed, 1);
	}
}

static void
conn_get(void *value, void *ctx)
{
	(void)ctx;
	atomic_fetch_add_explicit(&((struct conn *)value)->refs, 1,
	    memory_order_relaxed);
}

static const struct syncmap_value_ops conn_ops = { conn_put, conn_get, NULL };

static void
name_free(void *name)
{
	free(name);
	atomic_fetch_add(&names_freed, 1);
}

/* Marks a connection active, if it is still open. */
static void
touch(uint64_t id)
{
	void *c;

	if (syncmap_load(table, &id, sizeof(id), &c) == 1) {
		atomic_store(&((struct conn *)c)->last_active,
		    atomic_fetch_add(&ticks, 1));
		atomic_fetch_add(&touched, 1);
		conn_put(c, NULL);
	}
}

static void
forget_name(uint64_t id)
{
	void *name;

	if (syncmap_load_and_delete(names, &id, sizeof(id), &name) == 1 &&
	    syncmap_defer(name_free, name) != 0)
		abort();        /* cannot queue: nothing safe to do with it */
}

static void *
acceptor(void *arg)
{
	uint64_t base = (uint64_t)(uintptr_t)arg << 32, i, id;
	struct conn *c;
	char *name;

	for (i = 0; i < CONNECTIONS; i++) {
		id = base + i;
		if ((c = malloc(sizeof(*c))) == NULL || (name = malloc(32)) == NULL)
			return (void *)1;
		atomic_init(&c->refs, 1);       /* the table's */
		atomic_init(&c->last_active, atomic_fetch_add(&ticks, 1));
		c->id = id;
		atomic_fetch_add(&made, 1);
		snprintf(name, 32, "peer-%llx", (unsigned long long)id);
		if (syncmap_store(names, &id, sizeof(id), name) != 0 ||
		    syncmap_store(table, &id, sizeof(id), c) != 0)
			return (void *)1;
		if (i >= OPEN) {                /* the oldest one closes */
			id = base + i - OPEN;
			syncmap_delete(table, &id, sizeof(id));
			forget_name(id);
		}
		if (i % 3 == 0 && i >= 10)      /* a recent one is active */
			touch(base + i - 10);
	}
	return NULL;
}

/* Inside Range's section: c and its name stay valid until it returns. */
static int
reap_idle(const void *key, size_t klen, void *value, void *arg)
{
	struct conn *c = value;
	long now = atomic_load(&ticks);
	size_t *name_bytes = arg;
	void *name;

	if (syncmap_load(names, key, klen, &name) == 1)
		*name_bytes += strlen(name);
	if (now - atomic_load(&c->last_active) > IDLE &&
	    syncmap_compare_and_delete(table, key, klen, c) == 1) {
		atomic_fetch_add(&reaped, 1);
		forget_name(c->id);
	}
	return 0;
}

static void *
reaper(void *arg)
{
	size_t name_bytes = 0;

	(void)arg;
	while (!atomic_load(&stopping))
		syncmap_range(table, reap_idle, &name_bytes);
	return NULL;
}

int
main(void)
{
	struct syncmap_options o = { .values = &conn_ops };
	pthread_t a[ACCEPTORS], r;
	struct syncmap_stats st;
	void *failed = NULL, *rc;
	long i, names_made;

	if ((table = syncmap_create(&o)) == NULL || (names = syncmap_create(NULL)) == NULL) {
		perror("syncmap_create");
		return 1;
	}
	pthread_create(&r, NULL, reaper, NULL);
	for (i = 0; i < ACCEPTORS; i++)
		pthread_create(&a[i], NULL, acceptor, (void *)(i + 1));
	for (i = 0; i < ACCEPTORS; i++) {
		pthread_join(a[i], &rc);
		failed = rc != NULL ? rc : failed;
	}
	atomic_store(&stopping, true);
	pthread_join(r, NULL);
	syncmap_stats(table, &st);
	printf("connections: %ld opened, %zu open, %ld marked active, %ld reaped as idle\n",
	    atomic_load(&made), st.live, atomic_load(&touched), atomic_load(&reaped));
	printf("connections: %zu dead entries (bound: max(open, 64)), %.1f KiB held, "
	    "%llu compactions\n", st.dead_entries, st.bytes / 1024.0,
	    (unsigned long long)st.compactions);
	/* The names still in their map are ours to free; the connections
	 * are the table's, released by destroy (no section is open). */
	names_made = atomic_load(&made);
	for (i = 0; i < ACCEPTORS; i++)
		for (uint64_t j = 0; j < CONNECTIONS; j++)
			forget_name(((uint64_t)(i + 1) << 32) + j);
	syncmap_destroy(table);
	syncmap_destroy(names);
	syncmap_barrier();
	printf("connections: %ld of %ld objects freed, %ld of %ld names\n",
	    atomic_load(&freed), atomic_load(&made), atomic_load(&names_freed), names_made);
	return failed == NULL && st.live <= ACCEPTORS * OPEN &&
	    st.dead_entries <= (st.live > 64 ? st.live : 64) &&
	    atomic_load(&freed) == atomic_load(&made) &&
	    atomic_load(&names_freed) == names_made ? 0 : 1;
}
