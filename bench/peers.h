/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * peers.h - the C++ peers (impl_tbb.cc, impl_cds.cc, impl_cuckoo.cc) as C
 * functions, which impl_peers.c gathers into struct impl (bench.h, whose
 * member `delete` C++ cannot name).
 */
#ifndef SYNCMAP_BENCH_PEERS_H
#define SYNCMAP_BENCH_PEERS_H

#include "keys.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PEER_DECLARE(p)                                                          \
	void p##_thread_enter(void);                                             \
	void p##_thread_exit(void);                                              \
	void *p##_create(size_t hint);                                           \
	void p##_destroy(void *m);                                               \
	bool p##_load(void *m, const void *k, size_t kl, uintptr_t *v);          \
	void p##_store(void *m, const void *k, size_t kl, uintptr_t v);          \
	bool p##_load_or_store(void *m, const void *k, size_t kl, uintptr_t v,   \
	                       uintptr_t *actual);                               \
	bool p##_load_and_delete(void *m, const void *k, size_t kl, uintptr_t *v); \
	void p##_delete(void *m, const void *k, size_t kl);                      \
	bool p##_swap(void *m, const void *k, size_t kl, uintptr_t v, uintptr_t *old); \
	bool p##_compare_and_swap(void *m, const void *k, size_t kl, uintptr_t old, \
	                          uintptr_t new_);                               \
	bool p##_compare_and_delete(void *m, const void *k, size_t kl, uintptr_t old); \
	void p##_range(void *m, bench_range_fn *fn, void *arg);                  \
	void p##_clear(void *m);                                                 \
	void p##_quiesce(void *m);

PEER_DECLARE(tbb)
PEER_DECLARE(michael)
PEER_DECLARE(feldman)
PEER_DECLARE(cuckoo)

#ifdef __cplusplus
}

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace peer {

/* The suite's keys are 8 or 16 bytes: a peer keeps up to 16 inline, with
 * their length, so that no key costs an allocation of its own. */
struct key {
	unsigned char b[16];
	unsigned char len;

	key() : b(), len(0) {}
	key(const void *k, size_t kl) : b(), len((unsigned char)kl)
	{
		if (kl > sizeof(b))
			std::abort();   /* the suite has no longer keys */
		if (kl > 0)
			std::memcpy(b, k, kl);
	}
	bool operator==(const key &o) const
	{
		return len == o.len && key_equal(b, o.b, len);
	}
	/* An order, for the sorted lists of libcds's MichaelHashMap. */
	int compare(const key &o) const
	{
		return len != o.len ? (len < o.len ? -1 : 1) : std::memcmp(b, o.b, len);
	}
};

struct hash {
	size_t operator()(const key &k) const { return bench_hash(k.b, k.len); }
};

/*
 * For a peer whose iteration is unsafe beside a concurrent erase (TBB's
 * concurrent_hash_map, libcds's MichaelKVList): operations that unlink
 * nodes enter the guard, Range's walk excludes them all.  A writer's count
 * sits on its own cache line, so the guard adds no shared write to the
 * operations it covers; Range, which is rare, waits for the counts to
 * drain.  Loads and in-place updates stay outside: they free nothing.
 */
class walk_guard {
	static constexpr unsigned SLOTS = 64;
	struct alignas(64) slot {
		std::atomic<long> n{ 0 };
	};
	slot slots[SLOTS];
	std::atomic<bool> walking{ false };
	std::mutex walkers;

	static unsigned me()
	{
		static std::atomic<unsigned> next{ 0 };
		/* Threads beyond SLOTS share a count, which stays correct. */
		thread_local unsigned id =
		    next.fetch_add(1, std::memory_order_relaxed) % SLOTS;
		return id;
	}

public:
	void enter()
	{
		std::atomic<long> &n = slots[me()].n;

		/* Dekker with lock(): the seq_cst increment and load here
		 * against its seq_cst store and loads there, so that either
		 * the walker sees the count or the writer sees the walk. */
		for (;;) {
			n.fetch_add(1, std::memory_order_seq_cst);
			if (!walking.load(std::memory_order_seq_cst))
				return;
			n.fetch_sub(1, std::memory_order_release);
			while (walking.load(std::memory_order_acquire))
				std::this_thread::yield();
		}
	}
	void exit() { slots[me()].n.fetch_sub(1, std::memory_order_release); }
	void lock()
	{
		walkers.lock();
		walking.store(true, std::memory_order_seq_cst);
		for (slot &s : slots)
			while (s.n.load(std::memory_order_seq_cst) != 0)
				std::this_thread::yield();
	}
	void unlock()
	{
		walking.store(false, std::memory_order_release);
		walkers.unlock();
	}
};

/* Range for a peer that cannot call back into itself while it walks (the
 * walk holds locks or the guard above): the keys are collected first, then
 * each is looked up again for its value, as the rwlock peer does. */
struct snapshot {
	std::vector<key> keys;

	template <class Load>
	void replay(Load load, bench_range_fn *fn, void *arg) const
	{
		uintptr_t v;

		for (const key &k : keys)
			if (load(k, &v) && !fn(k.b, k.len, v, arg))
				break;
	}
};

} /* namespace peer */

/* The C functions of peer p from a class A with the same static members
 * (del for Delete, cas and cad for the compare-and-* pair). */
#define PEER_DEFINE(p, A)                                                        \
	void p##_thread_enter(void) { A::thread_enter(); }                       \
	void p##_thread_exit(void) { A::thread_exit(); }                         \
	void *p##_create(size_t hint) { return new A(hint); }                    \
	void p##_destroy(void *m) { delete static_cast<A *>(m); }                \
	bool p##_load(void *m, const void *k, size_t kl, uintptr_t *v)           \
	{ return static_cast<A *>(m)->load(peer::key(k, kl), v); }               \
	void p##_store(void *m, const void *k, size_t kl, uintptr_t v)           \
	{ static_cast<A *>(m)->store(peer::key(k, kl), v); }                     \
	bool p##_load_or_store(void *m, const void *k, size_t kl, uintptr_t v,   \
	                       uintptr_t *actual)                                \
	{ return static_cast<A *>(m)->load_or_store(peer::key(k, kl), v, actual); } \
	bool p##_load_and_delete(void *m, const void *k, size_t kl, uintptr_t *v) \
	{ return static_cast<A *>(m)->load_and_delete(peer::key(k, kl), v); }    \
	void p##_delete(void *m, const void *k, size_t kl)                       \
	{ static_cast<A *>(m)->del(peer::key(k, kl)); }                          \
	bool p##_swap(void *m, const void *k, size_t kl, uintptr_t v, uintptr_t *old) \
	{ return static_cast<A *>(m)->swap(peer::key(k, kl), v, old); }          \
	bool p##_compare_and_swap(void *m, const void *k, size_t kl, uintptr_t old, \
	                          uintptr_t new_)                                \
	{ return static_cast<A *>(m)->cas(peer::key(k, kl), old, new_); }        \
	bool p##_compare_and_delete(void *m, const void *k, size_t kl, uintptr_t old) \
	{ return static_cast<A *>(m)->cad(peer::key(k, kl), old); }              \
	void p##_range(void *m, bench_range_fn *fn, void *arg)                   \
	{ static_cast<A *>(m)->range(fn, arg); }                                 \
	void p##_clear(void *m) { static_cast<A *>(m)->clear(); }                \
	void p##_quiesce(void *m) { static_cast<A *>(m)->quiesce(); }

#endif /* __cplusplus */

#endif /* SYNCMAP_BENCH_PEERS_H */
