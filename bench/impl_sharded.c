/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * impl_sharded.c - the map Go users are pointed to when sync.Map
 * disappoints (the design of the widely used concurrent-map package): a
 * fixed number of shards, each a plain table under its own
 * pthread_rwlock.  A key's shard comes from the high bits of its hash; the
 * shard's table then hashes it again for its slot, as concurrent-map
 * hashes once for the shard and Go's map once more.  Each shard is the
 * rwlock peer (impl_locked.c), so the only difference from it is the
 * sharding.  Range and Clear go shard by shard, as concurrent-map's
 * iteration does: neither is atomic across shards.
 */
#include <stdlib.h>

#include "bench.h"

unsigned bench_shards = 32;

struct sharded {
	unsigned n;
	void *shard[];
};

static void *
create(size_t hint)
{
	struct sharded *m = bench_xmalloc(sizeof(*m) + bench_shards * sizeof(void *));
	unsigned i;

	m->n = bench_shards;
	for (i = 0; i < m->n; i++)
		m->shard[i] = impl_rwlock.create(hint / m->n);
	return m;
}

static void
destroy(void *p)
{
	struct sharded *m = p;
	unsigned i;

	for (i = 0; i < m->n; i++)
		impl_rwlock.destroy(m->shard[i]);
	free(m);
}

static void *
shard(void *p, const void *k, size_t kl)
{
	struct sharded *m = p;

	return m->shard[(bench_hash(k, kl) >> 32) % m->n];
}

static bool
load(void *m, const void *k, size_t kl, uintptr_t *v)
{
	return impl_rwlock.load(shard(m, k, kl), k, kl, v);
}

static bool
load_or_store(void *m, const void *k, size_t kl, uintptr_t v, uintptr_t *actual)
{
	return impl_rwlock.load_or_store(shard(m, k, kl), k, kl, v, actual);
}

static bool
load_and_delete(void *m, const void *k, size_t kl, uintptr_t *v)
{
	return impl_rwlock.load_and_delete(shard(m, k, kl), k, kl, v);
}

static bool
swap(void *m, const void *k, size_t kl, uintptr_t v, uintptr_t *old)
{
	return impl_rwlock.swap(shard(m, k, kl), k, kl, v, old);
}

static bool
compare_and_swap(void *m, const void *k, size_t kl, uintptr_t old, uintptr_t new)
{
	return impl_rwlock.compare_and_swap(shard(m, k, kl), k, kl, old, new);
}

static bool
compare_and_delete(void *m, const void *k, size_t kl, uintptr_t old)
{
	return impl_rwlock.compare_and_delete(shard(m, k, kl), k, kl, old);
}

/* Carries a stop from one shard's Range to the next. */
struct walk {
	bench_range_fn *fn;
	void *arg;
	bool stopped;
};

static bool
walk_cb(const void *k, size_t kl, uintptr_t v, void *arg)
{
	struct walk *w = arg;

	w->stopped = !w->fn(k, kl, v, w->arg);
	return !w->stopped;
}

static void
range(void *p, bench_range_fn *fn, void *arg)
{
	struct sharded *m = p;
	struct walk w = { fn, arg, false };
	unsigned i;

	for (i = 0; i < m->n && !w.stopped; i++)
		impl_rwlock.range(m->shard[i], walk_cb, &w);
}

static void
clear(void *p)
{
	struct sharded *m = p;
	unsigned i;

	for (i = 0; i < m->n; i++)
		impl_rwlock.clear(m->shard[i]);
}

const struct impl impl_sharded = {
	.name = "sharded",
	.about = "rwlock-guarded plain tables, 32 shards (ycsb -S), Go's concurrent-map design",
	.create = create, .destroy = destroy, .load = load, IMPL_MAP_OPS
};
