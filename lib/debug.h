/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * debug.h - hooks into a map's insides for the tests, the fuzzer and the
 * benchmarks, which link the convenience library (libsyncmap_core.la) to
 * reach them.  Hidden: the installed library does not export them.
 */
#ifndef SYNCMAP_DEBUG_H
#define SYNCMAP_DEBUG_H

#include <stddef.h>
#include <stdint.h>

#include "syncmap.h"

#include "compiler.h"

/* Recomputes what the counters claim by walking both tables and checks
 * invariants I1 to I5 (docs/design.md).  Only meaningful when the map is
 * quiescent.  NULL, or what is wrong. */
HIDDEN const char *syncmap__verify(syncmap_t *m);

/* Sets the units one slice of work in slices may do (map.h) and returns
 * what it was; tests make it small to stop in each state in between, or
 * SIZE_MAX to have the work done at once. */
HIDDEN size_t syncmap__set_slice(syncmap_t *m, size_t units);

/* What work in slices is under way now: SYNCMAP_WORK_* bits. */
#define SYNCMAP_WORK_COPY 1u     /* read being copied into dirty */
#define SYNCMAP_WORK_MOVE 2u     /* dirty's old table moving into t */
#define SYNCMAP_WORK_ZERO 4u     /* dirty's next table being zeroed */
#define SYNCMAP_WORK_STALE 8u    /* the stale scan after a promotion */
#define SYNCMAP_WORK_COMPACT 16u /* a compaction waiting for its promotion */
HIDDEN unsigned int syncmap__work_state(syncmap_t *m);

/* Times a growth of dirty had to finish at once under a slice budget,
 * which the rates of table.c rule out while the allocator gives. */
HIDDEN uint64_t syncmap__stalls(syncmap_t *m);

/* The hash the map gives a key: for the tests of per-map seeding. */
HIDDEN uint64_t syncmap__hash_of(syncmap_t *m, const void *key, size_t klen);

/* The longest run of occupied slots in read, wrapping around: what a
 * lookup of an absent key may walk.  For the tests of Range's order. */
HIDDEN size_t syncmap__longest_run(syncmap_t *m);

/* The benchmarks' floor: Load's lookup in read with nothing around it (no
 * read-side section, no miss path, no argument checks).  Safe only while
 * no other thread uses the map. */
HIDDEN int syncmap__peek(syncmap_t *m, const void *key, size_t klen,
                         void **value);

/* The threads in the reader registry now (lib/reclaim.c). */
HIDDEN size_t syncmap__readers(void);

/* Bytes of the tables every map has mapped itself (lib/mem.c), which
 * malloc's counts do not see. */
HIDDEN size_t syncmap__mapped_bytes(void);

/* The bytes an empty map holds: the block of the map object itself. */
HIDDEN size_t syncmap__map_bytes(void);

#endif /* SYNCMAP_DEBUG_H */
