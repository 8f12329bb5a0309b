#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs every workload under both policies and plots, per workload, the heap
# held, the dead entries and the throughput against map calls, classic
# against bounded, with bounded's bounds:
#   stress/plot.sh [OUT.png [syncmap-stress options...]]
# Needs gnuplot (Debian's gnuplot-nox).  The samples go to a temporary CSV,
# removed at the end; set CSV=FILE to keep them there instead.  The tool is
# the one beside this script, or STRESS (a build outside the source tree).
set -eu
out=${1:-syncmap-bloat.png}
[ $# -gt 0 ] && shift
here=$(dirname "$0")
command -v gnuplot >/dev/null || { echo "plot.sh: needs gnuplot (apt-get install gnuplot-nox)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
csv=${CSV:-$tmp/samples.csv}
# The heap bound depends on the key length: take it from the options.
klen=16 prev=
for a in "$@"; do
	case $prev in -l|--klen) klen=$a ;; esac
	case $a in --klen=*) klen=${a#--klen=} ;; -l[0-9]*) klen=${a#-l} ;; esac
	prev=$a
done
"${STRESS:-$here/syncmap-stress}" -o "$csv" "$@"

# Per workload, the most dead entries at any sample (a panel that would
# show at most one goes, and the heap panel's title says so instead), and
# whether retired memory awaiting its grace period was ever counted (under
# threads), which the heap panel then shows apart; and a step of 1, 2 or 5
# times a power of ten that puts four to ten tics on its x axis.
awk -F, 'NR > 1 { if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1; dead[$1] = 0; pend[$1] = 0 }
	if ($7 > dead[$1]) dead[$1] = $7
	if ($10 > 0) pend[$1] = 1
	if ($3 > maxx[$1]) maxx[$1] = $3 }
	END { for (i = 1; i <= n; i++) {
		w = order[i]; step = 1
		while (step * 10 <= maxx[w] / 4) step *= 10
		if (step * 5 <= maxx[w] / 4) step *= 5; else if (step * 2 <= maxx[w] / 4) step *= 2
		print w, dead[w], pend[w], step
	} }' "$csv" > "$tmp/workloads"
rows=$(wc -l < "$tmp/workloads")
[ "$rows" -gt 0 ] || { echo "plot.sh: no samples" >&2; exit 1; }
row=0
{
	cat <<GP
set terminal pngcairo noenhanced size 1500,$((rows * 330 + 50)) font ",10"
set output "$out"
set datafile separator ","
set multiplot title "syncmap-stress: Go's classic read/dirty policy against SYNCMAP_BOUNDED, per workload"
set grid
set format x "%.1s%c"
set autoscale xfix
set yrange [0:*]
set xlabel "map calls"
set lmargin 9
# Classic is drawn wide and light under bounded, so that both show where
# the policies agree.
set style line 1 lw 5 lc rgb "#e0a000"
set style line 2 lw 2 lc rgb "#0060c0"
set style line 3 lw 2 dt 2 lc rgb "#c00000"
cl = "classic"; bd = "bounded"
is(w, p) = strcol(1) eq w && strcol(2) eq p
# x is undefined on other workloads' rows, so that each panel's range is
# its own workload's.
x(w) = strcol(1) eq w ? \$3 : NaN
# One key for every panel, in a strip of its own, so that none hides data.
set origin 0,0.955
set size 1,0.025
unset border
unset tics
unset xlabel
set yrange [0:1]
set key center center horizontal samplen 3
plot NaN with lines ls 1 title "classic", NaN with lines ls 2 title "bounded", \
     NaN with lines ls 3 title "bounded's bound: max(live, 64) dead, 3 x sum(klen + 64) + 256 KiB heap", \
     NaN with lines lw 2 dt 3 lc rgb "black" title "heap with retired memory awaiting its grace period (threads)"
unset key
set border
set tics
set xtics nomirror
set ytics nomirror
set xlabel "map calls"
set yrange [0:*]
GP
	while read -r w maxdead pending step; do
		dead=$([ "$maxdead" -gt 1 ] && echo 1 || echo 0)
		case $maxdead in 0) few="no dead entries" ;; 1) few="at most 1 dead entry" ;; *) few= ;; esac
		retired=
		[ "$pending" = 0 ] || retired=", \\
     \"$csv\" using (x(\"$w\")):(is(\"$w\", cl) ? \$9 / 1048576 : NaN) with lines lw 2 dt 3 lc rgb \"#e0a000\" title \"classic, retired included\", \\
     \"$csv\" using (x(\"$w\")):(is(\"$w\", bd) ? \$9 / 1048576 : NaN) with lines lw 2 dt 3 lc rgb \"#0060c0\" title \"bounded, retired included\""
		panels=$((dead + 2))
		y=$(awk -v r="$row" -v n="$rows" 'BEGIN { printf "%.4f", (n - 1 - r) / n * 0.95 }')
		h=$(awk -v n="$rows" 'BEGIN { printf "%.4f", 0.95 / n }')
		wd=$(awk -v p="$panels" 'BEGIN { printf "%.4f", 1 / p }')
		cat <<GP
set size $wd,$h
set origin 0,$y
set xtics $step
set title "$w - heap held (MiB)${few:+, $few at any sample}"
set format y "%g"
plot "$csv" using (x("$w")):(is("$w", cl) ? (\$9 - \$10) / 1048576 : NaN) with lines ls 1 title "classic", \
     "$csv" using (x("$w")):(is("$w", bd) ? (\$9 - \$10) / 1048576 : NaN) with lines ls 2 title "bounded", \
     "$csv" using (x("$w")):(is("$w", bd) ? (3 * \$4 * ($klen + 64) + 262144) / 1048576 : NaN) with lines ls 3 title "bounded's bound"$retired
GP
		if [ "$dead" = 1 ]; then
			cat <<GP
set origin $wd,$y
set title "$w - dead entries"
set format y "%.1s%c"
plot "$csv" using (x("$w")):(is("$w", cl) ? \$7 : NaN) with lines ls 1 title "classic", \
     "$csv" using (x("$w")):(is("$w", bd) ? \$7 : NaN) with lines ls 2 title "bounded", \
     "$csv" using (x("$w")):(is("$w", bd) ? (\$4 > 64 ? \$4 : 64) : NaN) with lines ls 3 title "bounded's bound: max(live, 64)"
GP
		fi
		cat <<GP
set origin $(awk -v p="$panels" 'BEGIN { printf "%.4f", (p - 1) / p }'),$y
set title "$w - throughput since the start (million calls/s)"
set format y "%g"
plot "$csv" using (x("$w")):(is("$w", cl) ? \$14/1e6 : NaN) with lines ls 1 title "classic", \
     "$csv" using (x("$w")):(is("$w", bd) ? \$14/1e6 : NaN) with lines ls 2 title "bounded"
GP
		row=$((row + 1))
	done < "$tmp/workloads"
	echo "unset multiplot"
} > "$tmp/plot.gp"
gnuplot "$tmp/plot.gp"
echo "wrote $out${CSV:+ (samples: $CSV)}"
