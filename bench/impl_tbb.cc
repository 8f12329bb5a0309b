// SPDX-License-Identifier: BSD-2-Clause
/*
 * impl_tbb.cc - oneTBB's concurrent_hash_map: buckets with per-bucket
 * reader-writer spin locks, and an element lock that an accessor holds
 * (shared for a const_accessor) for as long as it points at the pair.
 * Load is find with a const_accessor, an update is find with an accessor;
 * a key that is not there is inserted under the walk guard (peers.h), as
 * is every erase, because TBB's iteration is not safe beside either.
 * Clear erases key by key: TBB's clear() must not run beside any other
 * operation.  Nodes come from std::allocator, so that malloc counts them
 * (tbb_allocator would take them from tbbmalloc).
 */
#include <tbb/concurrent_hash_map.h>

#include "peers.h"

namespace {

struct hash_compare {
	size_t hash(const peer::key &k) const { return peer::hash()(k); }
	bool equal(const peer::key &a, const peer::key &b) const { return a == b; }
};

class tbb_peer {
	typedef tbb::concurrent_hash_map<peer::key, uintptr_t, hash_compare,
	    std::allocator<std::pair<const peer::key, uintptr_t>>> map_t;
	map_t m;
	peer::walk_guard guard;

	/* The keys, with the guard held. */
	peer::snapshot keys()
	{
		peer::snapshot s;

		guard.lock();
		s.keys.reserve(m.size());
		for (const auto &p : m)
			s.keys.push_back(p.first);
		guard.unlock();
		return s;
	}

public:
	explicit tbb_peer(size_t hint) : m(hint) {}
	static void thread_enter() {}
	static void thread_exit() {}

	bool load(const peer::key &k, uintptr_t *v) const
	{
		map_t::const_accessor a;

		if (!m.find(a, k))
			return false;
		*v = a->second;
		return true;
	}
	bool swap(const peer::key &k, uintptr_t v, uintptr_t *old)
	{
		bool fresh;

		{
			map_t::accessor a;

			if (m.find(a, k)) {
				*old = a->second;
				a->second = v;
				return true;
			}
		}
		guard.enter();
		{
			map_t::accessor a;

			fresh = m.insert(a, k);
			if (!fresh)
				*old = a->second;
			a->second = v;
		}
		guard.exit();
		return !fresh;
	}
	void store(const peer::key &k, uintptr_t v)
	{
		uintptr_t old;

		swap(k, v, &old);
	}
	bool load_or_store(const peer::key &k, uintptr_t v, uintptr_t *actual)
	{
		bool fresh;

		if (load(k, actual))
			return true;
		guard.enter();
		{
			map_t::const_accessor a;

			fresh = m.insert(a, map_t::value_type(k, v));
			*actual = a->second;
		}
		guard.exit();
		return !fresh;
	}
	/* Erases the key if keep(value) is false; true if it did. */
	template <class Keep>
	bool erase_unless(const peer::key &k, uintptr_t *v, Keep keep)
	{
		bool erased = false;

		guard.enter();
		{
			map_t::accessor a;

			if (m.find(a, k)) {
				*v = a->second;
				if (!keep(*v))
					erased = m.erase(a);
			}
		}
		guard.exit();
		return erased;
	}
	bool load_and_delete(const peer::key &k, uintptr_t *v)
	{
		return erase_unless(k, v, [](uintptr_t) { return false; });
	}
	void del(const peer::key &k)
	{
		guard.enter();
		m.erase(k);
		guard.exit();
	}
	bool cas(const peer::key &k, uintptr_t old, uintptr_t new_)
	{
		map_t::accessor a;

		if (!m.find(a, k) || a->second != old)
			return false;
		a->second = new_;
		return true;
	}
	bool cad(const peer::key &k, uintptr_t old)
	{
		uintptr_t v;

		return erase_unless(k, &v, [old](uintptr_t cur) { return cur != old; });
	}
	void range(bench_range_fn *fn, void *arg)
	{
		keys().replay([this](const peer::key &k, uintptr_t *v) { return load(k, v); },
		    fn, arg);
	}
	void clear()
	{
		for (const peer::key &k : keys().keys)
			del(k);
	}
	void quiesce() {}
};

} /* namespace */

PEER_DEFINE(tbb, tbb_peer)
