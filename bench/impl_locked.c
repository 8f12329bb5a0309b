/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * impl_locked.c - the plain table (plain.h) behind one lock: a
 * pthread_rwlock (readers share it) or a pthread_mutex.  These are Go's
 * RWMutexMap and a plain mutex map: every write takes the lock
 * exclusively, and Range copies the keys under the lock and then looks
 * each one up, so that its callback may call back into the map.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "plain.h"

struct locked {
	bool rw;
	pthread_rwlock_t rwlock;
	pthread_mutex_t mutex;
	struct plain t;
};

static void *
make(bool rw, size_t hint)
{
	struct locked *m = bench_xmalloc(sizeof(*m));

	m->rw = rw;
	pthread_rwlock_init(&m->rwlock, NULL);
	pthread_mutex_init(&m->mutex, NULL);
	plain_init(&m->t, hint);
	return m;
}

static void *
make_rw(size_t hint)
{
	return make(true, hint);
}

static void *
make_mutex(size_t hint)
{
	return make(false, hint);
}

static void
destroy(void *p)
{
	struct locked *m = p;

	plain_fini(&m->t);
	pthread_rwlock_destroy(&m->rwlock);
	pthread_mutex_destroy(&m->mutex);
	free(m);
}

static void
lock_shared(struct locked *m)
{
	if (m->rw)
		pthread_rwlock_rdlock(&m->rwlock);
	else
		pthread_mutex_lock(&m->mutex);
}

static void
lock(struct locked *m)
{
	if (m->rw)
		pthread_rwlock_wrlock(&m->rwlock);
	else
		pthread_mutex_lock(&m->mutex);
}

static void
unlock(struct locked *m)
{
	if (m->rw)
		pthread_rwlock_unlock(&m->rwlock);
	else
		pthread_mutex_unlock(&m->mutex);
}

static bool
load(void *p, const void *k, size_t kl, uintptr_t *v)
{
	struct locked *m = p;
	uint64_t h = bench_hash(k, kl);
	struct pnode *n;

	lock_shared(m);
	n = plain_find(&m->t, h, k, kl);
	if (n != NULL)
		*v = n->value;
	unlock(m);
	return n != NULL;
}

static bool
swap(void *p, const void *k, size_t kl, uintptr_t v, uintptr_t *old)
{
	struct locked *m = p;
	uint64_t h = bench_hash(k, kl);
	struct pnode *n;

	lock(m);
	n = plain_find(&m->t, h, k, kl);
	if (n != NULL) {
		*old = n->value;
		n->value = v;
	} else {
		plain_add(&m->t, h, k, kl, v);
	}
	unlock(m);
	return n != NULL;
}

static bool
load_or_store(void *p, const void *k, size_t kl, uintptr_t v, uintptr_t *actual)
{
	struct locked *m = p;
	uint64_t h = bench_hash(k, kl);
	struct pnode *n;

	lock(m);
	n = plain_find(&m->t, h, k, kl);
	*actual = n != NULL ? n->value : plain_add(&m->t, h, k, kl, v)->value;
	unlock(m);
	return n != NULL;
}

static bool
load_and_delete(void *p, const void *k, size_t kl, uintptr_t *v)
{
	struct locked *m = p;
	uint64_t h = bench_hash(k, kl);
	int found;

	lock(m);
	found = plain_remove(&m->t, h, k, kl, v);
	unlock(m);
	return found;
}

static bool
compare_and_swap(void *p, const void *k, size_t kl, uintptr_t old, uintptr_t new)
{
	struct locked *m = p;
	struct pnode *n;
	bool swapped;

	lock(m);
	n = plain_find(&m->t, bench_hash(k, kl), k, kl);
	swapped = n != NULL && n->value == old;
	if (swapped)
		n->value = new;
	unlock(m);
	return swapped;
}

static bool
compare_and_delete(void *p, const void *k, size_t kl, uintptr_t old)
{
	struct locked *m = p;
	uint64_t h = bench_hash(k, kl);
	struct pnode *n;
	uintptr_t v;
	bool deleted;

	lock(m);
	n = plain_find(&m->t, h, k, kl);
	deleted = n != NULL && n->value == old && plain_remove(&m->t, h, k, kl, &v);
	unlock(m);
	return deleted;
}

/* Range's snapshot: the keys, each as its length and bytes. */
struct keys {
	unsigned char *buf;
	size_t len, cap;
};

static void
keys_add(struct keys *ks, const struct pnode *n)
{
	size_t need = sizeof(size_t) + n->klen;

	if (ks->len + need > ks->cap) {
		ks->cap = (ks->cap + need) * 2;
		ks->buf = bench_xrealloc(ks->buf, ks->cap);
	}
	memcpy(ks->buf + ks->len, &n->klen, sizeof(size_t));
	memcpy(ks->buf + ks->len + sizeof(size_t), n->key, n->klen);
	ks->len += need;
}

static void
range(void *p, bench_range_fn *fn, void *arg)
{
	struct locked *m = p;
	static __thread uint64_t walks;
	struct keys ks = { NULL, 0, 0 };
	size_t i, kl, start;
	uintptr_t v;

	/* From a random slot, as Go's map iteration and libsyncmap's Range
	 * start: see syncmap_range. */
	walks++;
	start = bench_hash(&walks, sizeof(walks));
	lock_shared(m);
	for (i = 0; i <= m->t.mask; i++)
		if (m->t.slots[(start + i) & m->t.mask].n != NULL)
			keys_add(&ks, m->t.slots[(start + i) & m->t.mask].n);
	unlock(m);
	for (i = 0; i < ks.len; i += sizeof(size_t) + kl) {
		memcpy(&kl, ks.buf + i, sizeof(size_t));
		if (load(m, ks.buf + i + sizeof(size_t), kl, &v) &&
		    !fn(ks.buf + i + sizeof(size_t), kl, v, arg))
			break;
	}
	free(ks.buf);
}

static void
clear(void *p)
{
	struct locked *m = p;

	lock(m);
	plain_reset(&m->t);
	unlock(m);
}

#define LOCKED_OPS .destroy = destroy, .load = load, IMPL_MAP_OPS

const struct impl impl_rwlock = {
	.name = "rwlock", .about = "pthread_rwlock over a plain hash table (Go's RWMutexMap)",
	.create = make_rw, LOCKED_OPS
};

const struct impl impl_mutex = {
	.name = "mutex", .about = "pthread_mutex over the same table",
	.create = make_mutex, LOCKED_OPS
};
