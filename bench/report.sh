#!/bin/sh
# bench/report.sh - turns benchmark rows into Markdown ratio tables.
#
# usage: bench/report.sh FILE...   (or rows on standard input)
#
# Rows are bench <TAB> impl <TAB> threads <TAB> figure, as syncmap-bench,
# syncmap-bench --memory, bench/go-mem and ../shared/peers/go-syncmap-bench
# print them.  A row given twice (Go's suite run before and after the C
# benchmarks, say) counts at its smaller figure.
#
# For each thread count: ns/op of every implementation, then each one as a
# ratio to Go's sync.Map on the benchmarks Go's suite has, with their
# geometric mean; LoadMostlyHits against rculfhash and the floor; and bytes
# per key with their ratio to Go's.
set -eu

awk -F '\t' '
NF == 4 && $4 + 0 > 0 {
	k = $1 SUBSEP $2 SUBSEP $3
	if (!(k in val) || $4 + 0 < val[k]) val[k] = $4 + 0
	if ($1 ~ /^mem:/) {
		if (!($1 in mseen)) { mseen[$1] = 1; mstate[++nm] = $1 }
	} else {
		if (!($1 in bseen)) { bseen[$1] = 1; bench[++nb] = $1 }
		if (!($3 in tseen)) { tseen[$3] = 1; thr[++nt] = $3 + 0 }
	}
	if (!($2 in iseen)) { iseen[$2] = 1; seen_impl[$2] = 1 }
}
function has(b, i, t) { return ((b SUBSEP i SUBSEP t) in val) }
function get(b, i, t) { return val[b SUBSEP i SUBSEP t] }
function ratio(x, y) { return sprintf("%.2f", x / y) }
END {
	GO = "go-sync.Map"
	# Columns in a fixed order; implementations nobody ran are left out.
	n = split("go-sync.Map classic bounded rwlock mutex sharded rculfhash ck_hs tbb michael feldman cuckoo floor", order, " ")
	ni = 0
	for (j = 1; j <= n; j++) if (order[j] in seen_impl) impl[++ni] = order[j]
	for (a = 1; a <= nt; a++) for (b = a + 1; b <= nt; b++)
		if (thr[b] < thr[a]) { x = thr[a]; thr[a] = thr[b]; thr[b] = x }

	for (a = 1; a <= nt; a++) {
		t = thr[a]
		printf "### %d thread%s: ns/op\n\n| benchmark |", t, t == 1 ? "" : "s"
		for (j = 1; j <= ni; j++) printf " %s |", impl[j]
		printf "\n|---|"
		for (j = 1; j <= ni; j++) printf "---:|"
		printf "\n"
		for (b = 1; b <= nb; b++) {
			printf "| %s |", bench[b]
			for (j = 1; j <= ni; j++)
				printf " %s |", has(bench[b], impl[j], t) ? sprintf("%.1f", get(bench[b], impl[j], t)) : ""
			printf "\n"
		}
		printf "\n"

		if (!(GO in seen_impl)) continue
		printf "### %d thread%s: ratio to Go'\''s sync.Map (below 1 is faster)\n\n| benchmark |", t, t == 1 ? "" : "s"
		for (j = 1; j <= ni; j++) if (impl[j] != GO && impl[j] != "floor") printf " %s |", impl[j]
		printf "\n|---|"
		for (j = 1; j <= ni; j++) if (impl[j] != GO && impl[j] != "floor") printf "---:|"
		printf "\n"
		for (j = 1; j <= ni; j++) { logsum[j] = 0; cnt[j] = 0 }
		for (b = 1; b <= nb; b++) {
			if (!has(bench[b], GO, t)) continue
			printf "| %s |", bench[b]
			for (j = 1; j <= ni; j++) {
				if (impl[j] == GO || impl[j] == "floor") continue
				if (has(bench[b], impl[j], t)) {
					r = get(bench[b], impl[j], t) / get(bench[b], GO, t)
					logsum[j] += log(r); cnt[j]++
					printf " %.2f |", r
				} else printf " |"
			}
			printf "\n"
		}
		printf "| **geometric mean** |"
		for (j = 1; j <= ni; j++) {
			if (impl[j] == GO || impl[j] == "floor") continue
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
				line = line sprintf(" %s x rculfhash;", ratio(get(lm, impl[j], t), get(lm, "rculfhash", t)))
			if (has(lm, "floor", t))
				line = line sprintf(" %s x the floor;", ratio(get(lm, impl[j], t), get(lm, "floor", t)))
			if (line != "") printf "- LoadMostlyHits, %s, %d thread%s:%s\n", impl[j], t, t == 1 ? "" : "s", line
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
