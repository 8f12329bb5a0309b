/* SPDX-License-Identifier: BSD-2-Clause */
/* A floating value would be converted to uintptr_t, and truncated.
 * must fail: the value type is a floating type */
#include <syncmap_typed.h>

#ifdef WELL_FORMED
typedef int value_t;
#else
typedef float value_t;
#endif

SYNCMAP_DEFINE_TYPED(fv, int, value_t);
