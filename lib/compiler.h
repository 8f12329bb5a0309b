/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * compiler.h - the few compiler attributes the library uses, named once.
 */
#ifndef SYNCMAP_COMPILER_H
#define SYNCMAP_COMPILER_H

#include <ck_cc.h>

/* Internal symbols: -fvisibility=hidden already hides them from the shared
 * library; the attribute also keeps them out of the static one's interface
 * for the optimiser. */
#define HIDDEN __attribute__((visibility("hidden")))

/* For the few functions that are the lookup path itself: the compiler's
 * size heuristics would otherwise leave them as calls at -O2. */
#define ALWAYS_INLINE inline __attribute__((always_inline))

/* A cache line, so that what readers share is not written beside it. */
#define CACHELINE 64

/* CONTAINER(type, member, name) defines `static inline type *name(p)`,
 * from a pointer to member back to its type (ConcurrencyKit's
 * CK_CC_CONTAINER). */
#define CONTAINER(type, member, name) \
	CK_CC_CONTAINER(__typeof__(((type *)0)->member), type, member, name)

#endif /* SYNCMAP_COMPILER_H */
