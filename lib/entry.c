/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * entry.c - the sentinels, and an entry's birth and death.  The state
 * machine itself is inline in entry.h, on the lookup path.
 */
#include <stdint.h>
#include <string.h>

#include "entry.h"
#include "reclaim.h"

/* Only their addresses matter: no user value can equal them. */
char syncmap__marks[2];

struct entry *
syncmap__entry_new(struct mem *mem, const void *key, size_t klen, void *raw)
{
	struct entry *e;

	_Static_assert(_Alignof(struct entry) <= MEM_ALIGN, "see mem.h");
	e = mem_alloc(mem, klen > SIZE_MAX - entry_size(0) ? 0 : entry_size(klen));
	if (e == NULL)
		return NULL;
	atomic_init(&e->p, raw);
	e->klen = klen;
	if (klen > 0)
		memcpy(e->key, key, klen);
	return e;
}

void
syncmap__entry_free(struct mem *mem, struct entry *e)
{
	mem_free(mem, e, entry_size(e->klen));
}

CONTAINER(struct entry, retire, entry_of_retired)

void
syncmap__entry_reclaim(struct retired *o)
{
	struct entry *e = entry_of_retired(o);

	mem_free_retired(syncmap__reclaim_mem(), e, entry_size(e->klen));
}
