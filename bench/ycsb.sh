#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# bench/ycsb.sh - the YCSB-like grid (syncmap-bench ycsb) on every
# implementation, and its Markdown tables: for each map size, each
# implementation's ns/op as a ratio to libsyncmap's default policy
# (peer/bounded: above 1 means libsyncmap is faster), bounded's own ns/op
# with the fastest and slowest run, and bytes per key.
#
# usage: bench/ycsb.sh [-k KEYS,...] [-t THREADS,...] [-T SECONDS] [-r RUNS]
#                      [-i IMPL,...] [-C] [-o DIR]
#        bench/ycsb.sh -R FILE   (tables from rows made before)
#   defaults: -k 1024,1000000 -t 1,2 -T 0.2 -r 3 -o bench-results
#   -C  ns/op from CPU time (syncmap-bench ycsb -h says what that means)
# Run from a built tree (make).  Ratios are of medians, from one process.
set -eu
k=1024,1000000 t=1,2 T=0.2 r=3 impls= cpu= out=bench-results rows=
while getopts k:t:T:r:i:Co:R: opt; do
	case $opt in
	k) k=$OPTARG ;;
	t) t=$OPTARG ;;
	T) T=$OPTARG ;;
	r) r=$OPTARG ;;
	i) impls="-i $OPTARG" ;;
	C) cpu=-C ;;
	o) out=$OPTARG ;;
	R) rows=$OPTARG ;;
	*) sed -n '8,13p' "$0" >&2; exit 2 ;;
	esac
done
if [ -z "$rows" ]; then
	bench=./bench/syncmap-bench
	[ -x "$bench" ] || { echo "ycsb.sh: $bench not built: run make first" >&2; exit 1; }
	mkdir -p "$out"
	rows=$out/ycsb.tsv
	echo "== syncmap-bench ycsb -k $k -t $t -T $T -r $r $impls $cpu" >&2
	# shellcheck disable=SC2086
	"$bench" ycsb -k "$k" -t "$t" -T "$T" -r "$r" $impls $cpu > "$rows"
fi

awk -F '\t' '
$1 == "mem" && NF == 4 { mem[$2 SUBSEP $3] = $4; addimpl($2); addsize($3); next }
NF == 7 {
	k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4
	med[k] = $5; lo[k] = $6; hi[k] = $7
	if (!($1 SUBSEP $4 in rowseen)) { rowseen[$1 SUBSEP $4] = 1; wl[++nr] = $1; th[nr] = $4 }
	addimpl($2); addsize($3)
}
function addimpl(i) { if (!(i in iseen)) { iseen[i] = 1; impl[++ni] = i } }
function addsize(s) { if (!(s in sseen)) { sseen[s] = 1; size[++ns] = s } }
function label(n) {
	return n >= 1000000 && n % 1000000 == 0 ? sprintf("10^%d", log(n) / log(10) + 0.5) : n
}
END {
	B = "bounded"
	for (s = 1; s <= ns; s++) {
		n = size[s]
		printf "#### %s keys: ns/op of bounded (fastest-slowest run), each peer / bounded (above 1: libsyncmap faster)\n\n", label(n)
		printf "| workload | threads | bounded ns/op |"
		for (j = 1; j <= ni; j++) if (impl[j] != B) printf " %s |", impl[j]
		printf "\n|---|---:|---:|"
		for (j = 1; j <= ni; j++) if (impl[j] != B) printf "---:|"
		printf "\n"
		for (r = 1; r <= nr; r++) {
			kb = wl[r] SUBSEP B SUBSEP n SUBSEP th[r]
			if (!(kb in med)) continue
			printf "| %s | %s | %.1f (%.1f-%.1f) |", wl[r], th[r], med[kb], lo[kb], hi[kb]
			for (j = 1; j <= ni; j++) {
				if (impl[j] == B) continue
				kp = wl[r] SUBSEP impl[j] SUBSEP n SUBSEP th[r]
				if (kp in med) printf " %.2f |", med[kp] / med[kb]
				else printf " - |"
			}
			printf "\n"
		}
		printf "\n"
	}
	if (length(mem) == 0) exit
	printf "#### Bytes per key (8-byte keys, after preload and one Load of each)\n\n| implementation |"
	for (s = 1; s <= ns; s++) printf " %s keys |", label(size[s])
	printf "\n|---|"
	for (s = 1; s <= ns; s++) printf "---:|"
	printf "\n"
	for (j = 1; j <= ni; j++) {
		printf "| %s |", impl[j]
		for (s = 1; s <= ns; s++)
			printf (impl[j] SUBSEP size[s]) in mem ? " %.1f |" : " - |", mem[impl[j] SUBSEP size[s]]
		printf "\n"
	}
}' "$rows"
