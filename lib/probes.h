/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probes.h - USDT probes, provider "syncmap", so that a map in a running
 * process can be traced with eBPF (bpftrace) or SystemTap without a
 * rebuild.  syncmap(3) lists them with a bpftrace line for each.
 *
 *   promote(map, read_count)       dirty became read; the entries of the
 *                                  new read table
 *   dirty_copy(map, entries)       read was copied into a new dirty table;
 *                                  the entries copied
 *   compact(map, live, dead)       a SYNCMAP_BOUNDED compaction; the
 *                                  entries kept and those dropped
 *   miss(map, misses, dirty_count) a lookup took the lock and consulted
 *                                  dirty (Go's missLocked); the misses
 *                                  since the last promotion, and the
 *                                  entries of dirty (promotion comes when
 *                                  the first reaches the second)
 *   reclaim(bytes)                 a poll of a map's garbage; the bytes it
 *                                  freed (0 while readers hold them back)
 *
 * An untraced probe is one nop; its arguments must be values the caller
 * has at hand anyway.  Without <sys/sdt.h> (configure's HAVE_SDT) the
 * probes are nothing and their arguments are not evaluated; SYNCMAP_PROBES
 * says which, for a value worth computing only for a probe.
 * tests/probes.test finds every probe of this file in the library.
 */
#ifndef SYNCMAP_PROBES_H
#define SYNCMAP_PROBES_H

#ifdef HAVE_SDT
#include <sys/sdt.h>

#define SYNCMAP_PROBES 1
#define SYNCMAP_PROBE_PROMOTE(map, read_count) \
	DTRACE_PROBE2(syncmap, promote, map, read_count)
#define SYNCMAP_PROBE_DIRTY_COPY(map, entries) \
	DTRACE_PROBE2(syncmap, dirty_copy, map, entries)
#define SYNCMAP_PROBE_COMPACT(map, live, dead) \
	DTRACE_PROBE3(syncmap, compact, map, live, dead)
#define SYNCMAP_PROBE_MISS(map, misses, dirty_count) \
	DTRACE_PROBE3(syncmap, miss, map, misses, dirty_count)
#define SYNCMAP_PROBE_RECLAIM(bytes) \
	DTRACE_PROBE1(syncmap, reclaim, bytes)
#else
/* sizeof marks the arguments used, so that a variable kept only for a
 * probe draws no warning, and evaluates nothing. */
#define SYNCMAP_PROBE_UNUSED_(x) ((void)sizeof(x))

#define SYNCMAP_PROBES 0
#define SYNCMAP_PROBE_PROMOTE(map, read_count) \
	(SYNCMAP_PROBE_UNUSED_(map), SYNCMAP_PROBE_UNUSED_(read_count))
#define SYNCMAP_PROBE_DIRTY_COPY(map, entries) \
	(SYNCMAP_PROBE_UNUSED_(map), SYNCMAP_PROBE_UNUSED_(entries))
#define SYNCMAP_PROBE_COMPACT(map, live, dead) \
	(SYNCMAP_PROBE_UNUSED_(map), SYNCMAP_PROBE_UNUSED_(live), \
	 SYNCMAP_PROBE_UNUSED_(dead))
#define SYNCMAP_PROBE_MISS(map, misses, dirty_count) \
	(SYNCMAP_PROBE_UNUSED_(map), SYNCMAP_PROBE_UNUSED_(misses), \
	 SYNCMAP_PROBE_UNUSED_(dirty_count))
#define SYNCMAP_PROBE_RECLAIM(bytes) SYNCMAP_PROBE_UNUSED_(bytes)
#endif

#endif /* SYNCMAP_PROBES_H */
