#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# bench/plot.sh - draws the benchmark ratios to Go's sync.Map, per
# benchmark and implementation, one panel per thread count, from the rows
# bench/run.sh writes (the rows bench/report.sh turns into its ratio tables):
#   bench/plot.sh OUT.png FILE...      e.g. bench/plot.sh docs/bench-ratios.png bench-results/*.tsv
# As in report.sh, a row given twice counts at its smaller figure.  The bars
# grow from 1 on a logarithmic axis (they are log2 of the ratio, labelled as
# ratios): down is faster than Go, up is slower.
# Needs gnuplot (Debian's gnuplot-nox), and Go's rows.
set -eu
[ $# -ge 2 ] || { echo "usage: bench/plot.sh OUT.png FILE..." >&2; exit 2; }
out=$1
shift
command -v gnuplot > /dev/null || { echo "plot.sh: needs gnuplot (apt-get install gnuplot-nox)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One data file per thread count: a row per benchmark Go has, a column per
# implementation, each cell log2 of the ratio to Go (a dash where none ran).
awk -F '\t' -v dir="$tmp" '
(NF == 4 || NF == 6) && $1 !~ /^mem:/ && $4 + 0 > 0 {
	k = $1 SUBSEP $2 SUBSEP $3
	if (!(k in val) || $4 + 0 < val[k]) val[k] = $4 + 0
	if (!($1 in bseen)) { bseen[$1] = 1; bench[++nb] = $1 }
	if (!($3 in tseen)) { tseen[$3] = 1; thr[++nt] = $3 }
	seen[$2] = 1
}
END {
	GO = "go-sync.Map"
	n = split("classic bounded rwlock mutex rculfhash ck_hs", order, " ")
	for (j = 1; j <= n; j++) if (order[j] in seen) impl[++ni] = order[j]
	for (a = 1; a <= nt; a++) {
		t = thr[a]; rows = 0
		f = dir "/ratios-" t ".dat"
		printf "benchmark" > f
		for (j = 1; j <= ni; j++) printf "\t%s", impl[j] > f
		printf "\n" > f
		for (b = 1; b <= nb; b++) {
			if (!((bench[b] SUBSEP GO SUBSEP t) in val)) continue
			rows++
			printf "%s", bench[b] > f
			for (j = 1; j <= ni; j++) {
				k = bench[b] SUBSEP impl[j] SUBSEP t
				if (!(k in val)) { printf "\t-" > f; continue }
				r = log(val[k] / val[bench[b] SUBSEP GO SUBSEP t]) / log(2)
				if (r < lo) lo = r
				if (r > hi) hi = r
				printf "\t%.4f", r > f
			}
			printf "\n" > f
		}
		close(f)
		if (rows > 0) print t > (dir "/threads")
	}
	print ni > (dir "/impls")
	# One y range for every panel, in whole powers of two.
	printf "%d %d\n", (lo < 0 ? -int(-lo) - 1 : 0), (hi > 0 ? int(hi) + 1 : 0) > (dir "/range")
}' "$@"
[ -s "$tmp/threads" ] || { echo "plot.sh: no Go sync.Map rows in $*: nothing to take a ratio to" >&2; exit 1; }
threads=$(sort -n "$tmp/threads" | tr '\n' ' ')
npanels=$(echo "$threads" | wc -w)
ncols=$(( $(cat "$tmp/impls") + 1 ))
read -r ylo yhi < "$tmp/range"

gnuplot <<GP
set terminal pngcairo noenhanced size 1400,$((npanels * 430 + 40)) font ",10"
set output "$out"
set datafile separator "\t"
set datafile missing "-"
set multiplot layout $npanels,1 title "Go's sync.Map benchmarks in C: time per operation as a ratio to Go's own sync.Map (below 1 is faster)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [$ylo:$yhi]
set ytics ("1/64" -6, "1/32" -5, "1/16" -4, "1/8" -3, "1/4" -2, "1/2" -1, "1" 0, "2" 1, "4" 2, "8" 3, "16" 4, "32" 5, "64" 6)
set ylabel "ratio to go-sync.Map (log scale)"
set grid ytics
set xtics rotate by 25 right nomirror
set key outside right top vertical
set bmargin 7
do for [t in "$threads"] {
	set title t." thread".(t eq "1" ? "" : "s")
	# The bars grow from the ratio 1, Go's own figure: a line marks it.
	set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead lw 2 lc rgb "black" front
	plot for [i=2:$ncols] "$tmp/ratios-".t.".dat" using i:xtic(1) title columnheader(i)
}
unset multiplot
GP
echo "wrote $out"
