#!/bin/sh
# bench/run.sh - every benchmark of the README in one command: Go's sync.Map
# suite on Go's own sync.Map, the same suite in C on libsyncmap and its C
# peers, bytes per key for all of them, and the ratio tables.
#
# usage: see usage() below.  Run from a built tree (make).  Go's suite
# comes from the script named by GO_PEER (default:
# ../shared/peers/go-syncmap-bench beside the source tree), which installs
# Debian's golang-go when it is missing; it runs once before and once after
# the C benchmarks, and each Go figure is the faster of the two, so that a
# quiet spell favours the peer rather than us.
# SPDX-License-Identifier: BSD-2-Clause
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
usage() {
	cat <<EOF
usage: bench/run.sh [-h] [-b REGEX] [-T SECONDS] [-r REPEAT] [-t THREADS] [-o DIR]
  -b  benchmarks whose name matches REGEX (POSIX extended; default all)
  -T  bench time of each C run (default 0.2); Go's suite gets 5 times it
  -r  C runs per figure, median reported (default 5)
  -t  thread counts, as Go's -cpu (default 1,2)
  -o  where the rows and report.md go (default bench-results)
  -h  this help
Go's suite is the script GO_PEER names (default ../shared/peers/go-syncmap-bench
beside the source tree); without it the report has the C figures alone.
EOF
}
T=0.2 r=5 threads=1,2 out=bench-results regex=
while getopts hb:T:r:t:o: opt; do
	case $opt in
	h) usage; exit 0 ;;
	b) regex=$OPTARG ;;
	T) T=$OPTARG ;;
	r) r=$OPTARG ;;
	t) threads=$OPTARG ;;
	o) out=$OPTARG ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 0 ] || { echo "run.sh: unexpected argument: $1" >&2; usage >&2; exit 2; }
bench=./bench/syncmap-bench
[ -x "$bench" ] || { echo "run.sh: $bench not built: run make first" >&2; exit 1; }
# A pattern that matches no benchmark is a mistake, said before anything runs.
if [ -n "$regex" ] && ! "$bench" -l | sed -n 's/^benchmarks: //p' | tr ' ' '\n' | grep -Eq -- "$regex"; then
	echo "run.sh: no benchmark matches '$regex' (see $bench -l)" >&2
	exit 2
fi
# Go's names start with Benchmark, and Go 1.19's LoadAndDeleteCollision is
# the C suite's LoadAndDeleteCollision-go1.19; Go's rows are then kept to
# those the pattern itself matches.
goregex=$(printf '%s' "$regex" | sed -E -e 's/(^|[|(])\^/\1^Benchmark/g' -e 's/-go1\\?\.19//g')
peer=${GO_PEER:-$src/../shared/peers/go-syncmap-bench}
gotime=$(awk -v t="$T" 'BEGIN { printf "%gs", 5 * t }')
mkdir -p "$out"
rm -f "$out"/*.tsv

go_suite() {
	if [ -x "$peer" ]; then
		echo "== Go's sync.Map suite, -cpu $threads -benchtime $gotime ($1)" >&2
		# The peer runs Go 1.19's suite, whose LoadAndDeleteCollision is
		# the body the C suite calls LoadAndDeleteCollision-go1.19.
		"$peer" -cpu "$threads" -benchtime "$gotime" ${goregex:+-bench "$goregex"} |
			sed 's/^LoadAndDeleteCollision	/LoadAndDeleteCollision-go1.19	/' |
			RE=$regex awk -F '\t' '$1 ~ ENVIRON["RE"]' > "$out/go-$1.tsv"
	fi
}

[ -x "$peer" ] || echo "run.sh: no Go peer at $peer (set GO_PEER): C figures only" >&2
go_suite before
echo "== the suite in C, -T $T -r $r -t $threads" >&2
"$bench" -T "$T" -r "$r" -t "$threads" ${regex:+-b "$regex"} > "$out/c.tsv"
go_suite after
echo "== bytes per key" >&2
"$bench" --memory > "$out/mem.tsv"
if command -v go > /dev/null 2>&1; then
	(cd "$src/bench/go-mem" && GOCACHE="${GOCACHE:-/tmp/go-mem-cache}" go run main.go) >> "$out/mem.tsv"
fi
"$src/bench/report.sh" "$out"/*.tsv > "$out/report.md"
cat "$out/report.md"
