// SPDX-License-Identifier: BSD-2-Clause
/*
 * impl_cds.cc - libcds's MichaelHashMap (a fixed array of lock-free
 * ordered lists, Harris-Michael) and FeldmanHashMap (a lock-free trie over
 * the bits of a fixed-size hash), both reclaimed by hazard pointers
 * (cds::gc::HP), so every thread that calls them attaches to libcds first:
 * bench does that outside the timing, as it registers rculfhash's threads.
 *
 * Values sit in an atomic beside the key and are changed in place, which
 * libcds allows only when the caller synchronises the change.  Keys the
 * map lacks are inserted, and a failed insert (another thread's won) is
 * retried as an update.  CompareAndDelete reads, compares and erases: if
 * the value changed in between, the value erased is put back.  Neither map
 * is resized: MichaelHashMap gets one list per expected key (2^10 when the
 * benchmark gives no size: Go's Unique benchmarks overfill
 * them), FeldmanHashMap grows its trie by itself.
 *
 * FeldmanHashMap's design needs a perfect hash, compared in full where
 * other maps compare keys: its key here is XXH3's 64 bits, then the key's
 * length and bytes, which is that.  MichaelKVList's iteration may crash
 * beside a concurrent erase (libcds says so), so MichaelHashMap's Range
 * walks under the walk guard (peers.h); FeldmanHashMap's iterators are safe
 * and its Range walks the live map.
 */
#include <algorithm>
#include <cds/init.h>
#include <cds/gc/hp.h>
#include <cds/container/michael_kvlist_hp.h>
#include <cds/container/michael_map.h>
#include <cds/container/feldman_hashmap_hp.h>

#include "peers.h"

namespace {

/* libcds and its hazard-pointer domain, made before any thread attaches,
 * torn down at exit. */
struct cds_lib {
	cds_lib() { cds::Initialize(); }
	~cds_lib() { cds::Terminate(); }
};

struct hp_domain : cds_lib {
	cds::gc::HP hp;
};

void
attach()
{
	static hp_domain domain;

	cds::threading::Manager::attachThread();
}

/* A value changed in place: libcds copies it only when it builds a node. */
struct value {
	std::atomic<uintptr_t> v;

	value(uintptr_t x = 0) : v(x) {}
	value(const value &o) : v(o.v.load(std::memory_order_relaxed)) {}
};

struct key_compare {
	int operator()(const peer::key &a, const peer::key &b) const { return a.compare(b); }
};

struct list_traits : cds::container::michael_list::traits {
	typedef key_compare compare;
};
typedef cds::container::MichaelKVList<cds::gc::HP, peer::key, value, list_traits> list_t;

struct michael_traits : cds::container::michael_map::traits {
	typedef peer::hash hash;
};
typedef cds::container::MichaelHashMap<cds::gc::HP, list_t, michael_traits> michael_t;

/* FeldmanHashMap's key, which is its own hash, compared byte for byte:
 * no padding, unused bytes zero. */
struct fkey {
	uint64_t h;
	unsigned char len;
	unsigned char b[23];

	fkey() : h(0), len(0), b() {}
	explicit fkey(const peer::key &k) : h(peer::hash()(k)), len(k.len), b()
	{
		std::memcpy(b, k.b, sizeof(k.b));
	}
};
static_assert(sizeof(fkey) == 32, "fkey has padding");

typedef cds::container::FeldmanHashMap<cds::gc::HP, fkey, value> feldman_t;

/* Both maps' operations; Key is the map's key type, made from peer::key.
 * Walk is true for the map whose iteration needs the guard. */
template <class Map, class Key, bool Guarded>
class cds_peer {
protected:
	Map m;
	peer::walk_guard guard;

	template <class... Args>
	explicit cds_peer(Args... args) : m(args...) {}

	void enter()
	{
		if (Guarded)
			guard.enter();
	}
	void exit()
	{
		if (Guarded)
			guard.exit();
	}

public:
	static void thread_enter() { attach(); }
	static void thread_exit() { cds::threading::Manager::detachThread(); }

	bool load(const peer::key &k, uintptr_t *v)
	{
		return m.find(Key(k), [v](typename Map::value_type &it) {
			*v = it.second.v.load(std::memory_order_acquire);
		});
	}
	bool swap(const peer::key &k, uintptr_t v, uintptr_t *old)
	{
		Key key(k);

		for (;;) {
			if (m.find(key, [v, old](typename Map::value_type &it) {
				*old = it.second.v.exchange(v, std::memory_order_acq_rel);
			}))
				return true;
			if (m.insert(key, value(v)))
				return false;
		}
	}
	void store(const peer::key &k, uintptr_t v)
	{
		uintptr_t old;

		swap(k, v, &old);
	}
	bool load_or_store(const peer::key &k, uintptr_t v, uintptr_t *actual)
	{
		for (;;) {
			if (load(k, actual))
				return true;
			if (m.insert(Key(k), value(v))) {
				*actual = v;
				return false;
			}
		}
	}
	bool load_and_delete(const peer::key &k, uintptr_t *v)
	{
		bool erased;

		enter();
		erased = m.erase(Key(k), [v](typename Map::value_type &it) {
			*v = it.second.v.load(std::memory_order_acquire);
		});
		exit();
		return erased;
	}
	void del(const peer::key &k)
	{
		enter();
		m.erase(Key(k));
		exit();
	}
	bool cas(const peer::key &k, uintptr_t old, uintptr_t new_)
	{
		bool swapped = false;

		m.find(Key(k), [&](typename Map::value_type &it) {
			uintptr_t expect = old;

			swapped = it.second.v.compare_exchange_strong(expect, new_,
			    std::memory_order_acq_rel);
		});
		return swapped;
	}
	bool cad(const peer::key &k, uintptr_t old)
	{
		uintptr_t cur;

		if (!load(k, &cur) || cur != old || !load_and_delete(k, &cur))
			return false;
		if (cur != old)
			m.insert(Key(k), value(cur));
		return cur == old;
	}
	void clear()
	{
		enter();
		m.clear();
		exit();
	}
	void quiesce() { cds::gc::HP::force_dispose(); }
};

class michael_peer : public cds_peer<michael_t, peer::key, true> {
public:
	explicit michael_peer(size_t hint)
	    : cds_peer(hint > 0 ? hint : (size_t)1 << 10, (size_t)1) {}

	void range(bench_range_fn *fn, void *arg)
	{
		peer::snapshot s;

		guard.lock();
		for (auto it = m.begin(); it != m.end(); ++it)
			s.keys.push_back(it->first);
		guard.unlock();
		s.replay([this](const peer::key &k, uintptr_t *v) { return load(k, v); }, fn, arg);
	}
};

class feldman_peer : public cds_peer<feldman_t, fkey, false> {
public:
	explicit feldman_peer(size_t) : cds_peer() {}

	void range(bench_range_fn *fn, void *arg)
	{
		for (auto it = m.begin(); it != m.end(); ++it)
			if (!fn(it->first.b, it->first.len,
			    it->second.v.load(std::memory_order_acquire), arg))
				break;
	}
};

} /* namespace */

PEER_DEFINE(michael, michael_peer)
PEER_DEFINE(feldman, feldman_peer)
