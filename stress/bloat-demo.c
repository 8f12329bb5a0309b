/*
 * bloat-demo.c - the dirty-map bloat of Go's read/dirty sync.Map, and its
 * bound, side by side: the same operations on a SYNCMAP_CLASSIC map (Go's
 * policy) and a SYNCMAP_BOUNDED one, with what syncmap_stats reports.
 *
 * usage: bloat-demo [KEYS [WINDOW [STEPS]]]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "syncmap.h"

static void
key_of(char *buf, size_t n, long i, size_t *klen)
{
	*klen = (size_t)snprintf(buf, n, "session-%012ld", i);
}

static void
row(const char *name, syncmap_t *m, size_t live_key_bytes)
{
	struct syncmap_stats st;
	size_t bound;

	syncmap_stats(m, &st);
	bound = 3 * (live_key_bytes + 64 * st.live) + (256 << 10);
	printf("  %-8s %9zu %9zu %9zu %9zu %9zu %10.2f %10.2f %6llu %6llu %6llu\n",
	    name, st.live, st.read_slots, st.dirty_slots, st.dead_entries,
	    st.expunged, st.bytes / 1048576.0, bound / 1048576.0,
	    (unsigned long long)st.dirty_copies, (unsigned long long)st.promotions,
	    (unsigned long long)st.compactions);
}

static void
header(void)
{
	printf("  %-8s %9s %9s %9s %9s %9s %10s %10s %6s %6s %6s\n", "policy",
	    "live", "read", "dirty", "dead", "expunged", "MiB", "bound MiB",
	    "copies", "promos", "compact");
}

static int
visit_none(const void *k, size_t kl, void *v, void *a)
{
	(void)k; (void)kl; (void)v; (void)a;
	return 1;
}

/* Mechanism 1: deleted keys of the read table are held until a new key
 * forces a dirty copy and a promotion follows; forever if none comes. */
static void
fill_promote_delete(syncmap_t *m, long keys)
{
	char k[32];
	size_t kl;
	long i;

	for (i = 0; i < keys; i++) {
		key_of(k, sizeof(k), i, &kl);
		syncmap_store(m, k, kl, (void *)(intptr_t)(i + 1));
	}
	syncmap_range(m, visit_none, NULL);     /* Range promotes dirty */
	for (i = 0; i < keys; i++) {
		key_of(k, sizeof(k), i, &kl);
		syncmap_delete(m, k, kl);
	}
	for (i = 0; i < keys; i++) {            /* reads change nothing */
		key_of(k, sizeof(k), i, &kl);
		syncmap_load(m, k, kl, NULL);
	}
}

/* Mechanism 2: a sliding window, as a session or connection table churns:
 * insert a new key, delete the oldest, look up recent ones. */
static size_t
churn(syncmap_t *m, long window, long steps)
{
	struct syncmap_stats st;
	size_t max_dead = 0;
	char k[32];
	size_t kl;
	long i, j;

	for (i = 0; i < steps; i++) {
		key_of(k, sizeof(k), i, &kl);
		syncmap_store(m, k, kl, (void *)(intptr_t)(i + 1));
		if (i >= window) {
			key_of(k, sizeof(k), i - window, &kl);
			syncmap_delete(m, k, kl);
		}
		for (j = 0; j < 4; j++) {
			key_of(k, sizeof(k), i - (i * 7 + j) % (i < window ? i + 1 : window), &kl);
			syncmap_load(m, k, kl, NULL);
		}
		if (i % 1000 == 0) {
			syncmap_stats(m, &st);
			if (st.dead_entries > max_dead)
				max_dead = st.dead_entries;
		}
	}
	return max_dead;
}

int
main(int argc, char **argv)
{
	long keys = argc > 1 ? atol(argv[1]) : 100000;
	long window = argc > 2 ? atol(argv[2]) : 10000;
	long steps = argc > 3 ? atol(argv[3]) : 300000;
	struct syncmap_options classic = { .policy = SYNCMAP_CLASSIC };
	struct syncmap_options bounded = { .policy = SYNCMAP_BOUNDED };
	syncmap_t *c, *b;
	size_t cdead, bdead;

	if (keys <= 0 || window <= 0 || steps <= window) {
		fprintf(stderr, "usage: %s [KEYS [WINDOW [STEPS > WINDOW]]]\n", argv[0]);
		return 2;
	}
	printf("libsyncmap: Go's read/dirty sync.Map (classic) against the default bounded policy\n\n");
	printf("1. Fill %ld keys, promote, delete them all, then only read.\n", keys);
	printf("   Classic keeps every deleted key until a new key arrives.\n");
	c = syncmap_create(&classic);
	b = syncmap_create(&bounded);
	if (c == NULL || b == NULL) {
		perror("syncmap_create");
		return 1;
	}
	fill_promote_delete(c, keys);
	fill_promote_delete(b, keys);
	header();
	row("classic", c, 0);
	row("bounded", b, 0);
	syncmap_destroy(c);
	syncmap_destroy(b);

	printf("\n2. Sliding window: %ld live keys, %ld inserts, each deleting the\n"
	    "   oldest key and followed by 4 lookups of recent ones.\n", window, steps);
	c = syncmap_create(&classic);
	b = syncmap_create(&bounded);
	cdead = churn(c, window, steps);
	bdead = churn(b, window, steps);
	header();
	row("classic", c, (size_t)window * 19);
	row("bounded", b, (size_t)window * 19);
	printf("  most dead entries seen: classic %zu, bounded %zu (bound: %ld)\n",
	    cdead, bdead, window > 64 ? window : 64);
	syncmap_destroy(c);
	syncmap_destroy(b);

	printf("\nread/dirty: entries indexed by each table; dead: deleted entries still\n"
	    "indexed; MiB: heap the map holds; bound MiB: 3 x sum(klen + 64) + 256 KiB.\n");
	return 0;
}
