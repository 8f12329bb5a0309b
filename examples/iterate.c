/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * iterate.c - a session table swept with a loop while a thread adds to it.
 *
 * A login thread keeps opening sessions; the main thread sweeps the
 * table with syncmap_iter, deleting the expired sessions as it meets them,
 * and looks a user up with a loop that returns from the middle.  Neither
 * needs a callback or a struct to carry its state, and deleting inside
 * the loop is allowed: each key is still seen at most once, and a session
 * that neither thread touches is always seen.
 *
 *   cc iterate.c $(pkg-config --cflags --libs syncmap) -pthread
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <syncmap.h>

#define LOGINS 2000

static syncmap_t *sessions;     /* "s<id>" -> expiry tick */
static _Atomic long tick;

static void *
logins(void *arg)
{
	char key[16];
	long id;

	(void)arg;
	for (id = 0; id < LOGINS; id++) {
		/* A session lives 100 ticks; values are plain integers. */
		uintptr_t expires = (uintptr_t)(++tick + 100);
		int n = snprintf(key, sizeof(key), "s%ld", id);

		if (syncmap_store(sessions, key, (size_t)n, (void *)expires) != 0)
			return NULL;
	}
	return NULL;
}

/* Deletes every session expired by now; returns how many it deleted. */
static long
sweep(long now)
{
	syncmap_iter_t it;
	const void *key;
	size_t klen;
	void *expires;
	long deleted = 0;

	syncmap_iter_begin(sessions, &it);
	while (syncmap_iter_next(&it, &key, &klen, &expires))
		if ((long)(uintptr_t)expires <= now &&
		    syncmap_delete(sessions, key, klen) == 1)
			deleted++;
	syncmap_iter_end(&it);
	return deleted;
}

/* Some live session whose key starts with prefix, copied into out; 0 if
 * there is none.  The loop breaks off as soon as it finds one. */
static int
find(const char *prefix, char *out, size_t size)
{
	syncmap_iter_t it;
	const void *key;
	size_t klen, plen = strlen(prefix);
	int found = 0;

	syncmap_iter_begin(sessions, &it);
	while (syncmap_iter_next(&it, &key, &klen, NULL)) {
		if (klen >= plen && klen < size && memcmp(key, prefix, plen) == 0) {
			memcpy(out, key, klen);     /* valid until the next call */
			out[klen] = '\0';
			found = 1;
			break;
		}
	}
	syncmap_iter_end(&it);      /* required after a break too */
	return found;
}

int
main(void)
{
	pthread_t t;
	long swept = 0, left = 0;
	char who[16];
	syncmap_iter_t it;

	if ((sessions = syncmap_create(NULL)) == NULL)
		return 1;
	if (pthread_create(&t, NULL, logins, NULL) != 0)
		return 1;
	while (tick < LOGINS)
		swept += sweep(tick);
	pthread_join(t, NULL);
	swept += sweep(tick);

	/* The last 100 sessions have not expired. */
	syncmap_iter_begin(sessions, &it);
	while (syncmap_iter_next(&it, NULL, NULL, NULL))
		left++;
	syncmap_iter_end(&it);
	printf("%ld sessions opened, %ld swept as they expired, %ld live\n",
	    (long)LOGINS, swept, left);
	if (swept + left != LOGINS || left != 100 || !find("s19", who, sizeof(who))) {
		fprintf(stderr, "iterate: the sweep lost or kept the wrong sessions\n");
		return 1;
	}
	printf("a live session: %s\n", who);
	syncmap_destroy(sessions);
	return 0;
}
