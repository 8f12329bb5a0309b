// SPDX-License-Identifier: BSD-2-Clause
/*
 * impl_cuckoo.cc - libcuckoo's cuckoohash_map: bucketised cuckoo hashing,
 * 4 slots a bucket, keys and values inline in the slots, each operation
 * under the spin locks of the key's two candidate buckets (striped).  A
 * hit reads one or two buckets; an insert into a full table moves keys
 * along a cuckoo path, and the table doubles when no path is found.
 * Range copies the keys with the whole table locked (lock_table, the only
 * iteration libcuckoo has), then looks each one up again.
 *
 * Unsized, the table starts at 2^14 keys: Debian's libcuckoo 0.3.1 now and
 * then crashes in cuckoopath_search when two threads insert while a small
 * table grows (seen about once in 40 two-thread LoadOrStoreUnique runs
 * from one bucket; efficient/libcuckoo#156 reports segfaults on inserts),
 * and the bench's short runs stay below 2^14.  Longer runs of Go's Unique
 * benchmarks grow it and may still meet that crash.
 */
#include <libcuckoo/cuckoohash_map.hh>

#include "peers.h"

namespace {

class cuckoo_peer {
	libcuckoo::cuckoohash_map<peer::key, uintptr_t, peer::hash, std::equal_to<peer::key>,
	    std::allocator<std::pair<const peer::key, uintptr_t>>> m;

public:
	explicit cuckoo_peer(size_t hint) : m(hint > 0 ? hint : 1 << 14) {}
	static void thread_enter() {}
	static void thread_exit() {}

	bool load(const peer::key &k, uintptr_t *v) const
	{
		return m.find_fn(k, [v](const uintptr_t &cur) { *v = cur; });
	}
	void store(const peer::key &k, uintptr_t v) { m.insert_or_assign(k, v); }
	bool load_or_store(const peer::key &k, uintptr_t v, uintptr_t *actual)
	{
		*actual = v;
		/* uprase_fn: true if it inserted, else fn saw the value. */
		return !m.uprase_fn(k, [actual](uintptr_t &cur) {
			*actual = cur;
			return false;
		}, v);
	}
	bool load_and_delete(const peer::key &k, uintptr_t *v)
	{
		return m.erase_fn(k, [v](uintptr_t &cur) {
			*v = cur;
			return true;
		});
	}
	void del(const peer::key &k) { m.erase(k); }
	bool swap(const peer::key &k, uintptr_t v, uintptr_t *old)
	{
		return !m.uprase_fn(k, [v, old](uintptr_t &cur) {
			*old = cur;
			cur = v;
			return false;
		}, v);
	}
	bool cas(const peer::key &k, uintptr_t old, uintptr_t new_)
	{
		bool swapped = false;

		m.update_fn(k, [&](uintptr_t &cur) {
			if (cur == old) {
				cur = new_;
				swapped = true;
			}
		});
		return swapped;
	}
	bool cad(const peer::key &k, uintptr_t old)
	{
		bool erased = false;

		/* erase_fn is true when it found the key, erased or not. */
		m.erase_fn(k, [old, &erased](uintptr_t &cur) { return erased = cur == old; });
		return erased;
	}
	void range(bench_range_fn *fn, void *arg)
	{
		peer::snapshot s;

		{
			auto locked = m.lock_table();

			s.keys.reserve(locked.size());
			for (const auto &p : locked)
				s.keys.push_back(p.first);
		}
		s.replay([this](const peer::key &k, uintptr_t *v) { return load(k, v); }, fn, arg);
	}
	void clear() { m.clear(); }
	void quiesce() {}
};

} /* namespace */

PEER_DEFINE(cuckoo, cuckoo_peer)
