#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Prints the package version, MAJOR.MINOR.PATCH, from the SYNCMAP_VERSION_*
# macros of include/syncmap.h, the one place it is written: configure.ac's
# AC_INIT runs this (from the top of the source tree, as autoreconf does).
set -eu
header=${1:-include/syncmap.h}
v=$(sed -n 's/^#define SYNCMAP_VERSION_\(MAJOR\|MINOR\|PATCH\) \{1,\}\([0-9]\{1,\}\)$/\1 \2/p' "$header" |
	awk '{ v[$1] = $2; n++ } END { if (n == 3) printf "%s.%s.%s", v["MAJOR"], v["MINOR"], v["PATCH"] }')
[ -n "$v" ] || { echo "version.sh: no SYNCMAP_VERSION_MAJOR/MINOR/PATCH in $header" >&2; exit 1; }
printf '%s\n' "$v"
