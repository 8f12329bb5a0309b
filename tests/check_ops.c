/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_ops.c - each operation, single-threaded, against every state an
 * entry can be in; promotion and copy points; keys and values; Range and
 * Clear; and ports of the cases of Go's src/sync/map_test.go.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "testutil.h"

#define V0 ((void *)0x1000)
#define V1 ((void *)0x2000)
#define V2 ((void *)0x3000)
#define KEY "key"
#define KLEN 3

/* ---- the state matrix -------------------------------------------------- */

enum state {
	ABSENT,          /* not in the map; read only, no dirty */
	ABSENT_AMENDED,  /* not in the map; dirty holds a newer key */
	IN_READ,         /* value, in read; no dirty */
	IN_BOTH,         /* value, in read and dirty */
	DIRTY_ONLY,      /* value, only in dirty */
	NIL_READ,        /* deleted, in read; no dirty */
	NIL_BOTH,        /* deleted, in read and dirty */
	EXPUNGED_READ,   /* deleted and expunged: in read, not in dirty */
	NSTATES
};

static const char *state_name[NSTATES] = {
	"absent", "absent-amended", "in-read", "in-both", "dirty-only",
	"nil-read", "nil-both", "expunged",
};

static bool
present_in(enum state s)
{
	return s == IN_READ || s == IN_BOTH || s == DIRTY_ONLY;
}

/* Builds the state for KEY in a fresh classic map, with a filler key "x"
 * always present so that the tables are never trivially empty. */
static syncmap_t *
build(enum state s, struct syncmap_stats *st)
{
	syncmap_t *m = map_new(SYNCMAP_CLASSIC, NULL);

	ck_assert_int_eq(syncmap_store(m, "x", 1, V2), 0);
	switch (s) {
	case ABSENT:
		promote(m);
		break;
	case ABSENT_AMENDED:
		promote(m);
		ck_assert_int_eq(syncmap_store(m, "y", 1, V2), 0);
		break;
	case IN_READ:
		ck_assert_int_eq(syncmap_store(m, KEY, KLEN, V0), 0);
		promote(m);
		break;
	case IN_BOTH:
	case NIL_BOTH:
		ck_assert_int_eq(syncmap_store(m, KEY, KLEN, V0), 0);
		promote(m);
		ck_assert_int_eq(syncmap_store(m, "y", 1, V2), 0);
		if (s == NIL_BOTH)
			ck_assert_int_eq(syncmap_delete(m, KEY, KLEN), 1);
		break;
	case DIRTY_ONLY:
		promote(m);
		ck_assert_int_eq(syncmap_store(m, KEY, KLEN, V0), 0);
		break;
	case NIL_READ:
	case EXPUNGED_READ:
		ck_assert_int_eq(syncmap_store(m, KEY, KLEN, V0), 0);
		promote(m);
		ck_assert_int_eq(syncmap_delete(m, KEY, KLEN), 1);
		if (s == EXPUNGED_READ)
			ck_assert_int_eq(syncmap_store(m, "y", 1, V2), 0);
		break;
	default:
		ck_abort();
	}
	*st = stats_of(m);
	VERIFY(m);
	/* The state is what it claims to be. */
	switch (s) {
	case EXPUNGED_READ:
		ck_assert_uint_eq(st->expunged, 1);
		ck_assert_uint_eq(st->dead_entries, 1);
		break;
	case NIL_READ:
	case NIL_BOTH:
		ck_assert_uint_eq(st->expunged, 0);
		ck_assert_uint_eq(st->dead_entries, 1);
		break;
	default:
		ck_assert_uint_eq(st->dead_entries, 0);
	}
	ck_assert_uint_eq(st->dirty_slots > 0,
	    s == ABSENT_AMENDED || s == IN_BOTH || s == DIRTY_ONLY ||
	    s == NIL_BOTH || s == EXPUNGED_READ);
	return m;
}

enum op {
	OP_LOAD, OP_STORE, OP_LOS, OP_LAD, OP_DELETE, OP_SWAP, OP_CAS_HIT,
	OP_CAS_MISS, OP_CAD_HIT, OP_CAD_MISS, OP_CLEAR, OP_RANGE, NOPS
};

static const char *op_name[NOPS] = {
	"load", "store", "load_or_store", "load_and_delete", "delete", "swap",
	"cas-equal", "cas-different", "cad-equal", "cad-different", "clear",
	"range",
};

/*
 * Go counts a miss where a lookup missed read and had to consult dirty:
 * Load, LoadAndDelete and CompareAndDelete whenever read lacks the key and
 * is amended; LoadOrStore and CompareAndSwap only when dirty had the key;
 * Store, Swap, Range and Clear never.
 */
static uint64_t
expected_misses(enum state s, enum op op)
{
	bool read_lacks_amended = s == ABSENT_AMENDED || s == DIRTY_ONLY;

	switch (op) {
	case OP_LOAD: case OP_LAD: case OP_DELETE: case OP_CAD_HIT: case OP_CAD_MISS:
		return read_lacks_amended;
	case OP_LOS: case OP_CAS_HIT: case OP_CAS_MISS:
		return s == DIRTY_ONLY;
	default:
		return 0;
	}
}

START_TEST(test_state_matrix)
{
	enum state s = (enum state)(_i / NOPS);
	enum op op = (enum op)(_i % NOPS);
	bool present = present_in(s), after = present;
	struct syncmap_stats before, st;
	void *v = NULL, *after_value = V0;
	size_t visits = 0;
	syncmap_t *m = build(s, &before);
	int rc = -1, want = 0;

	switch (op) {
	case OP_LOAD:
		rc = syncmap_load(m, KEY, KLEN, &v);
		want = present;
		break;
	case OP_STORE:
		rc = syncmap_store(m, KEY, KLEN, V1);
		after = true;
		after_value = V1;
		break;
	case OP_LOS:
		rc = syncmap_load_or_store(m, KEY, KLEN, V1, &v);
		want = present;
		after = true;
		after_value = present ? V0 : V1;
		ck_assert_ptr_eq(v, present ? V0 : V1);
		break;
	case OP_LAD:
		rc = syncmap_load_and_delete(m, KEY, KLEN, &v);
		want = present;
		after = false;
		break;
	case OP_DELETE:
		rc = syncmap_delete(m, KEY, KLEN);
		want = present;
		after = false;
		break;
	case OP_SWAP:
		rc = syncmap_swap(m, KEY, KLEN, V1, &v);
		want = present;
		after = true;
		after_value = V1;
		break;
	case OP_CAS_HIT:
		rc = syncmap_compare_and_swap(m, KEY, KLEN, V0, V1);
		want = present;
		after_value = V1;
		break;
	case OP_CAS_MISS:
		rc = syncmap_compare_and_swap(m, KEY, KLEN, V2, V1);
		break;
	case OP_CAD_HIT:
		rc = syncmap_compare_and_delete(m, KEY, KLEN, V0);
		want = present;
		after = false;
		break;
	case OP_CAD_MISS:
		rc = syncmap_compare_and_delete(m, KEY, KLEN, V2);
		break;
	case OP_CLEAR:
		rc = syncmap_clear(m);
		after = false;
		break;
	case OP_RANGE:
		rc = syncmap_range(m, count_visit, &visits);
		ck_assert_uint_eq(visits, before.live);
		break;
	default:
		ck_abort();
	}
	ck_assert_msg(rc == want, "%s on %s: returned %d, want %d",
	    op_name[op], state_name[s], rc, want);
	if ((op == OP_LOAD || op == OP_LAD || op == OP_SWAP) && present)
		ck_assert_ptr_eq(v, V0);
	st = stats_of(m);
	ck_assert_msg(st.misses - before.misses == expected_misses(s, op),
	    "%s on %s: %llu misses, want %llu", op_name[op], state_name[s],
	    (unsigned long long)(st.misses - before.misses),
	    (unsigned long long)expected_misses(s, op));
	VERIFY(m);
	/* Go: a store to an expunged key puts its entry back into dirty. */
	if (s == EXPUNGED_READ && (op == OP_STORE || op == OP_LOS || op == OP_SWAP)) {
		ck_assert_uint_eq(st.expunged, 0);
		ck_assert_uint_eq(st.dirty_slots, before.dirty_slots + 1);
	} else if (s == EXPUNGED_READ && op != OP_CLEAR && op != OP_RANGE) {
		ck_assert_uint_eq(st.expunged, 1);
	}
	v = NULL;
	ck_assert_int_eq(syncmap_load(m, KEY, KLEN, &v), after);
	if (after)
		ck_assert_ptr_eq(v, after_value);
	ck_assert_int_eq(syncmap_load(m, "x", 1, NULL), op != OP_CLEAR);
	syncmap_destroy(m);
}
END_TEST

/* ---- promotion and dirty-copy points, observed through stats ------------ */

static void
expect(syncmap_t *m, size_t read, size_t dirty, size_t dead, size_t expunged,
       uint64_t misses, uint64_t promotions, uint64_t copies)
{
	struct syncmap_stats st = stats_of(m);

	ck_assert_uint_eq(st.read_slots, read);
	ck_assert_uint_eq(st.dirty_slots, dirty);
	ck_assert_uint_eq(st.dead_entries, dead);
	ck_assert_uint_eq(st.expunged, expunged);
	ck_assert_uint_eq(st.misses, misses);
	ck_assert_uint_eq(st.promotions, promotions);
	ck_assert_uint_eq(st.dirty_copies, copies);
	ck_assert_uint_eq(st.compactions, 0);
	VERIFY(m);
}

START_TEST(test_promotion_points)
{
	syncmap_t *m = map_new(SYNCMAP_CLASSIC, NULL);

	expect(m, 0, 0, 0, 0, 0, 0, 0);
	syncmap_store(m, "a", 1, V0);           /* copies the empty read */
	expect(m, 0, 1, 0, 0, 0, 0, 1);
	syncmap_load(m, "a", 1, NULL);          /* misses 1 >= len(dirty) 1 */
	expect(m, 1, 0, 0, 0, 1, 1, 1);
	syncmap_store(m, "a", 1, V1);           /* lock-free, no miss */
	syncmap_store(m, "b", 1, V0);           /* copy: dirty = {a, b} */
	expect(m, 1, 2, 0, 0, 1, 1, 2);
	syncmap_load(m, "b", 1, NULL);          /* 1 < 2 */
	expect(m, 1, 2, 0, 0, 2, 1, 2);
	syncmap_load(m, "zz", 2, NULL);         /* absent keys miss too */
	expect(m, 2, 0, 0, 0, 3, 2, 2);
	syncmap_delete(m, "a", 1);              /* lock-free: nil in read */
	expect(m, 2, 0, 1, 0, 3, 2, 2);
	syncmap_store(m, "c", 1, V0);           /* copy expunges a */
	expect(m, 2, 2, 1, 1, 3, 2, 3);
	syncmap_load(m, "a", 1, NULL);          /* in read (expunged): no miss */
	expect(m, 2, 2, 1, 1, 3, 2, 3);
	syncmap_load(m, "c", 1, NULL);
	syncmap_load(m, "c", 1, NULL);          /* promotion drops a */
	expect(m, 2, 0, 0, 0, 5, 3, 3);
	syncmap_store(m, "d", 1, V0);
	ck_assert_int_eq(syncmap_load_or_store(m, "d", 1, V1, NULL), 1);  /* dirty hit: miss */
	expect(m, 2, 3, 0, 0, 6, 3, 4);
	ck_assert_int_eq(syncmap_compare_and_swap(m, "d", 1, V0, V1), 1); /* dirty hit: miss */
	expect(m, 2, 3, 0, 0, 7, 3, 4);
	ck_assert_int_eq(syncmap_swap(m, "d", 1, V2, NULL), 1);           /* never a miss */
	expect(m, 2, 3, 0, 0, 7, 3, 4);
	promote(m);                             /* Range promotes */
	expect(m, 3, 0, 0, 0, 7, 4, 4);
	promote(m);                             /* not amended: nothing */
	expect(m, 3, 0, 0, 0, 7, 4, 4);
	syncmap_destroy(m);
}
END_TEST

/* LoadAndDelete of a key only dirty has removes it from dirty, as Go's
 * delete(m.dirty, key) does, and counts a miss. */
START_TEST(test_load_and_delete_dirty_only)
{
	syncmap_t *m = map_new(SYNCMAP_CLASSIC, NULL);
	void *v = NULL;

	syncmap_store(m, "a", 1, V0);
	syncmap_store(m, "b", 1, V1);
	syncmap_store(m, "c", 1, V2);
	expect(m, 0, 3, 0, 0, 0, 0, 1);
	ck_assert_int_eq(syncmap_load_and_delete(m, "b", 1, &v), 1);
	ck_assert_ptr_eq(v, V1);
	expect(m, 0, 2, 0, 0, 1, 0, 1);
	ck_assert_int_eq(syncmap_load_and_delete(m, "b", 1, &v), 0);
	expect(m, 2, 0, 0, 0, 2, 1, 1);
	syncmap_destroy(m);
}
END_TEST

/* ---- when the next promotion comes: misses counted and reset ------------ */

/* Loads of an absent key until dirty is promoted (each one a miss on an
 * amended map): len(dirty) - misses, by Go's missLocked.  Gives up past
 * limit, so that a broken count fails at once instead of looping. */
static unsigned
misses_to_promotion(syncmap_t *m, unsigned limit)
{
	uint64_t promotions = stats_of(m).promotions;
	unsigned n = 0;

	while (stats_of(m).promotions == promotions && n <= limit) {
		ck_assert_int_eq(syncmap_load(m, "probe", 5, NULL), 0);
		n++;
	}
	return n;
}

/* Issue 17's case: Go's Clear resets misses, so the misses before it do
 * not bring the next promotion early. */
START_TEST(test_clear_resets_misses)
{
	syncmap_t *m = map_new(policy_of(_i), NULL);
	int i;

	store_keys(m, 10, V0);
	for (i = 0; i < 5; i++)
		syncmap_load(m, "absent", 6, NULL);
	ck_assert_uint_eq(stats_of(m).misses, 5);
	ck_assert_int_eq(syncmap_clear(m), 0);
	syncmap_store(m, "a", 1, V0);
	syncmap_store(m, "b", 1, V0);
	syncmap_load(m, "absent", 6, NULL);
	ck_assert_msg(stats_of(m).promotions == 0,
	    "a promotion after 1 miss on a dirty of 2: Clear kept the misses before it");
	ck_assert_uint_eq(misses_to_promotion(m, 8), 1);
	VERIFY(m);
	syncmap_destroy(m);
}
END_TEST

/*
 * Every operation's effect on the count that decides the next promotion.
 * The map starts with read = {r0..r3}, dirty = {r0..r3, d0..d3} and 3
 * misses.  After the operation, 4 new keys are stored (Store never counts
 * a miss) and then the misses to the next promotion are counted: by Go
 * 1.23 they are len(dirty) - misses, with misses as the operation left it.
 */
enum pin_op {
	PIN_LOAD_DIRTY, PIN_LOAD_READ, PIN_LOAD_ABSENT,
	PIN_LAD_DIRTY, PIN_LAD_ABSENT, PIN_LAD_READ, PIN_DELETE_DIRTY,
	PIN_CAD_DIRTY_EQUAL, PIN_CAD_DIRTY_DIFFERENT, PIN_CAD_ABSENT, PIN_CAD_READ,
	PIN_LOS_DIRTY, PIN_LOS_NEW, PIN_LOS_READ,
	PIN_CAS_DIRTY_EQUAL, PIN_CAS_DIRTY_DIFFERENT, PIN_CAS_ABSENT, PIN_CAS_READ,
	PIN_STORE_NEW, PIN_STORE_DIRTY, PIN_SWAP_NEW, PIN_SWAP_DIRTY,
	PIN_CLEAR, PIN_RANGE, PIN_MISSES_PROMOTE, NPIN
};

static const struct {
	const char *name;
	unsigned misses;           /* counted by the operation */
	unsigned to_promotion;     /* misses to the next promotion after it */
} pin[NPIN] = {
	[PIN_LOAD_DIRTY] = { "load of a dirty-only key", 1, 12 - 4 },
	[PIN_LOAD_READ] = { "load of a key in read", 0, 12 - 3 },
	[PIN_LOAD_ABSENT] = { "load of an absent key", 1, 12 - 4 },
	/* LoadAndDelete takes the key out of dirty before it counts. */
	[PIN_LAD_DIRTY] = { "load_and_delete of a dirty-only key", 1, 11 - 4 },
	[PIN_LAD_ABSENT] = { "load_and_delete of an absent key", 1, 12 - 4 },
	[PIN_LAD_READ] = { "load_and_delete of a key in read", 0, 12 - 3 },
	[PIN_DELETE_DIRTY] = { "delete of a dirty-only key", 1, 11 - 4 },
	/* CompareAndDelete leaves the key (nil) in dirty. */
	[PIN_CAD_DIRTY_EQUAL] = { "cad-equal of a dirty-only key", 1, 12 - 4 },
	[PIN_CAD_DIRTY_DIFFERENT] = { "cad-different of a dirty-only key", 1, 12 - 4 },
	[PIN_CAD_ABSENT] = { "cad of an absent key", 1, 12 - 4 },
	[PIN_CAD_READ] = { "cad of a key in read", 0, 12 - 3 },
	[PIN_LOS_DIRTY] = { "load_or_store of a dirty-only key", 1, 12 - 4 },
	[PIN_LOS_NEW] = { "load_or_store of a new key", 0, 13 - 3 },
	[PIN_LOS_READ] = { "load_or_store of a key in read", 0, 12 - 3 },
	[PIN_CAS_DIRTY_EQUAL] = { "cas-equal of a dirty-only key", 1, 12 - 4 },
	[PIN_CAS_DIRTY_DIFFERENT] = { "cas-different of a dirty-only key", 1, 12 - 4 },
	[PIN_CAS_ABSENT] = { "cas of an absent key", 0, 12 - 3 },
	[PIN_CAS_READ] = { "cas of a key in read", 0, 12 - 3 },
	[PIN_STORE_NEW] = { "store of a new key", 0, 13 - 3 },
	[PIN_STORE_DIRTY] = { "store to a dirty-only key", 0, 12 - 3 },
	[PIN_SWAP_NEW] = { "swap of a new key", 0, 13 - 3 },
	[PIN_SWAP_DIRTY] = { "swap of a dirty-only key", 0, 12 - 3 },
	/* Clear empties dirty and resets misses: dirty = the 4 new keys. */
	[PIN_CLEAR] = { "clear", 0, 4 },
	/* A promotion resets misses; the first new key copies the 8 keys
	 * of read. */
	[PIN_RANGE] = { "range (promotes)", 0, 8 + 4 },
	[PIN_MISSES_PROMOTE] = { "5 misses (promote)", 5, 8 + 4 },
};

START_TEST(test_promotion_timing)
{
	enum pin_op op = (enum pin_op)(_i % NPIN);
	syncmap_t *m = map_new(policy_of(_i / NPIN), NULL);
	struct syncmap_stats before, st;
	size_t visits = 0;
	char k[KEYBUF];
	unsigned got;
	int i;

	for (i = 0; i < 4; i++)
		syncmap_store(m, k, (size_t)sprintf(k, "r%d", i), V0);
	promote(m);
	for (i = 0; i < 4; i++)
		syncmap_store(m, k, (size_t)sprintf(k, "d%d", i), V0);
	for (i = 0; i < 3; i++)
		syncmap_load(m, "zz", 2, NULL);
	before = stats_of(m);
	ck_assert_uint_eq(before.read_slots, 4);
	ck_assert_uint_eq(before.dirty_slots, 8);
	ck_assert_uint_eq(before.misses, 3);
	switch (op) {
	case PIN_LOAD_DIRTY: ck_assert_int_eq(syncmap_load(m, "d0", 2, NULL), 1); break;
	case PIN_LOAD_READ: ck_assert_int_eq(syncmap_load(m, "r0", 2, NULL), 1); break;
	case PIN_LOAD_ABSENT: ck_assert_int_eq(syncmap_load(m, "zz", 2, NULL), 0); break;
	case PIN_LAD_DIRTY: ck_assert_int_eq(syncmap_load_and_delete(m, "d1", 2, NULL), 1); break;
	case PIN_LAD_ABSENT: ck_assert_int_eq(syncmap_load_and_delete(m, "zz", 2, NULL), 0); break;
	case PIN_LAD_READ: ck_assert_int_eq(syncmap_load_and_delete(m, "r0", 2, NULL), 1); break;
	case PIN_DELETE_DIRTY: ck_assert_int_eq(syncmap_delete(m, "d1", 2), 1); break;
	case PIN_CAD_DIRTY_EQUAL: ck_assert_int_eq(syncmap_compare_and_delete(m, "d0", 2, V0), 1); break;
	case PIN_CAD_DIRTY_DIFFERENT: ck_assert_int_eq(syncmap_compare_and_delete(m, "d0", 2, V1), 0); break;
	case PIN_CAD_ABSENT: ck_assert_int_eq(syncmap_compare_and_delete(m, "zz", 2, V0), 0); break;
	case PIN_CAD_READ: ck_assert_int_eq(syncmap_compare_and_delete(m, "r0", 2, V0), 1); break;
	case PIN_LOS_DIRTY: ck_assert_int_eq(syncmap_load_or_store(m, "d0", 2, V1, NULL), 1); break;
	case PIN_LOS_NEW: ck_assert_int_eq(syncmap_load_or_store(m, "n", 1, V1, NULL), 0); break;
	case PIN_LOS_READ: ck_assert_int_eq(syncmap_load_or_store(m, "r0", 2, V1, NULL), 1); break;
	case PIN_CAS_DIRTY_EQUAL: ck_assert_int_eq(syncmap_compare_and_swap(m, "d0", 2, V0, V1), 1); break;
	case PIN_CAS_DIRTY_DIFFERENT: ck_assert_int_eq(syncmap_compare_and_swap(m, "d0", 2, V1, V2), 0); break;
	case PIN_CAS_ABSENT: ck_assert_int_eq(syncmap_compare_and_swap(m, "zz", 2, V0, V1), 0); break;
	case PIN_CAS_READ: ck_assert_int_eq(syncmap_compare_and_swap(m, "r0", 2, V0, V1), 1); break;
	case PIN_STORE_NEW: ck_assert_int_eq(syncmap_store(m, "n", 1, V1), 0); break;
	case PIN_STORE_DIRTY: ck_assert_int_eq(syncmap_store(m, "d0", 2, V1), 0); break;
	case PIN_SWAP_NEW: ck_assert_int_eq(syncmap_swap(m, "n", 1, V1, NULL), 0); break;
	case PIN_SWAP_DIRTY: ck_assert_int_eq(syncmap_swap(m, "d0", 2, V1, NULL), 1); break;
	case PIN_CLEAR: ck_assert_int_eq(syncmap_clear(m), 0); break;
	case PIN_RANGE: ck_assert_int_eq(syncmap_range(m, count_visit, &visits), 0); break;
	case PIN_MISSES_PROMOTE:
		for (i = 0; i < 5; i++)
			ck_assert_int_eq(syncmap_load(m, "zz", 2, NULL), 0);
		break;
	default: ck_abort();
	}
	st = stats_of(m);
	ck_assert_msg(st.misses - before.misses == pin[op].misses,
	    "%s counted %llu misses, want %u", pin[op].name,
	    (unsigned long long)(st.misses - before.misses), pin[op].misses);
	ck_assert_uint_eq(st.promotions - before.promotions,
	    op == PIN_RANGE || op == PIN_MISSES_PROMOTE);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(syncmap_store(m, k, (size_t)sprintf(k, "p%d", i), V2), 0);
	ck_assert_uint_eq(stats_of(m).misses, st.misses);
	got = misses_to_promotion(m, 32);
	ck_assert_msg(got == pin[op].to_promotion,
	    "after %s: promoted after %u misses, want %u (Go 1.23: len(dirty) - misses)",
	    pin[op].name, got, pin[op].to_promotion);
	ck_assert_uint_eq(stats_of(m).compactions, 0);
	VERIFY(m);
	syncmap_destroy(m);
}
END_TEST

/*
 * SYNCMAP_BOUNDED's compaction promotes dirty early, and a promotion is a
 * promotion: the misses before it no longer count.  3 misses on a dirty of
 * 304 entries, then deletes of read's keys until a compaction; after it,
 * dirty holds only the new keys stored, and promotes after exactly as many
 * misses as it has entries.
 */
START_TEST(test_compaction_resets_misses)
{
	syncmap_t *m = map_new(SYNCMAP_BOUNDED, NULL);
	struct syncmap_stats st;
	char k[KEYBUF];
	int i;

	store_keys(m, 300, V0);
	promote(m);
	for (i = 0; i < 4; i++)
		syncmap_store(m, k, (size_t)sprintf(k, "d%d", i), V0);
	for (i = 0; i < 3; i++)
		syncmap_load(m, "zz", 2, NULL);
	for (i = 0; i < 300 && stats_of(m).compactions == 0; i++)
		ck_assert_int_eq(syncmap_delete(m, k, key_of(k, i)), 1);
	st = stats_of(m);
	ck_assert_uint_gt(st.compactions, 0);
	ck_assert_uint_eq(st.misses, 3);
	ck_assert_uint_eq(st.dirty_slots, 0);
	/* 4 new keys: the copy brings read's live keys along. */
	for (i = 0; i < 4; i++)
		syncmap_store(m, k, (size_t)sprintf(k, "p%d", i), V2);
	st = stats_of(m);
	ck_assert_uint_eq(misses_to_promotion(m, 400), st.dirty_slots);
	VERIFY(m);
	syncmap_destroy(m);
}
END_TEST

/* ---- values and keys ---------------------------------------------------- */

START_TEST(test_null_values)
{
	syncmap_t *m = map_new(policy_of(_i), NULL);
	void *v = V2;

	ck_assert_int_eq(syncmap_store(m, "n", 1, NULL), 0);
	ck_assert_int_eq(syncmap_load(m, "n", 1, &v), 1);
	ck_assert_ptr_null(v);
	promote(m);
	ck_assert_int_eq(syncmap_load(m, "n", 1, &v), 1);
	ck_assert_ptr_null(v);
	v = V2;
	ck_assert_int_eq(syncmap_load_or_store(m, "n", 1, V1, &v), 1);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(syncmap_compare_and_swap(m, "n", 1, V1, V0), 0);
	ck_assert_int_eq(syncmap_compare_and_swap(m, "n", 1, NULL, V0), 1);
	ck_assert_int_eq(syncmap_compare_and_swap(m, "n", 1, V0, NULL), 1);
	v = V2;
	ck_assert_int_eq(syncmap_swap(m, "n", 1, NULL, &v), 1);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(syncmap_compare_and_delete(m, "n", 1, V0), 0);
	ck_assert_int_eq(syncmap_compare_and_delete(m, "n", 1, NULL), 1);
	ck_assert_int_eq(syncmap_load(m, "n", 1, NULL), 0);
	v = V2;
	ck_assert_int_eq(syncmap_load_or_store(m, "n", 1, NULL, &v), 0);
	ck_assert_ptr_null(v);
	v = V2;
	ck_assert_int_eq(syncmap_load_and_delete(m, "n", 1, &v), 1);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(syncmap_swap(m, "n", 1, NULL, NULL), 0);
	ck_assert_uint_eq(stats_of(m).live, 1);
	VERIFY(m);
	syncmap_destroy(m);
}
END_TEST

START_TEST(test_keys)
{
	syncmap_t *m = map_new(policy_of(_i), NULL);
	size_t big = (size_t)1 << 20, i;
	unsigned char *k1 = malloc(big), *k2 = malloc(big);
	void *v;

	/* The empty key: (NULL, 0) and ("", 0) are one key. */
	ck_assert_int_eq(syncmap_store(m, NULL, 0, V0), 0);
	ck_assert_int_eq(syncmap_load(m, "", 0, &v), 1);
	ck_assert_ptr_eq(v, V0);
	/* Keys are bytes: NULs count, prefixes differ. */
	ck_assert_int_eq(syncmap_store(m, "a\0b", 3, V1), 0);
	ck_assert_int_eq(syncmap_load(m, "a\0c", 3, NULL), 0);
	ck_assert_int_eq(syncmap_load(m, "a", 1, NULL), 0);
	ck_assert_int_eq(syncmap_load(m, "a\0", 2, NULL), 0);
	ck_assert_int_eq(syncmap_load(m, "a\0b", 3, &v), 1);
	ck_assert_ptr_eq(v, V1);
	/* 1 MiB keys that differ in their last byte only; the map copies. */
	for (i = 0; i < big; i++)
		k1[i] = k2[i] = (unsigned char)(i * 7);
	k2[big - 1] ^= 1;
	ck_assert_int_eq(syncmap_store(m, k1, big, V0), 0);
	ck_assert_int_eq(syncmap_store(m, k2, big, V1), 0);
	memset(k1, 0, 16);
	ck_assert_int_eq(syncmap_load(m, k1, big, NULL), 0);
	for (i = 0; i < 16; i++)
		k1[i] = (unsigned char)(i * 7);
	promote(m);
	ck_assert_int_eq(syncmap_load(m, k1, big, &v), 1);
	ck_assert_ptr_eq(v, V0);
	ck_assert_int_eq(syncmap_load(m, k2, big, &v), 1);
	ck_assert_ptr_eq(v, V1);
	ck_assert_uint_ge(stats_of(m).bytes, 2 * big);
	ck_assert_int_eq(syncmap_delete(m, k1, big), 1);
	VERIFY(m);
	syncmap_destroy(m);
	free(k1);
	free(k2);
}
END_TEST

/* Enough keys to grow, copy and promote tables many times over. */
START_TEST(test_many_keys)
{
	syncmap_t *m = map_new(policy_of(_i), NULL);
	char k[KEYBUF];
	void *v;
	int i, n = 20000;

	for (i = 0; i < n; i++) {
		ck_assert_int_eq(syncmap_store(m, k, key_of(k, i),
		    (void *)(intptr_t)(i + 1)), 0);
		if (i % 97 == 0)
			syncmap_load(m, k, strlen(k), NULL);
	}
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(syncmap_load(m, k, key_of(k, i), &v), 1);
		ck_assert_ptr_eq(v, (void *)(intptr_t)(i + 1));
	}
	for (i = 0; i < n; i += 2)
		ck_assert_int_eq(syncmap_delete(m, k, key_of(k, i)), 1);
	VERIFY(m);
	ck_assert_uint_eq(stats_of(m).live, (size_t)n / 2);
	syncmap_destroy(m);
}
END_TEST

/* ---- bad arguments: -EINVAL, and the map unchanged ---------------------- */

static int
never(const void *key, size_t klen, void *value, void *arg)
{
	(void)key; (void)klen; (void)value; (void)arg;
	ck_abort_msg("callback called");
	return 0;
}

START_TEST(test_bad_arguments)
{
	syncmap_t *m = map_new(SYNCMAP_BOUNDED, NULL);
	struct syncmap_stats a, b;
	struct ref r;
	void *v = V2;

	ref_init(&r);
	syncmap_store(m, "k", 1, V0);
	r.slot[ref_slot(&r, "k", 1)].present = true;
	r.slot[ref_slot(&r, "k", 1)].value = V0;
	a = stats_of(m);
	ck_assert_int_eq(syncmap_load(NULL, "k", 1, &v), -EINVAL);
	ck_assert_int_eq(syncmap_load(m, NULL, 1, &v), -EINVAL);
	ck_assert_int_eq(syncmap_store(NULL, "k", 1, V1), -EINVAL);
	ck_assert_int_eq(syncmap_store(m, NULL, 1, V1), -EINVAL);
	ck_assert_int_eq(syncmap_load_or_store(NULL, "k", 1, V1, &v), -EINVAL);
	ck_assert_int_eq(syncmap_load_or_store(m, NULL, 5, V1, &v), -EINVAL);
	ck_assert_int_eq(syncmap_load_and_delete(NULL, "k", 1, &v), -EINVAL);
	ck_assert_int_eq(syncmap_load_and_delete(m, NULL, 1, &v), -EINVAL);
	ck_assert_int_eq(syncmap_delete(NULL, "k", 1), -EINVAL);
	ck_assert_int_eq(syncmap_delete(m, NULL, 1), -EINVAL);
	ck_assert_int_eq(syncmap_swap(NULL, "k", 1, V1, &v), -EINVAL);
	ck_assert_int_eq(syncmap_swap(m, NULL, 1, V1, &v), -EINVAL);
	ck_assert_int_eq(syncmap_compare_and_swap(NULL, "k", 1, V0, V1), -EINVAL);
	ck_assert_int_eq(syncmap_compare_and_swap(m, NULL, 1, V0, V1), -EINVAL);
	ck_assert_int_eq(syncmap_compare_and_delete(NULL, "k", 1, V0), -EINVAL);
	ck_assert_int_eq(syncmap_compare_and_delete(m, NULL, 1, V0), -EINVAL);
	ck_assert_int_eq(syncmap_range(NULL, never, NULL), -EINVAL);
	ck_assert_int_eq(syncmap_range(m, NULL, NULL), -EINVAL);
	ck_assert_int_eq(syncmap_clear(NULL), -EINVAL);
	ck_assert_int_eq(syncmap_stats(NULL, &b), -EINVAL);
	ck_assert_int_eq(syncmap_stats(m, NULL), -EINVAL);
	ck_assert_ptr_eq(v, V2);
	b = stats_of(m);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	ref_compare(&r, m);
	syncmap_destroy(m);
	syncmap_destroy(NULL);
}
END_TEST

static void *
some_malloc(size_t size, void *ctx)
{
	(void)ctx;
	return malloc(size);
}

START_TEST(test_create_errors)
{
	struct syncmap_allocator half = { some_malloc, NULL, NULL };
	struct syncmap_options o = { .policy = (enum syncmap_policy)7 };
	struct counting c;

	errno = 0;
	ck_assert_ptr_null(syncmap_create(&o));
	ck_assert_int_eq(errno, EINVAL);
	o.policy = SYNCMAP_CLASSIC;
	o.allocator = &half;
	errno = 0;
	ck_assert_ptr_null(syncmap_create(&o));
	ck_assert_int_eq(errno, EINVAL);
	counting_init(&c);
	counting_fail_in(&c, 1);
	o.allocator = &c.a;
	errno = 0;
	ck_assert_ptr_null(syncmap_create(&o));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(counting_outstanding(&c), 0);
	syncmap_destroy(syncmap_create(NULL));
}
END_TEST

/* ---- Range and Clear ------------------------------------------------------ */

struct stopper {
	int after;
	int seen;
};

static int
stop_after(const void *key, size_t klen, void *value, void *arg)
{
	struct stopper *s = arg;

	(void)key; (void)klen; (void)value;
	return ++s->seen == s->after ? 42 : 0;
}

START_TEST(test_range_stops)
{
	syncmap_t *m = map_new(SYNCMAP_BOUNDED, NULL);
	struct stopper s = { .after = 3 };

	store_keys(m, 10, V0);
	ck_assert_int_eq(syncmap_range(m, stop_after, &s), 42);
	ck_assert_int_eq(s.seen, 3);
	s.after = 100;
	s.seen = 0;
	ck_assert_int_eq(syncmap_range(m, stop_after, &s), 0);
	ck_assert_int_eq(s.seen, 10);
	syncmap_destroy(m);
}
END_TEST

static int
delete_first(const void *key, size_t klen, void *value, void *arg)
{
	(void)value;
	ck_assert_int_eq(syncmap_delete(arg, key, klen), 1);
	return 1;
}

/*
 * Go's AdversarialDelete deletes the first key Range shows it and stores a
 * new one.  Walked from slot 0, that empties the start of a linear-probing
 * table and packs the keys into one run at its end (a run of 511 slots
 * here), where every lookup of an absent key walks the whole run; walked
 * from a random slot, runs are still eaten from their heads (189).  Range
 * meets first a key chosen about uniformly (lib/table.h, table_walk), which
 * keeps the longest run near what random placement gives (10 to 40).
 */
START_TEST(test_range_first_key_churn)
{
	syncmap_t *m = map_new(SYNCMAP_CLASSIC, NULL);
	struct syncmap_stats st;
	char k[KEYBUF];
	size_t run;
	long i;

	store_keys(m, 512, V0);
	for (i = 512; i < 20512; i++) {
		ck_assert_int_eq(syncmap_range(m, delete_first, m), 1);
		syncmap_store(m, k, key_of(k, i), V0);
	}
	ck_assert_int_eq(syncmap_range(m, stop_after, &(struct stopper){ .after = -1 }), 0);
	ck_assert_int_eq(syncmap_stats(m, &st), 0);
	ck_assert_uint_eq(st.live, 512);
	run = syncmap__longest_run(m);
	printf("check_ops: longest run of read after 20000 delete-first rounds: %zu slots\n", run);
	ck_assert_uint_lt(run, 100);
	syncmap_destroy(m);
}
END_TEST

/* Every operation, and Range itself, from inside a range callback. */
struct nest {
	syncmap_t *m;
	int depth;
	size_t visits;
};

static int
nested(const void *key, size_t klen, void *value, void *arg)
{
	struct nest *n = arg;
	struct nest inner = { .m = n->m, .depth = n->depth + 1 };
	char k2[64];
	void *v;

	n->visits++;
	ck_assert_int_eq(syncmap_load(n->m, key, klen, &v), 1);
	ck_assert_ptr_eq(v, value);
	ck_assert_int_eq(syncmap_swap(n->m, key, klen, V1, &v), 1);
	ck_assert_int_eq(syncmap_compare_and_swap(n->m, key, klen, V1, value), 1);
	ck_assert_int_eq(syncmap_load_or_store(n->m, "new", 3, V2, NULL) >= 0, 1);
	ck_assert_int_eq(syncmap_store(n->m, "tmp", 3, V2), 0);
	ck_assert_int_eq(syncmap_load_and_delete(n->m, "tmp", 3, &v), 1);
	ck_assert_ptr_eq(v, V2);
	ck_assert_int_eq(syncmap_compare_and_delete(n->m, "new", 3, V2), 1);
	memcpy(k2, key, klen < 60 ? klen : 60);
	memcpy(k2 + (klen < 60 ? klen : 60), "-x", 2);
	ck_assert_int_eq(syncmap_store(n->m, k2, (klen < 60 ? klen : 60) + 2, V0), 0);
	ck_assert_int_eq(syncmap_delete(n->m, k2, (klen < 60 ? klen : 60) + 2), 1);
	if (n->depth < 2)
		ck_assert_int_eq(syncmap_range(n->m, nested, &inner), 0);
	return 0;
}

START_TEST(test_range_nested_everything)
{
	syncmap_t *m = map_new(policy_of(_i), NULL);
	struct nest n = { .m = m };
	char k[KEYBUF];
	int i;

	for (i = 0; i < 5; i++)
		syncmap_store(m, k, key_of(k, i), (void *)(intptr_t)(i + 1));
	ck_assert_int_eq(syncmap_range(m, nested, &n), 0);
	ck_assert_uint_eq(n.visits, 5);
	for (i = 0; i < 5; i++) {
		void *v;

		ck_assert_int_eq(syncmap_load(m, k, key_of(k, i), &v), 1);
		ck_assert_ptr_eq(v, (void *)(intptr_t)(i + 1));
	}
	VERIFY(m);
	syncmap_destroy(m);
}
END_TEST

static int
clear_inside(const void *key, size_t klen, void *value, void *arg)
{
	syncmap_t *m = arg;

	(void)value;
	ck_assert_int_eq(syncmap_clear(m), 0);
	/* The snapshot being walked is still readable; the map is empty. */
	ck_assert_int_eq(syncmap_load(m, key, klen, NULL), 0);
	ck_assert_int_eq(syncmap_store(m, "after", 5, V2), 0);
	return 0;
}

START_TEST(test_range_clears)
{
	syncmap_t *m = map_new(policy_of(_i), NULL);

	store_keys(m, 20, V0);
	promote(m);
	ck_assert_int_eq(syncmap_range(m, clear_inside, m), 0);
	ck_assert_uint_eq(stats_of(m).live, 1);
	VERIFY(m);
	syncmap_destroy(m);
}
END_TEST

START_TEST(test_clear)
{
	syncmap_t *m = map_new(policy_of(_i), NULL);
	struct syncmap_stats st;
	char k[KEYBUF];
	int i;

	ck_assert_int_eq(syncmap_clear(m), 0);
	store_keys(m, 100, V0);
	promote(m);
	for (i = 0; i < 50; i++)
		syncmap_delete(m, k, key_of(k, i));
	syncmap_store(m, "new", 3, V1);         /* copy: expunges 0..49 */
	ck_assert_int_eq(syncmap_clear(m), 0);
	st = stats_of(m);
	ck_assert_uint_eq(st.live, 0);
	ck_assert_uint_eq(st.read_slots, 0);
	ck_assert_uint_eq(st.dirty_slots, 0);
	ck_assert_uint_eq(st.dead_entries, 0);
	ck_assert_uint_eq(st.expunged, 0);
	VERIFY(m);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(syncmap_load(m, k, key_of(k, i), NULL), 0);
	ck_assert_int_eq(syncmap_store(m, "new", 3, V1), 0);
	ck_assert_int_eq(syncmap_load(m, "new", 3, NULL), 1);
	/* Go keeps the cleared dirty map: no copy for the next new key. */
	ck_assert_uint_eq(stats_of(m).dirty_copies, st.dirty_copies);
	VERIFY(m);
	syncmap_destroy(m);
}
END_TEST

/* ---- ports of Go's src/sync/map_test.go ------------------------------------ */

/* TestMapRangeNestedCall (Go issue 46399). */
static syncmap_t *nested_m;

static int
go_nested_inner(const void *key, size_t klen, void *value, void *arg)
{
	void *v;

	(void)arg;
	ck_assert_int_eq(syncmap_load(nested_m, key, klen, &v), 1);
	ck_assert_ptr_eq(v, value);
	ck_assert_int_eq(syncmap_load_or_store(nested_m, "42", 2, (void *)"dummy", NULL), 0);
	ck_assert_int_eq(syncmap_store(nested_m, "42", 2, (void *)"sync.Map"), 0);
	ck_assert_int_eq(syncmap_load_and_delete(nested_m, "42", 2, &v), 1);
	ck_assert_str_eq(v, "sync.Map");
	return 0;
}

static int
go_nested_outer(const void *key, size_t klen, void *value, void *arg)
{
	(void)value; (void)arg;
	ck_assert_int_eq(syncmap_range(nested_m, go_nested_inner, NULL), 0);
	syncmap_delete(nested_m, key, klen);
	return 0;
}

START_TEST(test_go_range_nested_call)
{
	static const char *words[3] = { "hello", "world", "Go" };
	size_t n = 0;
	int i;

	nested_m = map_new(policy_of(_i), NULL);
	for (i = 0; i < 3; i++)
		syncmap_store(nested_m, &i, sizeof(i), (void *)words[i]);
	ck_assert_int_eq(syncmap_range(nested_m, go_nested_outer, NULL), 0);
	ck_assert_int_eq(syncmap_range(nested_m, count_visit, &n), 0);
	ck_assert_uint_eq(n, 0);
	syncmap_destroy(nested_m);
}
END_TEST

/* TestCompareAndSwap_NonExistingKey (Go issue 51972). */
START_TEST(test_go_cas_non_existing_key)
{
	syncmap_t *m = map_new(SYNCMAP_CLASSIC, NULL);

	ck_assert_int_eq(syncmap_compare_and_swap(m, &m, sizeof(m), NULL, (void *)42), 0);
	ck_assert_int_eq(syncmap_load(m, &m, sizeof(m), NULL), 0);
	syncmap_destroy(m);
}
END_TEST

/* TestMapRangeNoAllocations (Go issue 62404), and the same for Clear. */
START_TEST(test_go_range_no_allocations)
{
	struct counting c;
	syncmap_t *m;
	size_t allocs;
	int i;

	counting_init(&c);
	m = map_new(policy_of(_i), &c);
	allocs = atomic_load(&c.allocs);
	for (i = 0; i < 10; i++) {
		ck_assert_int_eq(syncmap_range(m, never, NULL), 0);
		ck_assert_int_eq(syncmap_clear(m), 0);
	}
	ck_assert_uint_eq(atomic_load(&c.allocs), allocs);
	/* And once it held keys and was cleared. */
	syncmap_store(m, "k", 1, V0);
	syncmap_clear(m);
	allocs = atomic_load(&c.allocs);
	for (i = 0; i < 10; i++) {
		ck_assert_int_eq(syncmap_range(m, never, NULL), 0);
		ck_assert_int_eq(syncmap_clear(m), 0);
	}
	ck_assert_uint_eq(atomic_load(&c.allocs), allocs);
	DESTROY_ALL_FREED(m, &c);
}
END_TEST

/* TestMapDelete and TestMapClear. */
START_TEST(test_go_delete_and_clear)
{
	syncmap_t *m = map_new(SYNCMAP_CLASSIC, NULL);
	void *v;

	syncmap_store(m, "go", 2, V0);
	ck_assert_int_eq(syncmap_load(m, "go", 2, &v), 1);
	ck_assert_ptr_eq(v, V0);
	syncmap_delete(m, "go", 2);
	v = NULL;
	ck_assert_int_eq(syncmap_load(m, "go", 2, &v), 0);
	ck_assert_ptr_null(v);
	syncmap_store(m, "go", 2, V1);
	syncmap_clear(m);
	ck_assert_int_eq(syncmap_load(m, "go", 2, NULL), 0);
	syncmap_store(m, "go", 2, V1);
	ck_assert_int_eq(syncmap_load(m, "go", 2, &v), 1);
	ck_assert_ptr_eq(v, V1);
	syncmap_destroy(m);
}
END_TEST

/*
 * TestIssue40999: keys stored and deleted one after another must not leak
 * through the delete path.  Go checks with finalizers; here the map's own
 * footprint must stay flat while 100000 distinct keys go through it.
 */
START_TEST(test_go_issue_40999)
{
	syncmap_t *m = map_new(policy_of(_i), NULL);
	struct syncmap_stats st;
	size_t i;

	syncmap_store(m, NULL, 0, V0);
	for (i = 0; i < 100000; i++) {
		ck_assert_int_eq(syncmap_store(m, &i, sizeof(i), V1), 0);
		ck_assert_int_eq(syncmap_delete(m, &i, sizeof(i)), 1);
	}
	st = stats_of(m);
	ck_assert_uint_eq(st.live, 1);
	ck_assert_uint_le(st.read_slots + st.dirty_slots, 4);
	ck_assert_uint_le(st.bytes, 4096);
	VERIFY(m);
	syncmap_destroy(m);
}
END_TEST

/* lib/hash.h calls XXH3's short path itself for keys of up to 16 bytes:
 * every length, on either side of 16, must hash as XXH3 itself does, or
 * keys hashed in one place would not be found from another. */
START_TEST(test_hash_short_path)
{
	unsigned char key[40];
	uint64_t seeds[] = { 0, 1, 0x9e3779b97f4a7c15u, UINT64_MAX };
	size_t i, n;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i * 37 + 11);
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		for (n = 0; n <= sizeof(key); n++)
			ck_assert_msg(syncmap__hash(seeds[i], key, n) ==
			    XXH3_64bits_withSeed(key, n, seeds[i]),
			    "length %zu, seed %zu", n, i);
}
END_TEST

/* ---- hash flooding: a seed of its own for every map -------------------- */

START_TEST(test_maps_hash_differently)
{
	enum { MAPS = 64 };
	syncmap_t *m[MAPS];
	uint64_t h[MAPS];
	int i, j, same_bits = 0;

	for (i = 0; i < MAPS; i++) {
		m[i] = map_new(SYNCMAP_BOUNDED, NULL);
		h[i] = syncmap__hash_of(m[i], "key", 3);
		/* A map hashes the same key the same way every time. */
		ck_assert_uint_eq(syncmap__hash_of(m[i], "key", 3), h[i]);
	}
	/* Across maps, the hashes of one key look independent: all distinct,
	 * and the low bits that pick the slot agree no more than by chance. */
	for (i = 0; i < MAPS; i++)
		for (j = i + 1; j < MAPS; j++) {
			ck_assert_msg(h[i] != h[j], "maps %d and %d share a seed", i, j);
			same_bits += (h[i] & 1023) == (h[j] & 1023);
		}
	ck_assert_int_le(same_bits, 20);
	for (i = 0; i < MAPS; i++)
		syncmap_destroy(m[i]);
}
END_TEST

SUITE("ops", "single-threaded", 60,
	{ test_state_matrix, NSTATES * NOPS },
	{ test_promotion_points, 1 },
	{ test_load_and_delete_dirty_only, 1 },
	{ test_clear_resets_misses, 2 },
	{ test_promotion_timing, 2 * NPIN },
	{ test_compaction_resets_misses, 1 },
	{ test_null_values, 2 },
	{ test_keys, 2 },
	{ test_many_keys, 2 },
	{ test_bad_arguments, 1 },
	{ test_create_errors, 1 },
	{ test_range_stops, 1 },
	{ test_range_first_key_churn, 1 },
	{ test_range_nested_everything, 2 },
	{ test_range_clears, 2 },
	{ test_clear, 2 },
	{ test_go_range_nested_call, 2 },
	{ test_go_cas_non_existing_key, 1 },
	{ test_go_range_no_allocations, 2 },
	{ test_go_delete_and_clear, 1 },
	{ test_go_issue_40999, 2 },
	{ test_hash_short_path, 1 },
	{ test_maps_hash_differently, 1 })
