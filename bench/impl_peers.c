/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * impl_peers.c - the C++ peers (peers.h) as struct impl.
 */
#include "bench.h"
#include "peers.h"

#define PEER_IMPL(p, nm, text)                                                   \
	const struct impl impl_##p = {                                           \
		.name = nm, .about = text,                                       \
		.thread_enter = p##_thread_enter, .thread_exit = p##_thread_exit, \
		.create = p##_create, .destroy = p##_destroy, .load = p##_load,  \
		.store = p##_store, .load_or_store = p##_load_or_store,          \
		.load_and_delete = p##_load_and_delete, .delete = p##_delete,    \
		.swap = p##_swap, .compare_and_swap = p##_compare_and_swap,      \
		.compare_and_delete = p##_compare_and_delete, .range = p##_range, \
		.clear = p##_clear, .quiesce = p##_quiesce                       \
	}

#ifdef HAVE_TBB
PEER_IMPL(tbb, "tbb", "oneTBB concurrent_hash_map (bucket and element locks)");
#endif
#ifdef HAVE_CDS
PEER_IMPL(michael, "michael", "libcds MichaelHashMap, lock-free lists, gc::HP");
PEER_IMPL(feldman, "feldman", "libcds FeldmanHashMap, lock-free hash trie, gc::HP");
#endif
#ifdef HAVE_CUCKOO
PEER_IMPL(cuckoo, "cuckoo", "libcuckoo cuckoohash_map (4-slot buckets, striped spin locks)");
#endif
