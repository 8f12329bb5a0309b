#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Builds fuzz_ops with clang's libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer over the library's sources, and runs it for
# SECONDS (default 60) from the seed corpus in fuzz/corpus, which it leaves
# untouched.  A crashing input is saved in ${TMPDIR:-/tmp}/syncmap-fuzz, not
# in the tree.  Needs Debian's clang and libclang-rt-14-dev.
#   fuzz/run.sh [SECONDS [libFuzzer options...]]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
[ $# -gt 0 ] && shift
work=${TMPDIR:-/tmp}/syncmap-fuzz
mkdir -p "$work/corpus"
cp "$top"/fuzz/corpus/* "$work/corpus/"
# shellcheck disable=SC2046 # ck's flags are a list
clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I"$top/include" -I"$top/lib" $(pkg-config --cflags ck) -o "$work/fuzz_ops" \
	"$top/fuzz/fuzz_ops.c" "$top"/lib/*.c $(pkg-config --libs ck) -pthread
"$work/fuzz_ops" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/" "$@" "$work/corpus" 2>&1 |
	tee "$work/fuzz.log" | grep -E '^#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|stat::new_units_added|ERROR|SUMMARY' || true
grep -q 'stat::number_of_executed_units' "$work/fuzz.log" &&
	! grep -q -E '^==[0-9]+==ERROR|deadly signal|fuzz_ops: ' "$work/fuzz.log" ||
	{ tail -40 "$work/fuzz.log"; exit 1; }
