#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs every workload under both policies and plots, per workload, the heap
# held and the dead entries against map calls, classic against bounded:
#   stress/plot.sh [OUT.png [syncmap-stress options...]]
# Needs gnuplot (Debian's gnuplot-nox).  Keeps the CSV beside the PNG.
set -eu
out=${1:-syncmap-bloat.png}
[ $# -gt 0 ] && shift
csv=${out%.png}.csv
here=$(dirname "$0")
command -v gnuplot >/dev/null || { echo "plot.sh: needs gnuplot (apt-get install gnuplot-nox)" >&2; exit 1; }
"$here/syncmap-stress" -o "$csv" "$@"
workloads=$(awk -F, 'NR > 1 && !seen[$1]++ { printf "%s ", $1 }' "$csv")
n=$(echo $workloads | wc -w)
gnuplot <<GP
set terminal pngcairo noenhanced size 1400,$((n * 300 + 60)) font ",10"
set output "$out"
set datafile separator ","
set multiplot layout $n,2 title "syncmap-stress: Go's classic read/dirty policy against SYNCMAP_BOUNDED"
set key top right box opaque
set grid
set format x "%.1s%c"
do for [w in "$workloads"] {
	set title w." - heap held (MiB)"
	plot "$csv" using 3:(strcol(1) eq w && strcol(2) eq "classic" ? \$9/1048576 : NaN) with lines lw 2 title "classic", \
	     "$csv" using 3:(strcol(1) eq w && strcol(2) eq "bounded" ? \$9/1048576 : NaN) with lines lw 2 title "bounded"
	set title w." - dead entries"
	plot "$csv" using 3:(strcol(1) eq w && strcol(2) eq "classic" ? \$7 : NaN) with lines lw 2 title "classic", \
	     "$csv" using 3:(strcol(1) eq w && strcol(2) eq "bounded" ? \$7 : NaN) with lines lw 2 title "bounded", \
	     "$csv" using 3:(strcol(1) eq w && strcol(2) eq "bounded" ? (\$4 > 64 ? \$4 : 64) : NaN) with lines dt 2 lc rgb "gray" title "bound: max(live, 64)"
}
unset multiplot
GP
echo "wrote $out (data: $csv)"
