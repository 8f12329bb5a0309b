/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_typed.c - the typed front-end (syncmap_typed.h) against the calls
 * it wraps.
 *
 * Random operations run in lockstep on a typed map and on an untyped one,
 * each typed call beside the syncmap_* call that the documented encoding
 * says it is (key bytes: the key's own, or a string with its NUL; value:
 * (void *)(uintptr_t)v): the return codes must be equal, an out-pointer
 * must be written exactly when the untyped call writes it, and with the
 * same value.  After every run both maps must hold the same keys and
 * values, seen through the typed range and through an untyped range over
 * the typed map itself, and the typed map must give its allocator back
 * every byte.  Then the cases a random run may miss: every -EINVAL, every
 * narrow value, NULL pointers, struct keys, string keys with the empty
 * string, and -ENOMEM.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "syncmap_typed.h"
#include "testutil.h"

/* The encoding syncmap_typed.h documents, written out independently. */
#define WORD(v) ((void *)(uintptr_t)(v))

struct pt {
	int32_t x, y;
};
_Static_assert(sizeof(struct pt) == 2 * sizeof(int32_t), "struct pt has no padding");

SYNCMAP_DEFINE_TYPED(imap, int32_t, int8_t);
SYNCMAP_DEFINE_TYPED(pmap, struct pt, const char *);
SYNCMAP_DEFINE_STRKEY(smap, int16_t);
SYNCMAP_DEFINE_TYPED(wmap, uint64_t, uintptr_t);
SYNCMAP_DEFINE_TYPED(bmap, uint8_t, bool);

static const int32_t imap_keys[] = { INT32_MIN, -1, 0, 1, 2, 1000, INT32_MAX };
static const int8_t imap_vals[] = { INT8_MIN, -1, 0, 1, INT8_MAX };
static const int8_t imap_sentinel = 42;
#define IMAP_KB(k) &(k), sizeof(k)

static const struct pt pmap_keys[] = {
	{ 0, 0 }, { 0, 1 }, { 1, 0 }, { -1, 0 }, { 0, -1 }, { INT32_MIN, INT32_MAX }
};
static const char *const pmap_vals[] = { NULL, "a", "b", "" };
static const char *const pmap_sentinel = "sentinel";
#define PMAP_KB(k) &(k), sizeof(k)

static const char *const smap_keys[] = {
	"", "a", "ab", "b", "ba", "a key long enough to need more than one word"
};
static const int16_t smap_vals[] = { INT16_MIN, -1, 0, 1, INT16_MAX };
static const int16_t smap_sentinel = 4242;
#define SMAP_KB(k) (k), strlen(k) + 1

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* What a range over the typed map saw, checked against the untyped one. */
struct seen {
	syncmap_t *u;
	long visits, stop_after;
};

static int
count_cb(const void *key, size_t klen, void *value, void *arg)
{
	struct seen *s = arg;

	(void)key; (void)klen; (void)value;
	return ++s->visits == s->stop_after ? 99 : 0;
}

/* An untyped range over the typed map: the bytes it stored are the bytes
 * the untyped map holds for the same key, with the same word. */
static int
same_bytes_cb(const void *key, size_t klen, void *value, void *arg)
{
	struct seen *s = arg;
	void *w = NULL;

	ck_assert_int_eq(syncmap_load(s->u, key, klen, &w), 1);
	ck_assert_ptr_eq(w, value);
	s->visits++;
	return 0;
}

static long
live_of(syncmap_t *m)
{
	struct seen s = { NULL, 0, 0 };

	ck_assert_int_eq(syncmap_range(m, count_cb, &s), 0);
	return s.visits;
}

/*
 * For one definition: the typed range callback (checks each key and value
 * against the untyped map, stops where told) and the lockstep run.  keys,
 * vals and sentinel are the definition's tables; KB(k) is the untyped key
 * of typed key k.
 */
#define LOCKSTEP(prefix, key_type, value_type, KB)                            \
static int                                                                    \
prefix##_visit(key_type key, value_type value, void *arg)                     \
{                                                                             \
	struct seen *s = arg;                                                 \
	void *w = NULL;                                                       \
                                                                              \
	ck_assert_int_eq(syncmap_load(s->u, KB(key), &w), 1);                 \
	ck_assert_ptr_eq(w, WORD(value));                                     \
	return ++s->visits == s->stop_after ? 99 : 0;                         \
}                                                                             \
                                                                              \
static void                                                                   \
prefix##_lockstep(unsigned long long seed, long steps)                        \
{                                                                             \
	struct counting c;                                                    \
	struct syncmap_options o;                                             \
	prefix##_t *t;                                                        \
	syncmap_t *u = map_new(SYNCMAP_BOUNDED, NULL);                        \
	struct seen st, su;                                                   \
	long step;                                                            \
	int rt, ru;                                                           \
                                                                              \
	counting_init(&c);                                                    \
	o = (struct syncmap_options){ .allocator = &c.a };                    \
	ck_assert_ptr_nonnull(t = prefix##_create(&o));                       \
	for (step = 0; step < steps; step++) {                                \
		key_type k = prefix##_keys[rnd(&seed) % NELEM(prefix##_keys)]; \
		value_type v = prefix##_vals[rnd(&seed) % NELEM(prefix##_vals)]; \
		value_type w = prefix##_vals[rnd(&seed) % NELEM(prefix##_vals)]; \
		value_type tv = prefix##_sentinel;                            \
		void *uv = WORD(prefix##_sentinel);                           \
		bool out = rnd(&seed) % 4 != 0;                               \
                                                                              \
		switch (rnd(&seed) % 10) {                                    \
		case 0:                                                       \
			rt = prefix##_load(t, k, out ? &tv : NULL);           \
			ru = syncmap_load(u, KB(k), out ? &uv : NULL);        \
			break;                                                \
		case 1:                                                       \
			rt = prefix##_store(t, k, v);                         \
			ru = syncmap_store(u, KB(k), WORD(v));                \
			break;                                                \
		case 2:                                                       \
			rt = prefix##_load_or_store(t, k, v, out ? &tv : NULL); \
			ru = syncmap_load_or_store(u, KB(k), WORD(v), out ? &uv : NULL); \
			break;                                                \
		case 3:                                                       \
			rt = prefix##_load_and_delete(t, k, out ? &tv : NULL); \
			ru = syncmap_load_and_delete(u, KB(k), out ? &uv : NULL); \
			break;                                                \
		case 4:                                                       \
			rt = prefix##_delete(t, k);                           \
			ru = syncmap_delete(u, KB(k));                        \
			break;                                                \
		case 5:                                                       \
			rt = prefix##_swap(t, k, v, out ? &tv : NULL);        \
			ru = syncmap_swap(u, KB(k), WORD(v), out ? &uv : NULL); \
			break;                                                \
		case 6:                                                       \
			rt = prefix##_compare_and_swap(t, k, v, w);           \
			ru = syncmap_compare_and_swap(u, KB(k), WORD(v), WORD(w)); \
			break;                                                \
		case 7:                                                       \
			rt = prefix##_compare_and_delete(t, k, v);            \
			ru = syncmap_compare_and_delete(u, KB(k), WORD(v));   \
			break;                                                \
		case 8:                                                       \
			st = (struct seen){ u, 0, (long)(rnd(&seed) % 4) };   \
			su = st;                                              \
			rt = prefix##_range(t, prefix##_visit, &st);          \
			ru = syncmap_range(u, count_cb, &su);                 \
			ck_assert_int_eq(st.visits, su.visits);               \
			break;                                                \
		default:                                                      \
			if (rnd(&seed) % 8 != 0)                              \
				continue;                                     \
			rt = prefix##_clear(t);                               \
			ru = syncmap_clear(u);                                \
			break;                                                \
		}                                                             \
		ck_assert_int_eq(rt, ru);                                     \
		ck_assert_ptr_eq(WORD(tv), uv);                               \
	}                                                                     \
	st = (struct seen){ u, 0, 0 };                                        \
	ck_assert_int_eq(prefix##_range(t, prefix##_visit, &st), 0);          \
	ck_assert_int_eq(st.visits, live_of(u));                              \
	su = (struct seen){ u, 0, 0 };                                        \
	ck_assert_int_eq(syncmap_range((syncmap_t *)t, same_bytes_cb, &su), 0); \
	ck_assert_int_eq(su.visits, st.visits);                               \
	/* The typed loop sees what the typed range saw. */                   \
	su = (struct seen){ u, 0, 0 };                                        \
	{                                                                     \
		prefix##_iter_t it;                                           \
		key_type ik;                                                  \
		value_type iv;                                                \
                                                                              \
		prefix##_iter_begin(t, &it);                                  \
		while (prefix##_iter_next(&it, &ik, &iv))                     \
			ck_assert_int_eq(prefix##_visit(ik, iv, &su), 0);     \
		ck_assert_int_eq(prefix##_iter_next(&it, NULL, NULL), 0);     \
		prefix##_iter_end(&it);                                       \
	}                                                                     \
	ck_assert_int_eq(su.visits, st.visits);                               \
	ck_assert_int_eq(prefix##_stats(t, NULL), -EINVAL);                   \
	ck_assert_uint_eq(stats_of((syncmap_t *)t).live, (size_t)st.visits);  \
	prefix##_destroy(t);                                                  \
	DESTROY_ALL_FREED(u, &c);                                             \
}

LOCKSTEP(imap, int32_t, int8_t, IMAP_KB)
LOCKSTEP(pmap, struct pt, const char *, PMAP_KB)
LOCKSTEP(smap, const char *, int16_t, SMAP_KB)

START_TEST(test_lockstep)
{
	long steps = 20000 / test_scale();
	unsigned long long seed = 0x9e3779b97f4a7c15ULL * (unsigned long long)(_i + 1);

	imap_lockstep(seed, steps);
	pmap_lockstep(seed, steps);
	smap_lockstep(seed, steps);
}
END_TEST

static int
never_int8(int32_t key, int8_t value, void *arg)
{
	(void)key; (void)value; (void)arg;
	ck_abort_msg("called on a NULL map");
	return 1;
}

/* Every function, given what the untyped call refuses, refuses it the
 * same way and writes no out-pointer. */
START_TEST(test_einval)
{
	struct syncmap_options bad = { .policy = (enum syncmap_policy)7 };
	struct syncmap_stats stats;
	smap_t *s = smap_create(NULL);
	int8_t v = 42;
	int16_t sv = 42;

	errno = 0;
	ck_assert_ptr_null(imap_create(&bad));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(syncmap_create(&bad));
	imap_destroy(NULL);

	ck_assert_int_eq(imap_load(NULL, 1, &v), -EINVAL);
	ck_assert_int_eq(imap_store(NULL, 1, 1), -EINVAL);
	ck_assert_int_eq(imap_load_or_store(NULL, 1, 1, &v), -EINVAL);
	ck_assert_int_eq(imap_load_and_delete(NULL, 1, &v), -EINVAL);
	ck_assert_int_eq(imap_delete(NULL, 1), -EINVAL);
	ck_assert_int_eq(imap_swap(NULL, 1, 1, &v), -EINVAL);
	ck_assert_int_eq(imap_compare_and_swap(NULL, 1, 1, 2), -EINVAL);
	ck_assert_int_eq(imap_compare_and_delete(NULL, 1, 1), -EINVAL);
	ck_assert_int_eq(imap_range(NULL, never_int8, NULL), -EINVAL);
	ck_assert_int_eq(imap_clear(NULL), -EINVAL);
	ck_assert_int_eq(imap_stats(NULL, &stats), -EINVAL);
	ck_assert_int_eq(v, 42);

	/* A NULL range callback is refused by syncmap_range itself. */
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(smap_range(s, NULL, NULL), -EINVAL);
	ck_assert_int_eq(smap_stats(s, NULL), -EINVAL);

	/* A NULL string key is (NULL, 1): refused, the map unchanged. */
	ck_assert_int_eq(smap_load(s, NULL, &sv), -EINVAL);
	ck_assert_int_eq(smap_store(s, NULL, 1), -EINVAL);
	ck_assert_int_eq(smap_load_or_store(s, NULL, 1, &sv), -EINVAL);
	ck_assert_int_eq(smap_load_and_delete(s, NULL, &sv), -EINVAL);
	ck_assert_int_eq(smap_delete(s, NULL), -EINVAL);
	ck_assert_int_eq(smap_swap(s, NULL, 1, &sv), -EINVAL);
	ck_assert_int_eq(smap_compare_and_swap(s, NULL, 1, 2), -EINVAL);
	ck_assert_int_eq(smap_compare_and_delete(s, NULL, 1), -EINVAL);
	ck_assert_int_eq(sv, 42);
	ck_assert_uint_eq(stats_of((syncmap_t *)s).live, 0);
	smap_destroy(s);
}
END_TEST

/* Every value of a narrow signed type, the extremes of the widest, bool
 * and NULL come back as they went in, and compare equal to themselves. */
START_TEST(test_values_round_trip)
{
	imap_t *i = imap_create(NULL);
	wmap_t *w = wmap_create(NULL);
	bmap_t *b = bmap_create(NULL);
	pmap_t *p = pmap_create(NULL);
	struct pt origin = { 0, 0 };
	const char *pv = "x";
	uintptr_t wv;
	int8_t v, prev;
	bool bv;
	int n;
	void *raw;

	for (n = INT8_MIN; n <= INT8_MAX; n++) {
		ck_assert_int_eq(imap_store(i, n, (int8_t)n), 0);
		ck_assert_int_eq(imap_load(i, n, &v), 1);
		ck_assert_int_eq(v, n);
		ck_assert_int_eq(syncmap_load((syncmap_t *)i, &(int32_t){ n }, sizeof(int32_t), &raw), 1);
		ck_assert_ptr_eq(raw, (void *)(uintptr_t)(intptr_t)n);
		ck_assert_int_eq(imap_compare_and_swap(i, n, (int8_t)n, (int8_t)~n), 1);
		ck_assert_int_eq(imap_swap(i, n, (int8_t)n, &prev), 1);
		ck_assert_int_eq(prev, (int8_t)~n);
		ck_assert_int_eq(imap_compare_and_delete(i, n, (int8_t)n), 1);
		ck_assert_int_eq(imap_load(i, n, NULL), 0);
	}
	ck_assert_int_eq(wmap_store(w, UINT64_MAX, UINTPTR_MAX), 0);
	ck_assert_int_eq(wmap_load_or_store(w, UINT64_MAX, 0, &wv), 1);
	ck_assert(wv == UINTPTR_MAX);
	ck_assert_int_eq(wmap_load_or_store(w, 0, 0, &wv), 0);
	ck_assert(wv == 0);
	ck_assert_int_eq(wmap_load_and_delete(w, 0, &wv), 1);
	ck_assert(wv == 0);
	ck_assert_int_eq(bmap_store(b, 1, true), 0);
	ck_assert_int_eq(bmap_store(b, 0, false), 0);
	ck_assert_int_eq(bmap_load(b, 1, &bv), 1);
	ck_assert(bv);
	ck_assert_int_eq(bmap_load(b, 0, &bv), 1);
	ck_assert(!bv);
	ck_assert_int_eq(bmap_compare_and_swap(b, 0, false, true), 1);
	/* A NULL value is a value, not an absence. */
	ck_assert_int_eq(pmap_store(p, origin, NULL), 0);
	ck_assert_int_eq(pmap_load(p, origin, &pv), 1);
	ck_assert_ptr_null(pv);
	ck_assert_int_eq(pmap_load_or_store(p, origin, "y", &pv), 1);
	ck_assert_ptr_null(pv);
	ck_assert_int_eq(pmap_compare_and_delete(p, origin, NULL), 1);
	ck_assert_int_eq(pmap_load(p, origin, NULL), 0);
	imap_destroy(i);
	wmap_destroy(w);
	bmap_destroy(b);
	pmap_destroy(p);
}
END_TEST

/* A struct key is its bytes: equal members, one key, however built. */
START_TEST(test_struct_keys)
{
	pmap_t *p = pmap_create(NULL);
	struct pt a = { 1, 2 }, b = { 2, 1 }, c;
	struct seen self = { (syncmap_t *)p, 0, 0 };
	const char *v;

	memset(&c, 0, sizeof(c));
	c.y = 2;
	c.x = 1;
	ck_assert_int_eq(pmap_store(p, a, "a"), 0);
	ck_assert_int_eq(pmap_load_or_store(p, b, "b", &v), 0);
	ck_assert_str_eq(v, "b");
	ck_assert_int_eq(pmap_load(p, c, &v), 1);
	ck_assert_str_eq(v, "a");
	ck_assert_int_eq(pmap_load(p, (struct pt){ .x = 1, .y = 2 }, &v), 1);
	ck_assert_int_eq(syncmap_load((syncmap_t *)p, &a, sizeof(a), NULL), 1);
	ck_assert_int_eq(live_of((syncmap_t *)p), 2);
	/* Bytes of another length, stored behind the front-end's back, are
	 * no key of this map: its range skips them. */
	ck_assert_int_eq(syncmap_store((syncmap_t *)p, "xyz", 3, NULL), 0);
	ck_assert_int_eq(pmap_range(p, pmap_visit, &self), 0);
	ck_assert_int_eq(self.visits, 2);
	pmap_destroy(p);
}
END_TEST

struct strwalk {
	int visits;
	bool empty_seen;
};

static int
check_str_cb(const char *key, int16_t value, void *arg)
{
	struct strwalk *w = arg;

	/* The callback's key is a C string: its value says its length. */
	ck_assert_int_eq((int)strlen(key), value);
	w->empty_seen |= key[0] == '\0';
	w->visits++;
	return 0;
}

/* String keys: the empty string is a key, keys are copied, and a range
 * hands out NUL-terminated strings. */
START_TEST(test_string_keys)
{
	smap_t *s = smap_create(NULL);
	struct strwalk w = { 0, false };
	char buf[16] = "abc";
	int16_t v;

	ck_assert_int_eq(smap_load(s, "", &v), 0);
	ck_assert_int_eq(smap_store(s, "", 0), 0);
	ck_assert_int_eq(smap_load(s, "", &v), 1);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(syncmap_load((syncmap_t *)s, "", 1, NULL), 1);
	ck_assert_int_eq(syncmap_load((syncmap_t *)s, "", 0, NULL), 0);
	ck_assert_int_eq(smap_store(s, buf, 3), 0);
	strcpy(buf, "abd");
	ck_assert_int_eq(smap_load(s, "abc", &v), 1);
	ck_assert_int_eq(v, 3);
	ck_assert_int_eq(smap_load(s, buf, &v), 0);
	ck_assert_int_eq(smap_load(s, "ab", &v), 0);
	ck_assert_int_eq(syncmap_load((syncmap_t *)s, "abc", 4, NULL), 1);
	ck_assert_int_eq(syncmap_load((syncmap_t *)s, "abc", 3, NULL), 0);
	ck_assert_int_eq(smap_store(s, "a", 1), 0);
	ck_assert_int_eq(smap_store(s, "a string longer than any word", 29), 0);
	/* Bytes without a NUL at the end, stored untyped, are skipped. */
	ck_assert_int_eq(syncmap_store((syncmap_t *)s, "abc", 3, NULL), 0);
	ck_assert_int_eq(smap_range(s, check_str_cb, &w), 0);
	ck_assert_int_eq(w.visits, 4);
	ck_assert(w.empty_seen);
	ck_assert_int_eq(smap_delete(s, ""), 1);
	ck_assert_int_eq(smap_load(s, "", NULL), 0);
	smap_destroy(s);
}
END_TEST

/* -ENOMEM comes through unchanged, and leaves the map as it was. */
START_TEST(test_enomem)
{
	struct counting c;
	struct syncmap_options o = { .allocator = &c.a };
	imap_t *i;
	int8_t v;

	counting_init(&c);
	ck_assert_ptr_nonnull(i = imap_create(&o));
	ck_assert_int_eq(imap_store(i, 1, 1), 0);
	counting_fail_in(&c, 1);
	ck_assert_int_eq(imap_store(i, 2, 2), -ENOMEM);
	counting_fail_in(&c, 1);
	ck_assert_int_eq(imap_load_or_store(i, 2, 2, &v), -ENOMEM);
	counting_fail_in(&c, 1);
	ck_assert_int_eq(imap_swap(i, 2, 2, &v), -ENOMEM);
	counting_fail_in(&c, 0);
	ck_assert_int_eq(imap_load(i, 2, NULL), 0);
	ck_assert_int_eq(live_of((syncmap_t *)i), 1);
	imap_destroy(i);
	ck_assert_uint_eq(counting_outstanding(&c), 0);
}
END_TEST

SUITE("typed", "typed front-end", 120,
	{ test_lockstep, 4 },
	{ test_einval, 1 },
	{ test_values_round_trip, 1 },
	{ test_struct_keys, 1 },
	{ test_string_keys, 1 },
	{ test_enomem, 1 })
