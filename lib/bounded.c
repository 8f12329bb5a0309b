/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bounded.c - SYNCMAP_BOUNDED: Go's algorithm (syncmap.c) plus one rule,
 * compaction, that bounds what deleted keys may hold.  It runs only in the
 * two hooks of map.h; docs/design.md ("The bounded rule") has the bound it
 * keeps and why it costs amortised O(1) per operation.
 */
#include <stdbool.h>
#include <stddef.h>

#include "map.h"
#include "probes.h"

/* dead <= max(live, DEAD_FLOOR) at quiescence (docs/design.md). */
#define DEAD_FLOOR 64
/* Compaction keeps the held heap under 2 * live weight + HELD_SLACK, so
 * that with garbage awaiting its grace period the map stays within the
 * contract's 3 * live weight + 256 KiB. */
#define HELD_SLACK ((size_t)128 << 10)

/*
 * The rule's trigger.  Read without the mutex by the lock-free hook, so
 * every counter is loaded relaxed: a stale value only moves a compaction
 * one call earlier or later, and the locked hook reads them again under
 * the mutex, where every locked writer is ordered before it.
 */
static size_t
dead_of(struct syncmap *m)
{
	size_t live = counter_of(&m->live);
	size_t entries = atomic_load_explicit(&m->entries, memory_order_relaxed);

	return entries > live ? entries - live : 0;
}

/* While a compaction is put off, only twice the dead count it failed at
 * makes it due again (or the calls counted in after_locked). */
static bool
compaction_due(struct syncmap *m)
{
	size_t live = counter_of(&m->live), bytes, pending, held;
	size_t dead = dead_of(m);
	size_t retry = atomic_load_explicit(&m->retry_dead, memory_order_relaxed);

	if (retry != 0 && dead < retry)
		return false;
	bytes = atomic_load_explicit(&m->mem.bytes, memory_order_relaxed);
	pending = atomic_load_explicit(&m->mem.pending, memory_order_relaxed);
	held = bytes > pending ? bytes - pending : 0;
	if (dead > (live > DEAD_FLOOR ? live : DEAD_FLOOR))
		return true;
	return held > 2 * counter_of(&m->live_weight) + HELD_SLACK;
}

CONTAINER(struct entry, retire.link, entry_of_doomed)

static struct entry *
doomed_pop(ck_stack_t *list)
{
	ck_stack_entry_t *s = ck_stack_pop_npsc(list);

	return s == NULL ? NULL : entry_of_doomed(s);
}

/*
 * Go has no such step.  It first promotes dirty if there is one, early:
 * that costs only a walk for read's expunged entries, drops them and the
 * old table, and is what Go's misses would do later anyway.  If the map is
 * still over its bound, it does at once what a dirty copy followed by a
 * promotion would do: deleted entries are expunged (so lock-free paths
 * keep off them) and a table of just the others, sized for them, becomes
 * read.  If that table cannot be had, every expunge is undone and the
 * compaction is put off until dead has doubled or as many calls as the
 * map has entries have been counted: each failed attempt costs
 * O(entries), so retrying it on every call would make every call O(n)
 * while the allocator fails; this way it stays amortised O(1).
 */
static void
compact_locked(struct syncmap *m)
{
	struct table *old, *t;
	ck_stack_t gone;
	const struct slot *s;
	struct entry *e;
	size_t pos, survivors = 0;

	if (m->dirty != NULL) {
		syncmap__promote_locked(m);
		m->n_compactions++;
		if (!compaction_due(m))
			return;
	}
	/* Without dirty, read holds no expunged entry (I3): every entry
	 * expunged here is one this pass expunged. */
	old = table_of(load_read(m));
	ck_stack_init(&gone);
	for (pos = 0; (s = table_next(old, &pos)) != NULL;) {
		if (entry_try_expunge_locked(s->e))
			ck_stack_push_spnc(&gone, &s->e->retire.link);
		else
			survivors++;
	}
	t = syncmap__table_new(&m->mem, survivors);
	if (t == NULL) {
		while ((e = doomed_pop(&gone)) != NULL)
			entry_unexpunge_locked(e);
		atomic_store_explicit(&m->retry_dead, 2 * (dead_of(m) + 1),
		    memory_order_relaxed);
		m->retry_calls = atomic_load_explicit(&m->entries,
		    memory_order_relaxed) + DEAD_FLOOR;
		return;
	}
	atomic_store_explicit(&m->retry_dead, 0, memory_order_relaxed);
	m->retry_calls = 0;
	for (pos = 0; (s = table_next(old, &pos)) != NULL;)
		if (atomic_load_explicit(&s->e->p, memory_order_relaxed) != EXPUNGED)
			syncmap__table_insert(t, s->hash, s->e);
	syncmap__publish_read(m, t, false);
	syncmap__retire_table(m, old);
	while ((e = doomed_pop(&gone)) != NULL)
		syncmap__retire_entry(m, e);
	m->n_compactions++;
	SYNCMAP_PROBE_COMPACT(m, survivors, old->count - survivors);
}

void
syncmap__bounded_after_locked(struct syncmap *m, size_t calls)
{
	if (m->retry_calls > calls) {
		m->retry_calls -= calls;
	} else if (m->retry_calls > 0) {
		m->retry_calls = 0;
		atomic_store_explicit(&m->retry_dead, 0, memory_order_relaxed);
	}
	if (compaction_due(m))
		compact_locked(m);
}

/* A lock-free delete or revival moved the counters: if the rule now calls
 * for a compaction, take the mutex for it (its unlock runs the locked
 * hook, which checks again). */
void
syncmap__bounded_after_counted(struct syncmap *m)
{
	if (compaction_due(m)) {
		syncmap__lock(m);
		syncmap__unlock(m);
	}
}
