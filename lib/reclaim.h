/*
 * reclaim.h - safe memory reclamation for lock-free readers (ck_epoch).
 * The rules are in docs/design.md ("Reclamation").
 */
#ifndef SYNCMAP_RECLAIM_H
#define SYNCMAP_RECLAIM_H

#include <ck_epoch.h>
#include <ck_stack.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stddef.h>

#include "compiler.h"
#include "mem.h"

/*
 * ThreadSanitizer cannot see ck_epoch's grace periods: ck_epoch_poll runs
 * in libck, which is not instrumented.  These annotations, kept here and
 * nowhere else, tell it what ck_epoch guarantees:
 *   - leaving a read-side section releases the grace object, and every
 *     free a poll allows acquires it (once the poll has seen the section
 *     end: see syncmap__reclaim_mem), so every
 *     access made in a section that has ended happens-before the frees it
 *     allowed; an access in a section still open is not covered, so a
 *     real grace-period bug is still reported;
 *   - parking a record releases it and taking it again acquires it, for
 *     the record's own fields, reused through ck_epoch_recycle.
 * Build with CK_USE_CC_BUILTINS too, so that ck_pr's inline assembly
 * becomes compiler atomics that TSan sees.
 */
#if defined(__SANITIZE_THREAD__)
#define SYNCMAP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SYNCMAP_TSAN 1
#endif
#endif

#ifdef SYNCMAP_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
HIDDEN extern char syncmap__grace;
#define tsan_acquire(addr) __tsan_acquire((void *)(addr))
#define tsan_release(addr) __tsan_release((void *)(addr))
#else
#define tsan_acquire(addr) ((void)(addr))
#define tsan_release(addr) ((void)(addr))
#endif

/*
 * Rule 4's fence (docs/design.md), between unlinking an object and stamping it with the
 * global epoch.  TSan does not model standalone fences (GCC refuses them
 * under -fsanitize=thread); what the fence protects, it checks through the
 * grace annotations above instead.
 */
#ifdef SYNCMAP_TSAN
#define retire_fence() ((void)0)
#else
#define retire_fence() atomic_thread_fence(memory_order_seq_cst)
#endif

/* A map's garbage.  Used only under the map's mutex, or by destroy. */
struct reclaim {
	ck_epoch_record_t *rec;   /* owns the map's garbage; NULL while none */
	ck_stack_t limbo;         /* retired while no record could be had */
	struct mem *mem;
};

/* The calling thread's reader state. */
struct reader {
	ck_epoch_record_t *rec;
	unsigned int ticks;
};

HIDDEN extern __thread struct reader syncmap__self
	__attribute__((tls_model("initial-exec")));

HIDDEN ck_epoch_record_t *syncmap__reader_slow(void);

/*
 * Opens a read-side section: until reader_exit, nothing retired from now on
 * is freed.  Sections nest (a range callback calls back into the map).
 * NULL only if no record could be had at all (see reclaim.c).
 */
static inline ck_epoch_record_t *
reader_enter(void)
{
	ck_epoch_record_t *rec = syncmap__self.rec;

	if (rec == NULL && (rec = syncmap__reader_slow()) == NULL)
		return NULL;
	ck_epoch_begin(rec, NULL);
	return rec;
}

/* Closes the section; true once every 64 calls, when the caller should
 * offer to poll a map's garbage (see reclaim.c, "delay"). */
static inline bool
reader_exit(ck_epoch_record_t *rec)
{
#ifdef SYNCMAP_TSAN
	tsan_release(&syncmap__grace);
#endif
	ck_epoch_end(rec, NULL);
	return (++syncmap__self.ticks & 63) == 0;
}

HIDDEN void syncmap__reclaim_init(struct reclaim *r, struct mem *mem);
HIDDEN void syncmap__retire(struct reclaim *r, ck_epoch_entry_t *e,
                            ck_epoch_cb_t *fn, size_t size);
HIDDEN void syncmap__reclaim_poll(struct reclaim *r);
HIDDEN void syncmap__reclaim_fini(struct reclaim *r);
HIDDEN struct mem *syncmap__reclaim_mem(void);

#endif /* SYNCMAP_RECLAIM_H */
