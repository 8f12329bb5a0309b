/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * replay.c - replays an operation file (shared/peers/go-trace's format:
 * "OP KEY VALUE" per line, OP one of load store los lad delete range) on a
 * SYNCMAP_CLASSIC map and prints, after every operation, what
 * go-syncmap-trace prints for Go's own sync.Map:
 *   OP KEY | RESULT | read_slots dirty_slots expunged dead live
 * so that the two outputs can be compared line for line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syncmap.h"

static int
count(const void *key, size_t klen, void *value, void *arg)
{
	(void)key; (void)klen; (void)value;
	++*(long *)arg;
	return 0;
}

/* Go prints (value, ok) pairs as "ok value", and a missing value as <nil>. */
static void
result(char *out, size_t n, int found, void *v)
{
	if (found)
		snprintf(out, n, "true %" PRIdPTR, (intptr_t)v);
	else
		snprintf(out, n, "false <nil>");
}

int
main(void)
{
	struct syncmap_options o = { .policy = SYNCMAP_CLASSIC };
	syncmap_t *m = syncmap_create(&o);
	struct syncmap_stats st;
	char line[256], op[16], key[64], res[64];
	long value, n;
	void *v;
	int rc;

	if (m == NULL) {
		perror("syncmap_create");
		return 1;
	}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (sscanf(line, "%15s %63s %ld", op, key, &value) != 3) {
			fprintf(stderr, "replay: bad line: %s", line);
			return 2;
		}
		res[0] = '\0';
		v = NULL;
		if (strcmp(op, "load") == 0) {
			rc = syncmap_load(m, key, strlen(key), &v);
			result(res, sizeof(res), rc, v);
		} else if (strcmp(op, "store") == 0) {
			rc = syncmap_store(m, key, strlen(key), (void *)(intptr_t)value);
		} else if (strcmp(op, "los") == 0) {
			rc = syncmap_load_or_store(m, key, strlen(key), (void *)(intptr_t)value, &v);
			snprintf(res, sizeof(res), "%s %" PRIdPTR, rc == 1 ? "true" : "false", (intptr_t)v);
		} else if (strcmp(op, "lad") == 0) {
			rc = syncmap_load_and_delete(m, key, strlen(key), &v);
			result(res, sizeof(res), rc, v);
		} else if (strcmp(op, "delete") == 0) {
			rc = syncmap_delete(m, key, strlen(key));
		} else if (strcmp(op, "range") == 0) {
			n = 0;
			rc = syncmap_range(m, count, &n);
			snprintf(res, sizeof(res), "%ld", n);
		} else {
			fprintf(stderr, "replay: unknown op %s\n", op);
			return 2;
		}
		if (rc < 0 || syncmap_stats(m, &st) != 0) {
			fprintf(stderr, "replay: %s %s failed: %d\n", op, key, rc);
			return 1;
		}
		printf("%s %s | %s | %zu %zu %zu %zu %zu\n", op, key, res,
		    st.read_slots, st.dirty_slots, st.expunged, st.dead_entries, st.live);
	}
	syncmap_destroy(m);
	return 0;
}
