/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The header from strict C11: every function of both kinds, compiled with
 * -std=c11 -pedantic and extra warnings (typed.test), and run.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <syncmap_typed.h>

struct flow {
	uint32_t addr;
	uint16_t port, proto;
};

enum state { IDLE, ACTIVE };

SYNCMAP_DEFINE_TYPED(flows, struct flow, enum state);
SYNCMAP_DEFINE_STRKEY(names, short);

#define CHECK(cond) do {                                                \
	if (!(cond)) {                                                  \
		fprintf(stderr, "c11.c:%d: %s\n", __LINE__, #cond);     \
		return 1;                                               \
	}                                                               \
} while (0)

static int
flows_count(struct flow key, enum state value, void *arg)
{
	(void)key;
	*(int *)arg += value == ACTIVE;
	return 0;
}

static int
names_sum(const char *key, short value, void *arg)
{
	*(long *)arg += value * (long)(strlen(key) + 1);
	return 0;
}

/* The usual ways of reading an out-pointer, into variables with no
 * initialiser: typed.test compiles this at -O2, where GCC would warn if
 * the header hid from it when they are written. */
static int
out_pointers(names_t *nm)
{
	short v, p, a, d;
	int rc;

	if (names_load(nm, "ab", &v) == 1 && v != -2)
		return 1;
	if (names_swap(nm, "ab", -2, &p) > 0 && p != -2)
		return 1;
	if (names_load_or_store(nm, "ab", 0, &a) >= 0 && a != -2)
		return 1;
	if ((rc = names_load_and_delete(nm, "ab", &d)) < 0 || rc == 0)
		return 1;
	return d != -2;
}

int
main(void)
{
	struct syncmap_stats st;
	struct flow f = { 0x7f000001u, 80, 6 }, g = { 0x7f000001u, 443, 6 };
	flows_t *fm = flows_create(NULL);
	names_t *nm = names_create(NULL);
	enum state s = IDLE;
	short v = 0;
	long sum = 0;
	int active = 0;

	CHECK(fm != NULL && nm != NULL);
	CHECK(flows_store(fm, f, IDLE) == 0);
	CHECK(flows_load_or_store(fm, g, ACTIVE, &s) == 0 && s == ACTIVE);
	CHECK(flows_compare_and_swap(fm, f, IDLE, ACTIVE) == 1);
	CHECK(flows_swap(fm, f, IDLE, &s) == 1 && s == ACTIVE);
	CHECK(flows_load(fm, f, &s) == 1 && s == IDLE);
	CHECK(flows_range(fm, flows_count, &active) == 0 && active == 1);
	CHECK(flows_compare_and_delete(fm, g, IDLE) == 0);
	CHECK(flows_load_and_delete(fm, g, &s) == 1 && s == ACTIVE);
	CHECK(flows_delete(fm, f) == 1);
	CHECK(flows_stats(fm, &st) == 0 && st.live == 0);

	CHECK(names_store(nm, "", -1) == 0);
	CHECK(names_store(nm, "ab", -2) == 0);
	CHECK(names_load(nm, "ab", &v) == 1 && v == -2);
	CHECK(names_load(nm, NULL, &v) == -EINVAL);
	CHECK(names_range(nm, names_sum, &sum) == 0 && sum == -1 * 1 + -2 * 3);
	{
		names_iter_t it;
		const char *key;
		long loop_sum = 0;

		names_iter_begin(nm, &it);
		while (names_iter_next(&it, &key, &v))
			loop_sum += v * (long)(strlen(key) + 1);
		names_iter_end(&it);
		CHECK(loop_sum == sum);
	}
	CHECK(out_pointers(nm) == 0);
	CHECK(names_clear(nm) == 0 && names_load(nm, "", NULL) == 0);
	flows_destroy(fm);
	names_destroy(nm);
	puts("c11: ok");
	return 0;
}
