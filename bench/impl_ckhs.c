/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * impl_ckhs.c - ConcurrencyKit's ck_hs in SPMC mode: readers never lock,
 * writers take one mutex, ck_epoch protects what readers may still see.
 *
 * This is how ck_hs is meant to be used for a key/value map: objects hold
 * their key inline and their value in an atomic word, which writers change
 * in place under the mutex; removed objects and the tables ck_hs replaces
 * are retired through a ck_epoch record that the map owns and polls under
 * its mutex.  Tombstones left by removes are cleared by a rebuild once as
 * many removes as there are live keys have happened, which keeps both the
 * table and the amortised cost bounded under churn.
 */
#include <ck_epoch.h>
#include <ck_hs.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* What ck_hs hashes and compares: an object, or a probe for a lookup. */
struct ckey {
	uint64_t hash;
	size_t klen;
	const unsigned char *kp;
};

struct cobj {
	struct ckey k;
	_Atomic uintptr_t value;
	ck_epoch_entry_t retire;
	unsigned char key[];
};

struct ckmap {
	pthread_mutex_t mu;
	ck_hs_t hs;
	ck_epoch_record_t *rec;   /* the map's garbage; used under mu */
	unsigned long retired, removes, hint;
};

/* One domain for every thread that reads a ck_hs peer. */
static ck_epoch_t domain;
static pthread_once_t domain_once = PTHREAD_ONCE_INIT;
static __thread ck_epoch_record_t *self;
/* The map whose mutex this thread holds: ck_malloc's free has no context. */
static __thread struct ckmap *writing;

static void
domain_init(void)
{
	ck_epoch_init(&domain);
}

static ck_epoch_record_t *
record_get(void)
{
	ck_epoch_record_t *rec;

	pthread_once(&domain_once, domain_init);
	if ((rec = ck_epoch_recycle(&domain, NULL)) == NULL) {
		rec = bench_xaligned(CK_MD_CACHELINE, sizeof(*rec));
		ck_epoch_register(&domain, rec, NULL);
	}
	return rec;
}

static void
thread_enter(void)
{
	self = record_get();
}

static void
thread_exit(void)
{
	ck_epoch_unregister(self);
	self = NULL;
}

/* ck_hs's allocator: tables readers may still probe are freed after a
 * grace period, through a header in front of each block. */
struct block {
	ck_epoch_entry_t retire;
} __attribute__((aligned(16)));

static void *
block_alloc(size_t n)
{
	return (struct block *)bench_xmalloc(sizeof(struct block) + n) + 1;
}

static void
block_reclaim(ck_epoch_entry_t *e)
{
	free(e);
}

static void
retire(struct ckmap *m, ck_epoch_entry_t *e, ck_epoch_cb_t *fn)
{
	ck_epoch_call(m->rec, e, fn);
	if ((++m->retired & 63) == 0)
		ck_epoch_poll(m->rec);
}

static void
block_free(void *p, size_t n, bool defer)
{
	struct block *b = (struct block *)p - 1;

	(void)n;
	if (defer)
		retire(writing, &b->retire, block_reclaim);
	else
		free(b);
}

static struct ck_malloc allocator = {
	.malloc = block_alloc, .free = block_free      /* ck_hs never reallocates */
};

static unsigned long
hash_cb(const void *o, unsigned long seed)
{
	(void)seed;
	return ((const struct ckey *)o)->hash;
}

static bool
compare_cb(const void *a, const void *b)
{
	const struct ckey *x = a, *y = b;

	return x->klen == y->klen && key_equal(x->kp, y->kp, x->klen);
}

static void
obj_reclaim(ck_epoch_entry_t *e)
{
	free((char *)e - offsetof(struct cobj, retire));
}

static struct cobj *
obj_new(const struct ckey *k, uintptr_t v)
{
	struct cobj *o = bench_xmalloc(sizeof(*o) + k->klen);

	if (k->klen > 0)
		memcpy(o->key, k->kp, k->klen);
	o->k = (struct ckey){ k->hash, k->klen, o->key };
	atomic_init(&o->value, v);
	return o;
}

static void
lock(struct ckmap *m)
{
	pthread_mutex_lock(&m->mu);
	writing = m;
}

static void
unlock(struct ckmap *m)
{
	writing = NULL;
	pthread_mutex_unlock(&m->mu);
}

static void *
create(size_t hint)
{
	struct ckmap *m = bench_xmalloc(sizeof(*m));

	pthread_mutex_init(&m->mu, NULL);
	m->rec = record_get();
	m->retired = m->removes = 0;
	m->hint = hint < 16 ? 16 : hint;
	if (!ck_hs_init(&m->hs, CK_HS_MODE_OBJECT | CK_HS_MODE_SPMC, hash_cb,
	    compare_cb, &allocator, m->hint, 0))
		abort();
	return m;
}

static void
destroy(void *p)
{
	struct ckmap *m = p;
	ck_hs_iterator_t it = CK_HS_ITERATOR_INITIALIZER;
	void *o;

	while (ck_hs_next(&m->hs, &it, &o))
		free(o);
	ck_hs_destroy(&m->hs);
	ck_epoch_reclaim(m->rec);
	ck_epoch_unregister(m->rec);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

static struct ckey
probe(const void *k, size_t kl)
{
	return (struct ckey){ bench_hash(k, kl), kl, k };
}

/* The lock-free lookup, for a key already hashed. */
static bool
get(struct ckmap *m, const struct ckey *key, uintptr_t *v)
{
	struct cobj *o;

	ck_epoch_begin(self, NULL);
	o = ck_hs_get(&m->hs, key->hash, key);
	if (o != NULL)
		*v = atomic_load_explicit(&o->value, memory_order_acquire);
	ck_epoch_end(self, NULL);
	return o != NULL;
}

static bool
load(void *m, const void *k, size_t kl, uintptr_t *v)
{
	struct ckey key = probe(k, kl);

	return get(m, &key, v);
}

/* Under the mutex: the object for the key, or NULL. */
static struct cobj *
find_locked(struct ckmap *m, const struct ckey *key)
{
	return ck_hs_get(&m->hs, key->hash, key);
}

static void
add_locked(struct ckmap *m, const struct ckey *key, uintptr_t v)
{
	if (!ck_hs_put_unique(&m->hs, key->hash, obj_new(key, v)))
		abort();
}

static void
remove_locked(struct ckmap *m, struct cobj *o)
{
	ck_hs_remove(&m->hs, o->k.hash, &o->k);
	retire(m, &o->retire, obj_reclaim);
	if (++m->removes > ck_hs_count(&m->hs) + 1024) {
		ck_hs_rebuild(&m->hs);
		m->removes = 0;
	}
}

static bool
swap(void *p, const void *k, size_t kl, uintptr_t v, uintptr_t *old)
{
	struct ckmap *m = p;
	struct ckey key = probe(k, kl);
	struct cobj *o;

	lock(m);
	if ((o = find_locked(m, &key)) != NULL)
		*old = atomic_exchange_explicit(&o->value, v, memory_order_acq_rel);
	else
		add_locked(m, &key, v);
	unlock(m);
	return o != NULL;
}

static bool
load_or_store(void *p, const void *k, size_t kl, uintptr_t v, uintptr_t *actual)
{
	struct ckmap *m = p;
	struct ckey key = probe(k, kl);
	struct cobj *o;

	/* A present key needs no lock, as in Go's LoadOrStore fast path. */
	if (get(m, &key, actual))
		return true;
	lock(m);
	if ((o = find_locked(m, &key)) != NULL)
		*actual = atomic_load_explicit(&o->value, memory_order_relaxed);
	else
		add_locked(m, &key, *actual = v);
	unlock(m);
	return o != NULL;
}

static bool
load_and_delete(void *p, const void *k, size_t kl, uintptr_t *v)
{
	struct ckmap *m = p;
	struct ckey key = probe(k, kl);
	struct cobj *o;

	lock(m);
	if ((o = find_locked(m, &key)) != NULL) {
		*v = atomic_load_explicit(&o->value, memory_order_relaxed);
		remove_locked(m, o);
	}
	unlock(m);
	return o != NULL;
}

static bool
compare_and_swap(void *p, const void *k, size_t kl, uintptr_t old, uintptr_t new)
{
	struct ckmap *m = p;
	struct ckey key = probe(k, kl);
	struct cobj *o;
	bool swapped;

	lock(m);
	o = find_locked(m, &key);
	swapped = o != NULL && atomic_load_explicit(&o->value, memory_order_relaxed) == old;
	if (swapped)
		atomic_store_explicit(&o->value, new, memory_order_release);
	unlock(m);
	return swapped;
}

static bool
compare_and_delete(void *p, const void *k, size_t kl, uintptr_t old)
{
	struct ckmap *m = p;
	struct ckey key = probe(k, kl);
	struct cobj *o;
	bool deleted;

	lock(m);
	o = find_locked(m, &key);
	deleted = o != NULL && atomic_load_explicit(&o->value, memory_order_relaxed) == old;
	if (deleted)
		remove_locked(m, o);
	unlock(m);
	return deleted;
}

static void
range(void *p, bench_range_fn *fn, void *arg)
{
	struct ckmap *m = p;
	ck_hs_iterator_t it = CK_HS_ITERATOR_INITIALIZER;
	struct cobj *o;
	void *e;

	ck_epoch_begin(self, NULL);
	while (ck_hs_next_spmc(&m->hs, &it, &e)) {
		o = e;
		if (!fn(o->key, o->k.klen,
		    atomic_load_explicit(&o->value, memory_order_acquire), arg))
			break;
	}
	ck_epoch_end(self, NULL);
}

/*
 * Unlink first, retire after: the table is replaced by an empty one of the
 * initial size, then the objects of the old table are retired.  The
 * section held meanwhile keeps the old table, itself retired by the reset,
 * alive while it is walked.
 */
static void
clear(void *p)
{
	struct ckmap *m = p;
	ck_hs_iterator_t it;
	void *e;

	lock(m);
	ck_epoch_begin(self, NULL);
	ck_hs_iterator_init(&it);
	it.map = m->hs.map;
	if (!ck_hs_reset_size(&m->hs, m->hint))
		abort();
	while (ck_hs_next_spmc(&m->hs, &it, &e))
		retire(m, &((struct cobj *)e)->retire, obj_reclaim);
	ck_epoch_end(self, NULL);
	m->removes = 0;
	unlock(m);
}

static void
quiesce(void *p)
{
	struct ckmap *m = p;

	lock(m);
	ck_epoch_barrier(m->rec);
	unlock(m);
}

const struct impl impl_ckhs = {
	.name = "ck_hs", .about = "ConcurrencyKit ck_hs, SPMC, one writer mutex, ck_epoch",
	.thread_enter = thread_enter, .thread_exit = thread_exit,
	.create = create, .destroy = destroy, .load = load, .quiesce = quiesce,
	IMPL_MAP_OPS
};
