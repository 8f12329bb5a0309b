/* SPDX-License-Identifier: BSD-2-Clause */
/* An array parameter is a pointer: the key would be the pointer's bytes.
 * must fail: the key type is an array */
#include <syncmap_typed.h>

#ifdef WELL_FORMED
typedef struct { char name[8]; } name_key;
#else
typedef char name_key[8];
#endif

SYNCMAP_DEFINE_TYPED(ak, name_key, int);
