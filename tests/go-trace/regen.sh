#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Regenerates the op files and Go's expected traces with the peers in
# ../shared/peers (installs golang-go if missing).  Run from the top of the
# repository: tests/go-trace/regen.sh [PEERS_DIR]
set -eu
peers="${1:-../shared/peers}"
dir=tests/go-trace
for s in 1 2 3; do python3 "$peers/go-trace/gen_ops.py" $s 3000 12 > $dir/ops-$s.txt; done
python3 "$peers/go-trace/gen_ops.py" 4 6000 40 > $dir/ops-4.txt
for ops in $dir/ops-*.txt; do
	n=${ops##*/ops-}; n=${n%.txt}
	"$peers/go-syncmap-trace" < "$ops" > "$dir/go-$n.trace"
done
