/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * impl_syncmap.c - libsyncmap under both policies, and the floor: Load's
 * lookup in libsyncmap's own table with no synchronisation at all.
 */
#include <stdio.h>
#include <stdlib.h>

#include "syncmap.h"
#include "bench.h"

/* The library's hidden hook (lib/syncmap.c): the bench links the
 * convenience library, so it can reach it. */
int syncmap__peek(syncmap_t *m, const void *key, size_t klen, void **value);

static void *
make(enum syncmap_policy policy, size_t hint)
{
	struct syncmap_options o = { .policy = policy, .capacity_hint = hint };
	syncmap_t *m = syncmap_create(&o);

	if (m == NULL) {
		perror("syncmap_create");
		abort();
	}
	return m;
}

static void *
make_classic(size_t hint)
{
	return make(SYNCMAP_CLASSIC, hint);
}

static void *
make_bounded(size_t hint)
{
	return make(SYNCMAP_BOUNDED, hint);
}

static void
destroy(void *m)
{
	syncmap_destroy(m);
}

/* Only -ENOMEM can come back with valid arguments. */
static int
ok(int rc)
{
	if (rc < 0) {
		fputs("syncmap-bench: libsyncmap out of memory\n", stderr);
		abort();
	}
	return rc;
}

static bool
load(void *m, const void *k, size_t kl, uintptr_t *v)
{
	void *p;

	if (!ok(syncmap_load(m, k, kl, &p)))
		return false;
	*v = (uintptr_t)p;
	return true;
}

/* A key the read table lacks takes the real Load, which counts the miss:
 * that is how the benchmark's setup promotes its keys into read, and it
 * leaves the floor of a hit untouched. */
static bool
peek(void *m, const void *k, size_t kl, uintptr_t *v)
{
	void *p;

	if (!syncmap__peek(m, k, kl, &p))
		return load(m, k, kl, v);
	*v = (uintptr_t)p;
	return true;
}

static void
store(void *m, const void *k, size_t kl, uintptr_t v)
{
	ok(syncmap_store(m, k, kl, (void *)v));
}

static bool
load_or_store(void *m, const void *k, size_t kl, uintptr_t v, uintptr_t *actual)
{
	void *p;
	bool loaded = ok(syncmap_load_or_store(m, k, kl, (void *)v, &p));

	*actual = (uintptr_t)p;
	return loaded;
}

static bool
load_and_delete(void *m, const void *k, size_t kl, uintptr_t *v)
{
	void *p;

	if (!ok(syncmap_load_and_delete(m, k, kl, &p)))
		return false;
	*v = (uintptr_t)p;
	return true;
}

static void
delete(void *m, const void *k, size_t kl)
{
	ok(syncmap_delete(m, k, kl));
}

static bool
swap(void *m, const void *k, size_t kl, uintptr_t v, uintptr_t *old)
{
	void *p;

	if (!ok(syncmap_swap(m, k, kl, (void *)v, &p)))
		return false;
	*old = (uintptr_t)p;
	return true;
}

static bool
compare_and_swap(void *m, const void *k, size_t kl, uintptr_t old, uintptr_t new)
{
	return ok(syncmap_compare_and_swap(m, k, kl, (void *)old, (void *)new));
}

static bool
compare_and_delete(void *m, const void *k, size_t kl, uintptr_t old)
{
	return ok(syncmap_compare_and_delete(m, k, kl, (void *)old));
}

struct range_arg {
	bench_range_fn *fn;
	void *arg;
};

static int
range_cb(const void *k, size_t kl, void *v, void *arg)
{
	struct range_arg *r = arg;

	return !r->fn(k, kl, (uintptr_t)v, r->arg);     /* nonzero stops */
}

static void
range(void *m, bench_range_fn *fn, void *arg)
{
	struct range_arg r = { fn, arg };

	ok(syncmap_range(m, range_cb, &r));
}

static void
clear(void *m)
{
	ok(syncmap_clear(m));
}

static void
quiesce(void *m)
{
	struct syncmap_stats st;

	ok(syncmap_stats(m, &st));      /* polls the map's garbage */
}

#define SYNCMAP_OPS                                                     \
	.destroy = destroy, .store = store, .delete = delete,           \
	.quiesce = quiesce, IMPL_MAP_OPS

const struct impl impl_classic = {
	.name = "classic", .about = "libsyncmap, SYNCMAP_CLASSIC (Go 1.23 step for step)",
	.create = make_classic, .load = load, SYNCMAP_OPS
};

const struct impl impl_bounded = {
	.name = "bounded", .about = "libsyncmap, SYNCMAP_BOUNDED (the default)",
	.create = make_bounded, .load = load, SYNCMAP_OPS
};

const struct impl impl_floor = {
	.name = "floor",
	.about = "Load as a bare lookup in libsyncmap's read table: one thread, no synchronisation",
	.create = make_classic, .load = peek, SYNCMAP_OPS
};
