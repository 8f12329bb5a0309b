/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * abi.h - what keeps the public structs able to grow without a soname bump
 * (see syncmap.h: the reserved fields of syncmap_options and syncmap_stats).
 */
#ifndef SYNCMAP_ABI_H
#define SYNCMAP_ABI_H

#include <stdbool.h>

#include "syncmap.h"

/* syncmap_create must fail with EINVAL unless this holds: a reserved
 * option that is set belongs to a newer library, and ignoring it would
 * silently change what the caller asked for. */
__attribute__((visibility("hidden")))
bool syncmap__options_reserved_ok(const struct syncmap_options *opts);

#endif /* SYNCMAP_ABI_H */
