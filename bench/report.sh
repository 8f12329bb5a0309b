#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# bench/report.sh - turns benchmark rows into Markdown ratio tables.
#
# usage: bench/report.sh FILE...   (or rows on standard input)
#
# Rows are bench <TAB> impl <TAB> threads <TAB> figure [<TAB> min <TAB> max],
# as syncmap-bench, syncmap-bench --memory, bench/go-mem and
# ../shared/peers/go-syncmap-bench print them; min and max are the fastest
# and slowest of the runs behind the figure.  A row given twice (Go's suite
# run before and after the C benchmarks, say) counts at its smaller figure,
# and its spread covers both.
#
# For each thread count: ns/op of every implementation with its spread,
# then each one as a ratio to Go's sync.Map on the benchmarks Go's suite
# has, with their geometric mean (or a plain note that Go's figures were
# not available); LoadMostlyHits against rculfhash and the floor; and bytes
# per key with their ratio to Go's.
set -eu

awk -F '\t' '
(NF == 4 || NF == 6) && $4 + 0 > 0 {
	k = $1 SUBSEP $2 SUBSEP $3
	lo = NF == 6 ? $5 + 0 : $4 + 0
	hi = NF == 6 ? $6 + 0 : $4 + 0
	if (!(k in val) || $4 + 0 < val[k]) val[k] = $4 + 0
	if (!(k in low) || lo < low[k]) low[k] = lo
	if (!(k in high) || hi > high[k]) high[k] = hi
	if ($1 ~ /^mem:/) {
		if (!($1 in mseen)) { mseen[$1] = 1; mstate[++nm] = $1 }
	} else {
		if (!($1 in bseen)) { bseen[$1] = 1; bench[++nb] = $1 }
		if (!($3 in tseen)) { tseen[$3] = 1; thr[++nt] = $3 + 0 }
		timed[$2] = 1
	}
	if (!($2 in iseen)) { iseen[$2] = 1; seen_impl[$2] = 1 }
}
function has(b, i, t) { return ((b SUBSEP i SUBSEP t) in val) }
function get(b, i, t) { return val[b SUBSEP i SUBSEP t] }
function ratio(x, y) { return sprintf("%.2f", x / y) }
# A figure with the fastest and slowest run behind it, when they differ.
function spread(b, i, t,   k) {
	k = b SUBSEP i SUBSEP t
	if (sprintf("%.1f", low[k]) == sprintf("%.1f", high[k])) return sprintf("%.1f", val[k])
	return sprintf("%.1f (%.1f-%.1f)", val[k], low[k], high[k])
}
END {
	GO = "go-sync.Map"
	# Columns in a fixed order; implementations nobody ran are left out.
	n = split("go-sync.Map classic bounded typed rwlock mutex sharded rculfhash ck_hs tbb michael feldman cuckoo floor", order, " ")
	ni = 0
	for (j = 1; j <= n; j++) if (order[j] in seen_impl) impl[++ni] = order[j]
	# The timing tables: implementations with timings (go-mem alone gives
	# Go bytes per key, not ns/op).
	nti = 0
	for (j = 1; j <= ni; j++) if (impl[j] in timed) timp[++nti] = impl[j]
	for (a = 1; a <= nt; a++) for (b = a + 1; b <= nt; b++)
		if (thr[b] < thr[a]) { x = thr[a]; thr[a] = thr[b]; thr[b] = x }

	for (a = 1; a <= nt; a++) {
		t = thr[a]
		printf "### %d thread%s: ns/op (fastest-slowest run)\n\n| benchmark |", t, t == 1 ? "" : "s"
		for (j = 1; j <= nti; j++) printf " %s |", timp[j]
		printf "\n|---|"
		for (j = 1; j <= nti; j++) printf "---:|"
		printf "\n"
		for (b = 1; b <= nb; b++) {
			printf "| %s |", bench[b]
			for (j = 1; j <= nti; j++)
				printf " %s |", has(bench[b], timp[j], t) ? spread(bench[b], timp[j], t) : ""
			printf "\n"
		}
		printf "\n"

		ngo = 0
		for (b = 1; b <= nb; b++) ngo += has(bench[b], GO, t)
		if (ngo == 0) {
			printf "### %d thread%s: no ratio to Go'\''s sync.Map\n\n", t, t == 1 ? "" : "s"
			printf "Go'\''s sync.Map figures were not available: no Go peer ran (see GO_PEER in bench/run.sh), or its suite, Go 1.19'\''s, has none of these benchmarks.\n\n"
			continue
		}
		printf "### %d thread%s: ratio to Go'\''s sync.Map (below 1 is faster)\n\n| benchmark |", t, t == 1 ? "" : "s"
		for (j = 1; j <= nti; j++) if (timp[j] != GO && timp[j] != "floor") printf " %s |", timp[j]
		printf "\n|---|"
		for (j = 1; j <= nti; j++) if (timp[j] != GO && timp[j] != "floor") printf "---:|"
		printf "\n"
		for (j = 1; j <= nti; j++) { logsum[j] = 0; cnt[j] = 0 }
		for (b = 1; b <= nb; b++) {
			if (!has(bench[b], GO, t)) continue
			printf "| %s |", bench[b]
			for (j = 1; j <= nti; j++) {
				if (timp[j] == GO || timp[j] == "floor") continue
				if (has(bench[b], timp[j], t)) {
					r = get(bench[b], timp[j], t) / get(bench[b], GO, t)
					logsum[j] += log(r); cnt[j]++
					printf " %.2f |", r
				} else printf " |"
			}
			printf "\n"
		}
		printf "| **geometric mean** |"
		for (j = 1; j <= nti; j++) {
			if (timp[j] == GO || timp[j] == "floor") continue
			printf " **%s** |", cnt[j] ? sprintf("%.2f", exp(logsum[j] / cnt[j])) : ""
		}
		printf "\n\n"
	}

	lm = "LoadMostlyHits"
	for (a = 1; a <= nt; a++) {
		t = thr[a]
		for (j = 1; j <= ni; j++) {
			if (impl[j] != "classic" && impl[j] != "bounded") continue
			if (!has(lm, impl[j], t)) continue
			line = ""
			if (has(lm, "rculfhash", t))
				line = sprintf("%s x rculfhash", ratio(get(lm, impl[j], t), get(lm, "rculfhash", t)))
			if (has(lm, "floor", t))
				line = line (line != "" ? ", " : "") sprintf("%s x the floor", ratio(get(lm, impl[j], t), get(lm, "floor", t)))
			if (line != "") printf "- LoadMostlyHits, %s, %d thread%s: %s\n", impl[j], t, t == 1 ? "" : "s", line
		}
	}
	if (nm == 0) exit
	printf "\n### Bytes per live key (16-byte keys)\n\n| implementation |"
	for (s = 1; s <= nm; s++) printf " %s |", substr(mstate[s], 5)
	if (GO in seen_impl) for (s = 1; s <= nm; s++) printf " %s vs Go |", substr(mstate[s], 5)
	printf "\n|---|"
	for (s = 1; s <= nm; s++) printf "---:|"
	if (GO in seen_impl) for (s = 1; s <= nm; s++) printf "---:|"
	printf "\n"
	for (j = 1; j <= ni; j++) {
		if (!has(mstate[1], impl[j], 1)) continue
		printf "| %s |", impl[j]
		for (s = 1; s <= nm; s++)
			printf " %s |", has(mstate[s], impl[j], 1) ? sprintf("%.1f", get(mstate[s], impl[j], 1)) : ""
		if (GO in seen_impl) for (s = 1; s <= nm; s++)
			printf " %s |", has(mstate[s], impl[j], 1) && has(mstate[s], GO, 1) ? \
			    ratio(get(mstate[s], impl[j], 1), get(mstate[s], GO, 1)) : ""
		printf "\n"
	}
}' "$@"
