/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * connections.c - a connection table with churn.
 *
 * Acceptor threads open connections and close old ones, as a server does,
 * and mark recent ones active.  A reaper thread walks the table and closes
 * connections that have been idle too long.  The value of a connection is
 * the tick it was last active, kept in the pointer itself, so nothing needs
 * freeing while another thread may still read it:
 *   - marking a connection active is a compare-and-swap from the tick read,
 *     and never reopens a connection that closed meanwhile;
 *   - the reaper closes with compare-and-delete, so a connection marked
 *     active after the reaper read it stays open.
 * Under this churn the default bounded policy keeps the table's dead
 * entries and memory in proportion to the open connections.
 *
 *   cc connections.c $(pkg-config --cflags --libs syncmap) -pthread
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <syncmap.h>

#define ACCEPTORS 2
#define CONNECTIONS 200000      /* opened by each acceptor */
#define OPEN 2000               /* kept open by each acceptor */
#define IDLE 3000               /* ticks after which a connection is reaped */

static syncmap_t *table;
static atomic_long ticks = 1, reaped, touched;
static atomic_bool stopping;

static void *
tick_value(long t)
{
	return (void *)(uintptr_t)t;
}

/* Marks a connection active, unless it closed. */
static void
touch(uint64_t id)
{
	void *seen;

	while (syncmap_load(table, &id, sizeof(id), &seen) == 1) {
		if (syncmap_compare_and_swap(table, &id, sizeof(id), seen,
		    tick_value(atomic_fetch_add(&ticks, 1))) == 1) {
			atomic_fetch_add(&touched, 1);
			return;
		}
	}
}

static void *
acceptor(void *arg)
{
	uint64_t base = (uint64_t)(uintptr_t)arg << 32, i, id;

	for (i = 0; i < CONNECTIONS; i++) {
		id = base + i;
		if (syncmap_store(table, &id, sizeof(id),
		    tick_value(atomic_fetch_add(&ticks, 1))) != 0)
			return (void *)1;
		if (i >= OPEN) {                /* the oldest one closes */
			id = base + i - OPEN;
			syncmap_delete(table, &id, sizeof(id));
		}
		if (i % 3 == 0 && i >= 10)      /* a recent one is active */
			touch(base + i - 10);
	}
	return NULL;
}

static int
reap_idle(const void *key, size_t klen, void *value, void *arg)
{
	long now = atomic_load(&ticks), last = (long)(uintptr_t)value;

	(void)arg;
	if (now - last > IDLE && syncmap_compare_and_delete(table, key, klen, value) == 1)
		atomic_fetch_add(&reaped, 1);
	return 0;
}

static void *
reaper(void *arg)
{
	(void)arg;
	while (!atomic_load(&stopping))
		syncmap_range(table, reap_idle, NULL);
	return NULL;
}

int
main(void)
{
	pthread_t a[ACCEPTORS], r;
	struct syncmap_stats st;
	void *failed = NULL, *rc;
	long i;

	if ((table = syncmap_create(NULL)) == NULL) {
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
	printf("connections: %d opened, %zu open, %ld marked active, %ld reaped as idle\n",
	    ACCEPTORS * CONNECTIONS, st.live, atomic_load(&touched), atomic_load(&reaped));
	printf("connections: %zu dead entries (bound: max(open, 64)), %.1f KiB held, "
	    "%llu compactions\n", st.dead_entries, st.bytes / 1024.0,
	    (unsigned long long)st.compactions);
	syncmap_destroy(table);
	return failed == NULL && st.live <= ACCEPTORS * OPEN &&
	    st.dead_entries <= (st.live > 64 ? st.live : 64) ? 0 : 1;
}
