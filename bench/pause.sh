#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# bench/pause.sh - the longest Stores (syncmap-bench pause) on libsyncmap's
# two policies and the peers, and churn's throughput at a few windows
# (syncmap-bench ycsb -w churn, classic and bounded), into DIR:
#   pause.tsv  churn.tsv   the rows
#   pause.md               their Markdown tables
#   pause-latency.png      the mix's Store latency by percentile (gnuplot)
#
# usage: bench/pause.sh [-n SIZES] [-i IMPL,...] [-t THREADS] [-r REPEATS]
#                       [-o OPS] [-w WINDOWS|none] [-T SECONDS] [-d DIR]
#        bench/pause.sh -R FILE [-C FILE] [-d DIR]  (from rows made before)
#   defaults: syncmap-bench pause's own (-h), -w 10000,100000,1000000
#   -T 0.2 (churn's seconds per run), -d pause-results
# Run from a built tree (make).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
pargs= windows=10000,100000,1000000 T=0.2 out=pause-results rows= churn=
while getopts n:i:t:r:o:w:T:d:R:C: opt; do
	case $opt in
	n|i|t|r|o) pargs="$pargs -$opt $OPTARG" ;;
	w) windows=$OPTARG ;;
	T) T=$OPTARG ;;
	d) out=$OPTARG ;;
	R) rows=$OPTARG ;;
	C) churn=$OPTARG ;;
	*) sed -n '10,15p' "$0" >&2; exit 2 ;;
	esac
done
mkdir -p "$out"
if [ -z "$rows" ]; then
	bench=./bench/syncmap-bench
	[ -x "$bench" ] || { echo "pause.sh: $bench not built: run make first" >&2; exit 1; }
	rows=$out/pause.tsv
	echo "== syncmap-bench pause$pargs" >&2
	# shellcheck disable=SC2086
	"$bench" pause $pargs > "$rows"
	if [ "$windows" != none ]; then
		churn=$out/churn.tsv
		echo "== syncmap-bench ycsb -w churn -k $windows -i classic,bounded -T $T" >&2
		"$bench" ycsb -w churn -k "$windows" -i classic,bounded -t 1,2 -T "$T" -r 3 > "$churn"
	fi
fi

{
awk -F '\t' '
function label(n) {
	e = int(log(n) / log(10) + 0.5)
	return n >= 100000 && n == 10 ^ e ? sprintf("10^%d", e) : n
}
NF == 17 && $4 == "first" { first[++nf] = $0 }
NF == 17 && $4 == "mix" { mix[++nm] = $0 }
NF == 17 && $4 == "noise" { noise[$1 FS $3 FS $5] = $0 }
END {
	print "#### The first new key after a promotion, a second thread storing new keys meanwhile\n"
	print "Times in microseconds, over the timed Stores (each after a promotion); the other thread'"'"'s"
	print "longest Store while the timed one ran is how long it was held up.\n"
	print "| impl | policy | keys | Stores | longest CPU | longest wall | median wall | other thread'"'"'s longest Store | its Stores meanwhile |"
	print "|---|---|---:|---:|---:|---:|---:|---:|---:|"
	for (i = 1; i <= nf; i++) {
		split(first[i], f, "\t")
		printf "| %s | %s | %s | %s | %.1f | %.1f | %.1f | %.1f | %s |\n", f[1], f[2], label(f[3]),
		    f[6], f[7], f[11], f[14], f[16], f[17]
	}
	print "\n#### A mix of 10% Stores of new keys and 90% Loads that hit\n"
	print "Per-Store times in microseconds; throughput is the whole mix'"'"'s.  The last column is"
	print "the longest of as many empty calls timed the same way on the same threads during the"
	print "same mix (CPU time): what this machine does to a timed call whatever it is.\n"
	print "| impl | policy | keys | threads | longest CPU | p99.9 CPU | longest wall | p99.9 wall | p99 wall | median wall | Mops/s | empty call'"'"'s longest CPU |"
	print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for (i = 1; i <= nm; i++) {
		split(mix[i], f, "\t")
		split(noise[f[1] FS f[3] FS f[5]], z, "\t")
		printf "| %s | %s | %s | %s | %.1f | %.2f | %.1f | %.2f | %.2f | %.2f | %.2f | %.1f |\n", f[1], f[2],
		    label(f[3]), f[5], f[7], f[8], f[11], f[12], f[13], f[14], f[15] / 1e6, z[7]
	}
}' "$rows"
if [ -n "$churn" ]; then
	printf '\n#### Churn (a sliding window: each new key deletes the oldest), classic against bounded\n\n'
	printf 'The classic column is its ns/op over bounded'"'"'s: below 1, classic is faster.\n\n'
	"$src/bench/ycsb.sh" -R "$churn"
fi
} > "$out/pause.md"
echo "wrote $out/pause.md" >&2

command -v gnuplot > /dev/null ||
	{ echo "pause.sh: no plot without gnuplot (apt-get install gnuplot-nox)" >&2; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One file per size, implementation and thread count of the mix: x is the
# percentile in nines (0.99 is 2), the longest Store at x = 6.
awk -F '\t' -v dir="$tmp" '
$1 == "dist" && $5 == "mix" {
	f = dir "/" $4 "-" $2 "-" $6 ".dat"
	if (!(f in seen)) { seen[f] = 1; printf "q\t%s, %s thr\t%s, %s thr\n", $2, $6, $2, $6 > f }
	printf "%g\t%s\t%s\n", $7 == 1 ? 6 : -log(1 - $7) / log(10), $8, $9 > f
}' "$rows"
sizes=$(ls "$tmp" | sed 's/-.*//' | sort -un | tr '\n' ' ')
[ -n "$sizes" ] || { echo "pause.sh: no mix rows in $rows: nothing to plot" >&2; exit 1; }
nsizes=$(echo "$sizes" | wc -w)
impls=$(ls "$tmp" | sed 's/^[0-9]*-//; s/-[0-9]*\.dat$//' | sort -u | tr '\n' ' ')
{
	cat <<GP
set terminal pngcairo noenhanced size 1300,$((nsizes * 380 + 60)) font ",10"
set output "$out/pause-latency.png"
set datafile separator "\t"
set multiplot layout $nsizes,2 title "One Store's time by percentile, in a mix of 10% new keys and 90% hits (dashed: more threads)"
set logscale y
set xrange [0:6.2]
set xtics ("50%%" 0.301, "90%%" 1, "99%%" 2, "99.9%%" 3, "99.99%%" 4, "99.999%%" 5, "max" 6)
set grid
set key left top
GP
	for s in $sizes; do
		for col in 2:CPU 3:wall; do
			printf 'set title "%s keys: %s time (us)"\nplot' "$s" "${col#*:}"
			sep=
			for f in "$tmp/$s"-*.dat; do
				# An implementation keeps its colour in every panel.
				impl=${f#"$tmp/$s"-}
				lc=$(echo "$impls" | tr ' ' '\n' | grep -nx "${impl%-*}" | cut -d: -f1)
				case $f in *-1.dat) dt=1 ;; *) dt=2 ;; esac
				printf '%s "%s" using 1:%s with linespoints lc %s dt %s title columnheader(%s)' \
					"$sep" "$f" "${col%%:*}" "$lc" "$dt" "${col%%:*}"
				sep=,
			done
			echo
		done
	done
	echo "unset multiplot"
} > "$tmp/plot.gp"
gnuplot "$tmp/plot.gp"
echo "wrote $out/pause-latency.png" >&2
