/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * set.c - a concurrent set built on syncmap_load_or_store.
 *
 * Two threads split a list of words and insert them into one set; the
 * first to insert a word is the one that counts it, whatever the order of
 * the threads.  Values are unused (NULL): the keys are the set.
 *
 *   cc set.c $(pkg-config --cflags --libs syncmap) -pthread
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <syncmap.h>

static const char *text =
    "the quick brown fox jumps over the lazy dog and the dog sleeps while "
    "the fox runs over the hill and over the river to the quick brown hare";

static syncmap_t *set;

struct half {
	int part;
	long added;
};

/* Adds every word of text whose index has the parity of h->part. */
static void *
insert_words(void *arg)
{
	struct half *h = arg;
	const char *p = text;
	int i = 0;

	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (i++ % 2 == h->part && syncmap_load_or_store(set, p, n, NULL, NULL) == 0)
			h->added++;
		p += n;
		p += strspn(p, " ");
	}
	return NULL;
}

static int
print_word(const void *key, size_t klen, void *value, void *arg)
{
	(void)value;
	++*(int *)arg;
	printf(" %.*s", (int)klen, (const char *)key);
	return 0;
}

int
main(void)
{
	struct half h[2] = { { 0, 0 }, { 1, 0 } };
	pthread_t t[2];
	int i, n = 0;

	if ((set = syncmap_create(NULL)) == NULL) {
		perror("syncmap_create");
		return 1;
	}
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, insert_words, &h[i]);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("set:");
	syncmap_range(set, print_word, &n);
	printf("\nset: %d distinct words, added %ld + %ld by the two threads\n",
	    n, h[0].added, h[1].added);
	syncmap_destroy(set);
	return n == 16 && h[0].added + h[1].added == 16 ? 0 : 1;
}
