/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * impl_syncmap.c - libsyncmap under both policies, the typed front-end
 * over the default one, and the floor: Load's lookup in libsyncmap's own
 * table with no synchronisation at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syncmap.h"
#include "syncmap_typed.h"
#include "bench.h"
/* The floor's hook: the bench links the convenience library. */
#include "debug.h"

static void *
make(enum syncmap_policy policy, size_t hint, const struct syncmap_value_ops *values)
{
	struct syncmap_options o = {
		.policy = policy, .capacity_hint = hint, .values = values,
	};
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
	return make(SYNCMAP_CLASSIC, hint, NULL);
}

static void *
make_bounded(size_t hint)
{
	return make(SYNCMAP_BOUNDED, hint, NULL);
}

/* Managed values (syncmap_value_ops) with a release that does nothing, so
 * that what differs from "bounded" is the library's own part: a box per
 * stored value, the departure push and the queue that runs releases. */
static void
release_nothing(void *value, void *ctx)
{
	(void)value;
	(void)ctx;
}

static const struct syncmap_value_ops released_ops = { release_nothing, NULL, NULL };

static void *
make_released(size_t hint)
{
	return make(SYNCMAP_BOUNDED, hint, &released_ops);
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

/* The same walk as range, as a loop: what a user of syncmap_iter pays. */
static void
iterate(void *m, bench_range_fn *fn, void *arg)
{
	syncmap_iter_t it;
	const void *k;
	size_t kl;
	void *v;

	syncmap_iter_begin(m, &it);
	while (syncmap_iter_next(&it, &k, &kl, &v) && fn(k, kl, (uintptr_t)v, arg))
		;
	syncmap_iter_end(&it);
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
	.iterate = iterate, .quiesce = quiesce, IMPL_MAP_OPS

const struct impl impl_classic = {
	.name = "classic", .about = "libsyncmap, SYNCMAP_CLASSIC (Go 1.23 step for step)",
	.create = make_classic, .load = load, SYNCMAP_OPS
};

const struct impl impl_bounded = {
	.name = "bounded", .about = "libsyncmap, SYNCMAP_BOUNDED (the default)",
	.create = make_bounded, .load = load, SYNCMAP_OPS
};

const struct impl impl_released = {
	.name = "released", .about = "libsyncmap, SYNCMAP_BOUNDED with managed values (release set)",
	.create = make_released, .load = load, SYNCMAP_OPS
};

const struct impl impl_floor = {
	.name = "floor",
	.about = "Load as a bare lookup in libsyncmap's read table: one thread, no synchronisation",
	.create = make_classic, .load = peek, SYNCMAP_OPS
};

/*
 * The typed front-end, with Go's integer keys as long and values as
 * uintptr_t: what a C caller of syncmap_typed.h writes.  The harness hands
 * keys over as bytes, so each call first reads them into a long, one
 * load that a caller holding the long would not pay.
 */
SYNCMAP_DEFINE_TYPED(tmap, long, uintptr_t);

static long
tkey(const void *k, size_t kl)
{
	long key;

	if (kl != sizeof(key)) {
		fputs("syncmap-bench: typed: keys are longs\n", stderr);
		abort();
	}
	memcpy(&key, k, sizeof(key));
	return key;
}

static bool
t_load(void *m, const void *k, size_t kl, uintptr_t *v)
{
	return ok(tmap_load(m, tkey(k, kl), v));
}

static void
t_store(void *m, const void *k, size_t kl, uintptr_t v)
{
	ok(tmap_store(m, tkey(k, kl), v));
}

static bool
t_load_or_store(void *m, const void *k, size_t kl, uintptr_t v, uintptr_t *actual)
{
	return ok(tmap_load_or_store(m, tkey(k, kl), v, actual));
}

static bool
t_load_and_delete(void *m, const void *k, size_t kl, uintptr_t *v)
{
	return ok(tmap_load_and_delete(m, tkey(k, kl), v));
}

static void
t_delete(void *m, const void *k, size_t kl)
{
	ok(tmap_delete(m, tkey(k, kl)));
}

static bool
t_swap(void *m, const void *k, size_t kl, uintptr_t v, uintptr_t *old)
{
	return ok(tmap_swap(m, tkey(k, kl), v, old));
}

static bool
t_compare_and_swap(void *m, const void *k, size_t kl, uintptr_t old, uintptr_t new)
{
	return ok(tmap_compare_and_swap(m, tkey(k, kl), old, new));
}

static bool
t_compare_and_delete(void *m, const void *k, size_t kl, uintptr_t old)
{
	return ok(tmap_compare_and_delete(m, tkey(k, kl), old));
}

static int
t_range_cb(long key, uintptr_t v, void *arg)
{
	struct range_arg *r = arg;

	return !r->fn(&key, sizeof(key), v, r->arg);
}

static void
t_range(void *m, bench_range_fn *fn, void *arg)
{
	struct range_arg r = { fn, arg };

	ok(tmap_range(m, t_range_cb, &r));
}

static void
t_clear(void *m)
{
	ok(tmap_clear(m));
}

/* Not in --memory, whose keys are 16 bytes: its map is bounded's. */
const struct impl impl_typed = {
	.name = "typed", .about = "libsyncmap through syncmap_typed.h, SYNCMAP_BOUNDED",
	.create = make_bounded, .destroy = destroy, .quiesce = quiesce,
	.load = t_load, .store = t_store, .load_or_store = t_load_or_store,
	.load_and_delete = t_load_and_delete, .delete = t_delete, .swap = t_swap,
	.compare_and_swap = t_compare_and_swap,
	.compare_and_delete = t_compare_and_delete, .range = t_range, .clear = t_clear
};
