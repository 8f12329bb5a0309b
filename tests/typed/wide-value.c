/* SPDX-License-Identifier: BSD-2-Clause */
/* A value type wider than a pointer cannot be stored in a void *.
 * must fail: the value type is wider than a pointer */
#include <stdint.h>
#include <syncmap_typed.h>

#ifdef WELL_FORMED
typedef intptr_t value_t;
#elif UINTPTR_MAX > 0xffffffffu
__extension__ typedef __int128 value_t;
#else
typedef long long value_t;
#endif

SYNCMAP_DEFINE_TYPED(wide, int, value_t);
