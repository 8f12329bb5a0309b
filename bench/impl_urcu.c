/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * impl_urcu.c - liburcu's rculfhash, memb flavour: lock-free reads and
 * lock-free updates, reclamation by call_rcu.
 *
 * Nodes are immutable, as rculfhash intends: Store and Swap publish a new
 * node with cds_lfht_add_replace, CompareAndSwap replaces the node it
 * compared with cds_lfht_replace (which fails, and is retried, if that
 * node went away meanwhile), and every removed or replaced node is freed
 * by call_rcu after a grace period.  A CompareAndSwap whose new value
 * equals the old one has nothing to write once the compare succeeded, so
 * it allocates nothing.  Clear removes node by node: rculfhash has no
 * atomic clear.  The table resizes itself (CDS_LFHT_AUTO_RESIZE) and
 * starts at the size the benchmark expects.
 */
#define _LGPL_SOURCE
#include <urcu/urcu-memb.h>
#include <urcu/rculfhash.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

struct unode {
	struct cds_lfht_node node;
	uintptr_t value;
	struct rcu_head rcu;
	size_t klen;
	unsigned char key[];
};

struct ukey {
	const void *k;
	size_t kl;
};

static void
thread_enter(void)
{
	urcu_memb_register_thread();
}

static void
thread_exit(void)
{
	urcu_memb_unregister_thread();
}

static int
match(struct cds_lfht_node *node, const void *arg)
{
	const struct unode *n = caa_container_of(node, struct unode, node);
	const struct ukey *key = arg;

	return n->klen == key->kl && key_equal(n->key, key->k, key->kl);
}

static struct unode *
node_new(const void *k, size_t kl, uintptr_t v)
{
	struct unode *n = bench_xmalloc(sizeof(*n) + kl);

	cds_lfht_node_init(&n->node);
	n->value = v;
	n->klen = kl;
	if (kl > 0)
		memcpy(n->key, k, kl);
	return n;
}

static void
node_reclaim(struct rcu_head *head)
{
	free(caa_container_of(head, struct unode, rcu));
}

static void
retire(struct cds_lfht_node *node)
{
	urcu_memb_call_rcu(&caa_container_of(node, struct unode, node)->rcu, node_reclaim);
}

static uintptr_t
value_of(struct cds_lfht_node *node)
{
	return caa_container_of(node, struct unode, node)->value;
}

static void *
create(size_t hint)
{
	unsigned long size = 16;
	struct cds_lfht *ht;

	while (size < hint)
		size <<= 1;
	ht = cds_lfht_new_flavor(size, 16, 0, CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING,
	    &urcu_memb_flavor, NULL);
	if (ht == NULL)
		abort();
	return ht;
}

/* Removes every node, one by one. */
static void
remove_all(struct cds_lfht *ht)
{
	struct cds_lfht_iter it;
	struct cds_lfht_node *node;

	urcu_memb_read_lock();
	cds_lfht_for_each(ht, &it, node)
		if (cds_lfht_del(ht, node) == 0)
			retire(node);
	urcu_memb_read_unlock();
}

static void
destroy(void *ht)
{
	remove_all(ht);
	urcu_memb_barrier();
	if (cds_lfht_destroy(ht, NULL) != 0)
		abort();
}

/* Looks the key up; the read-side lock is held. */
static struct cds_lfht_node *
lookup(struct cds_lfht *ht, uint64_t h, const struct ukey *key, struct cds_lfht_iter *it)
{
	cds_lfht_lookup(ht, h, match, key, it);
	return cds_lfht_iter_get_node(it);
}

static bool
load(void *ht, const void *k, size_t kl, uintptr_t *v)
{
	struct ukey key = { k, kl };
	struct cds_lfht_iter it;
	struct cds_lfht_node *node;

	urcu_memb_read_lock();
	node = lookup(ht, bench_hash(k, kl), &key, &it);
	if (node != NULL)
		*v = value_of(node);
	urcu_memb_read_unlock();
	return node != NULL;
}

static bool
swap(void *ht, const void *k, size_t kl, uintptr_t v, uintptr_t *old)
{
	struct ukey key = { k, kl };
	struct unode *n = node_new(k, kl, v);
	struct cds_lfht_node *prev;

	urcu_memb_read_lock();
	prev = cds_lfht_add_replace(ht, bench_hash(k, kl), match, &key, &n->node);
	if (prev != NULL) {
		*old = value_of(prev);
		retire(prev);
	}
	urcu_memb_read_unlock();
	return prev != NULL;
}

static bool
load_or_store(void *ht, const void *k, size_t kl, uintptr_t v, uintptr_t *actual)
{
	struct ukey key = { k, kl };
	uint64_t h = bench_hash(k, kl);
	struct cds_lfht_iter it;
	struct cds_lfht_node *node;
	struct unode *n = NULL;

	urcu_memb_read_lock();
	if ((node = lookup(ht, h, &key, &it)) == NULL) {
		n = node_new(k, kl, v);
		node = cds_lfht_add_unique(ht, h, match, &key, &n->node);
	}
	*actual = value_of(node);
	urcu_memb_read_unlock();
	if (n != NULL && node != &n->node) {
		free(n);        /* never published */
		return true;
	}
	return n == NULL;
}

/* Removes the key's node, whatever its value if any, else only if its
 * value is want; the read-side lock is held.  Retries when another thread
 * removed or replaced the node between the lookup and the removal. */
static bool
remove_if(struct cds_lfht *ht, const void *k, size_t kl, bool any, uintptr_t want,
          uintptr_t *v)
{
	struct ukey key = { k, kl };
	uint64_t h = bench_hash(k, kl);
	struct cds_lfht_iter it;
	struct cds_lfht_node *node;

	for (;;) {
		if ((node = lookup(ht, h, &key, &it)) == NULL)
			return false;
		*v = value_of(node);
		if (!any && *v != want)
			return false;
		if (cds_lfht_del(ht, node) == 0) {
			retire(node);
			return true;
		}
	}
}

static bool
load_and_delete(void *ht, const void *k, size_t kl, uintptr_t *v)
{
	bool found;

	urcu_memb_read_lock();
	found = remove_if(ht, k, kl, true, 0, v);
	urcu_memb_read_unlock();
	return found;
}

static bool
compare_and_delete(void *ht, const void *k, size_t kl, uintptr_t old)
{
	uintptr_t v;
	bool deleted;

	urcu_memb_read_lock();
	deleted = remove_if(ht, k, kl, false, old, &v);
	urcu_memb_read_unlock();
	return deleted;
}

static bool
compare_and_swap(void *ht, const void *k, size_t kl, uintptr_t old, uintptr_t new)
{
	struct ukey key = { k, kl };
	uint64_t h = bench_hash(k, kl);
	struct cds_lfht_iter it;
	struct cds_lfht_node *node;
	struct unode *n = NULL;
	bool swapped = false;

	urcu_memb_read_lock();
	while ((node = lookup(ht, h, &key, &it)) != NULL && value_of(node) == old) {
		if (new == old) {
			swapped = true;
			break;
		}
		if (n == NULL)
			n = node_new(k, kl, new);
		if (cds_lfht_replace(ht, &it, h, match, &key, &n->node) == 0) {
			retire(node);
			n = NULL;
			swapped = true;
			break;
		}
	}
	urcu_memb_read_unlock();
	free(n);
	return swapped;
}

static void
range(void *ht, bench_range_fn *fn, void *arg)
{
	struct cds_lfht_iter it;
	struct cds_lfht_node *node;
	struct unode *n;

	urcu_memb_read_lock();
	cds_lfht_for_each(ht, &it, node) {
		n = caa_container_of(node, struct unode, node);
		if (!fn(n->key, n->klen, n->value, arg))
			break;
	}
	urcu_memb_read_unlock();
}

static void
clear(void *ht)
{
	remove_all(ht);
}

static void
quiesce(void *ht)
{
	(void)ht;
	urcu_memb_barrier();
}

const struct impl impl_urcu = {
	.name = "rculfhash", .about = "liburcu rculfhash, memb flavour, call_rcu reclamation",
	.thread_enter = thread_enter, .thread_exit = thread_exit,
	.create = create, .destroy = destroy, .load = load, .quiesce = quiesce,
	IMPL_MAP_OPS
};
