/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_ops.c - libFuzzer harness: the input is a sequence of operations,
 * each checked against a model map as it runs.
 *
 * Byte 0 picks the policy and a capacity hint.  Then every three bytes are
 * one operation: an opcode, a key index (16 keys of 0 to 15 bytes, NUL
 * bytes included) and a value index (8 values, NULL included).  One
 * opcode runs a syncmap_iter loop, whose body (picked by the value byte)
 * deletes the current key, deletes the operation's key, clears the map or
 * breaks off, each checked against the model as it goes.  One
 * opcode makes the map's next allocation fail, so that -ENOMEM paths are
 * fuzzed too: the failing call must leave the model's view intact.  The
 * map's internal self-check runs every 16 operations, and at the end the
 * allocator must be back to zero.
 *
 * Build and run: fuzz/run.sh [SECONDS]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syncmap.h"
#include "debug.h"

#define NKEYS 16
#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "fuzz_ops: %s at op %zu\n", #cond, step); abort(); } } while (0)

static size_t outstanding, fail_next;

static void *
fuzz_malloc(size_t size, void *ctx)
{
	size_t *bytes = ctx;
	void *p;

	if (fail_next) {
		fail_next = 0;
		return NULL;
	}
	if ((p = malloc(size)) != NULL)
		*bytes += size;
	return p;
}

static void
fuzz_free(void *p, size_t size, void *ctx)
{
	*(size_t *)ctx -= size;
	free(p);
}

struct model {
	int present[NKEYS];
	void *value[NKEYS];
	int seen[NKEYS];
	size_t step;
};

static void
key_of(unsigned i, unsigned char *k, size_t *klen)
{
	unsigned j;

	*klen = i;                              /* key i has i bytes */
	for (j = 0; j < i; j++)
		k[j] = (unsigned char)((i * 7 + j) % 3);
}

static int
visit(const void *key, size_t klen, void *value, void *arg)
{
	struct model *md = arg;
	size_t step = md->step;

	CHECK(klen < NKEYS);
	CHECK(md->present[klen] && md->value[klen] == value && !md->seen[klen]);
	(void)key;
	md->seen[klen] = 1;
	return 0;
}

/*
 * A loop over the map.  mode 0 only looks, 1 deletes each key it is shown,
 * 2 deletes key ki at the first visit, 3 clears the map at the first
 * visit; after stop keys (0: never) it breaks off.  Each key yielded must
 * be present in the model, with its value, and not yielded before; a loop
 * that ran to the end must have yielded every key still present.
 */
static void
iterate(syncmap_t *m, struct model *md, unsigned ki, unsigned mode,
        unsigned stop)
{
	syncmap_iter_t it;
	unsigned char k[NKEYS];
	const void *key;
	size_t klen, step = md->step, n = 0;
	void *v;
	int ended = 1;

	memset(md->seen, 0, sizeof(md->seen));
	syncmap_iter_begin(m, &it);
	while (syncmap_iter_next(&it, &key, &klen, &v)) {
		CHECK(klen < NKEYS);
		key_of((unsigned)klen, k, &klen);
		CHECK(memcmp(key, k, klen) == 0);
		CHECK(md->present[klen] && md->value[klen] == v && !md->seen[klen]);
		md->seen[klen] = 1;
		if (mode == 1) {
			CHECK(syncmap_delete(m, key, klen) == 1);
			md->present[klen] = 0;
		} else if (mode == 2 && n == 0) {
			key_of(ki, k, &klen);
			CHECK(syncmap_delete(m, k, klen) == md->present[ki]);
			md->present[ki] = 0;
		} else if (mode == 3 && n == 0) {
			CHECK(syncmap_clear(m) == 0);
			memset(md->present, 0, sizeof(md->present));
		}
		if (++n == stop) {
			ended = 0;
			break;
		}
	}
	CHECK(!ended || syncmap_iter_next(&it, NULL, NULL, NULL) == 0);
	syncmap_iter_end(&it);
	for (klen = 0; ended && klen < NKEYS; klen++)
		CHECK(md->seen[klen] || !md->present[klen]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static void *const values[8] = {
		NULL, (void *)0x10, (void *)0x20, (void *)0x30,
		(void *)0x40, (void *)0x50, (void *)0x60, (void *)0x70,
	};
	struct syncmap_allocator a = { fuzz_malloc, fuzz_free, &outstanding };
	struct syncmap_options o = { .allocator = &a };
	struct model md = { 0 };
	unsigned char k[NKEYS];
	size_t step = 0, klen, i, live;
	syncmap_t *m;
	void *got;
	int rc;

	if (size < 1)
		return 0;
	o.policy = data[0] & 1 ? SYNCMAP_CLASSIC : SYNCMAP_BOUNDED;
	o.capacity_hint = (size_t)(data[0] >> 1);
	fail_next = 0;
	if ((m = syncmap_create(&o)) == NULL)
		abort();
	for (i = 1; i + 3 <= size; i += 3, step++) {
		unsigned op = data[i] % 14, ki = data[i + 1] % NKEYS;
		void *v = values[data[i + 2] % 8], *cur = md.value[ki];
		int present = md.present[ki];

		key_of(ki, k, &klen);
		got = (void *)0x5a5a;
		switch (op) {
		case 0:
			CHECK(syncmap_load(m, k, klen, &got) == present);
			CHECK(!present || got == cur);
			break;
		case 1:
			rc = syncmap_store(m, k, klen, v);
			CHECK(rc == 0 || rc == -ENOMEM);
			if (rc == 0) {
				md.present[ki] = 1;
				md.value[ki] = v;
			}
			break;
		case 2:
			rc = syncmap_load_or_store(m, k, klen, v, &got);
			CHECK(rc == present || rc == -ENOMEM);
			if (rc >= 0) {
				CHECK(got == (present ? cur : v));
				md.present[ki] = 1;
				md.value[ki] = present ? cur : v;
			}
			break;
		case 3:
			CHECK(syncmap_load_and_delete(m, k, klen, &got) == present);
			CHECK(!present || got == cur);
			md.present[ki] = 0;
			break;
		case 4:
			CHECK(syncmap_delete(m, k, klen) == present);
			md.present[ki] = 0;
			break;
		case 5:
			rc = syncmap_swap(m, k, klen, v, &got);
			CHECK(rc == present || rc == -ENOMEM);
			if (rc >= 0) {
				CHECK(!present || got == cur);
				md.present[ki] = 1;
				md.value[ki] = v;
			}
			break;
		case 6:
		case 7:
			/* Half of these compare with the current value. */
			rc = syncmap_compare_and_swap(m, k, klen, op == 6 ? cur : v, values[(data[i + 2] + 1) % 8]);
			CHECK(rc == (present && cur == (op == 6 ? cur : v)));
			if (rc == 1)
				md.value[ki] = values[(data[i + 2] + 1) % 8];
			break;
		case 8:
		case 9:
			rc = syncmap_compare_and_delete(m, k, klen, op == 8 ? cur : v);
			CHECK(rc == (present && cur == (op == 8 ? cur : v)));
			if (rc == 1)
				md.present[ki] = 0;
			break;
		case 10:
			memset(md.seen, 0, sizeof(md.seen));
			md.step = step;
			CHECK(syncmap_range(m, visit, &md) == 0);
			for (live = 0, klen = 0; klen < NKEYS; klen++)
				CHECK(md.seen[klen] == md.present[klen]);
			break;
		case 11:
			CHECK(syncmap_clear(m) == 0);
			memset(md.present, 0, sizeof(md.present));
			break;
		case 13:
			md.step = step;
			iterate(m, &md, ki, data[i + 2] % 4, data[i + 2] / 4 % 8);
			break;
		default:
			fail_next = 1;                  /* the next allocation fails */
		}
		if (step % 16 == 0)
			CHECK(syncmap__verify(m) == NULL);
	}
	fail_next = 0;
	CHECK(syncmap__verify(m) == NULL);
	{
		struct syncmap_stats st;

		CHECK(syncmap_stats(m, &st) == 0);
		for (live = 0, i = 0; i < NKEYS; i++)
			live += (size_t)md.present[i];
		CHECK(st.live == live);
		CHECK(st.bytes == outstanding);
	}
	syncmap_destroy(m);
	CHECK(outstanding == 0);
	return 0;
}
