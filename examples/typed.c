/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * typed.c - three typed maps (syncmap_typed.h), with no casts: a string
 * key, an integer key and a struct key.
 *
 * Two threads handle a stream of packets.  Each packet names its sender:
 * the names map (string keys) gives the sender's user id, assigned by
 * whichever thread sees the name first; the users map (integer keys) gives
 * the user record for an id; the flows map (struct keys) counts packets
 * per address, port and protocol, its values plain integers that
 * CompareAndSwap increments.  Passing one of these maps to another's
 * functions would not compile.
 *
 *   cc typed.c $(pkg-config --cflags --libs syncmap) -pthread
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <syncmap_typed.h>

struct user {
	uint32_t id;
	char name[16];
	atomic_long packets;
};

/* A key's bytes are the key, so it must have no padding. */
struct flow {
	uint32_t addr;
	uint16_t port;
	uint16_t proto;
};
_Static_assert(sizeof(struct flow) == 8, "struct flow has no padding");

SYNCMAP_DEFINE_STRKEY(names, uint32_t);
SYNCMAP_DEFINE_TYPED(users, uint32_t, struct user *);
SYNCMAP_DEFINE_TYPED(flows, struct flow, long);

#define PACKETS 20000

static names_t *names;
static users_t *users;
static flows_t *flows;
static atomic_uint last_id;

static const char *const senders[] = { "ada", "brian", "dennis", "grace", "ken" };

/* The user whose name this is, made by the first thread to see it.  The
 * record is in users before its id is in names, so that any thread that
 * finds the id finds the record. */
static struct user *
user_of(const char *name)
{
	struct user *u;
	uint32_t id, mine;
	int rc;

	if (names_load(names, name, &id) == 1 && users_load(users, id, &u) == 1)
		return u;
	if ((u = calloc(1, sizeof(*u))) == NULL)
		abort();
	mine = atomic_fetch_add(&last_id, 1) + 1;
	u->id = mine;
	snprintf(u->name, sizeof(u->name), "%s", name);
	if (users_store(users, mine, u) != 0)
		abort();
	/* id is set only if the call succeeds, and the compiler sees that. */
	if ((rc = names_load_or_store(names, name, mine, &id)) < 0)
		abort();
	if (rc == 0)
		return u;
	/* Another thread was first: its record stands. */
	users_delete(users, mine);
	free(u);
	users_load(users, id, &u);
	return u;
}

/* One more packet on flow f: a LoadOrStore for the first, then
 * CompareAndSwap from the count last seen. */
static void
count_packet(struct flow f)
{
	long n;
	int rc;

	if ((rc = flows_load_or_store(flows, f, 1, &n)) < 0)
		abort();
	if (rc == 0)
		return;
	while (flows_compare_and_swap(flows, f, n, n + 1) != 1)
		flows_load(flows, f, &n);
}

static void *
worker(void *arg)
{
	unsigned part = *(unsigned *)arg;
	unsigned i;

	for (i = part; i < PACKETS; i += 2) {
		struct user *u = user_of(senders[i * 7 % 5]);
		struct flow f = { 0x0a000000u | u->id, (uint16_t)(443 + i % 2), 6 };

		atomic_fetch_add(&u->packets, 1);
		count_packet(f);
	}
	return NULL;
}

static int
print_flow(struct flow f, long packets, void *arg)
{
	printf("flow 10.0.0.%u:%u/%u: %ld packets\n", (unsigned)(f.addr & 0xff),
	    (unsigned)f.port, (unsigned)f.proto, packets);
	*(long *)arg += packets;
	return 0;
}

static int
print_user(uint32_t id, struct user *u, void *arg)
{
	printf("user %u %s: %ld packets\n", (unsigned)id, u->name, atomic_load(&u->packets));
	*(long *)arg += atomic_load(&u->packets);
	return 0;
}

static int
free_user(uint32_t id, struct user *u, void *arg)
{
	(void)id; (void)arg;
	free(u);
	return 0;
}

int
main(void)
{
	unsigned part[2] = { 0, 1 };
	pthread_t t[2];
	long by_flow = 0, by_user = 0;
	struct syncmap_stats st;
	int i;

	names = names_create(NULL);
	users = users_create(NULL);
	flows = flows_create(NULL);
	if (names == NULL || users == NULL || flows == NULL) {
		perror("create");
		return 1;
	}
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker, &part[i]);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	flows_range(flows, print_flow, &by_flow);
	users_range(users, print_user, &by_user);
	names_stats(names, &st);
	printf("%zu names, %ld packets by flow, %ld by user\n", st.live, by_flow, by_user);
	users_range(users, free_user, NULL);
	names_destroy(names);
	users_destroy(users);
	flows_destroy(flows);
	return st.live == 5 && by_flow == PACKETS && by_user == PACKETS ? 0 : 1;
}
