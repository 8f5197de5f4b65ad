#!/usr/bin/env bash
# Ingest benchmark: normtag's full pipeline (extract + tag + store + index)
# against pdftotext alone, over the same files with the same parallelism,
# measured in the same run; then reindex and retag of what was ingested;
# then re-ingest of an unchanged tree and generated corpora of 1,000 and
# 10,000 documents for how cost and memory grow.
#
# Rows:
#   real documents  the Paris Call PDFs (several copies, each with other
#                   bytes) and texts from ../shared/labeled and examples/
#                   rendered to PDF by two producers (internal/pdfgen and
#                   groff's gropdf when installed)
#   robustness      ../shared/corpora/robustness, or the folders given
#
# Files on which either side hits the per-file time limit are found by a
# first, untimed pass, listed apart, and left out of the timed runs, so
# one hang cannot decide a ratio. Each timed run copies nothing: both
# sides read the same folder of the same files.
#
# Prerequisites: pdftotext and pdfinfo (Debian: poppler-utils), GNU time
# (/usr/bin/time); groff with its PDF device is optional (a second PDF
# producer for the real documents). When run as root with apt-get, the
# script installs missing ones itself.
#
# Environment:
#   REPEAT=3        timed runs per row (the ratios printed are their median and range)
#   WORKERS=nproc   parallelism of both sides
#   TIMEOUT=20      per-file limit in seconds, both sides
#   COPIES=3        copies of each Paris Call PDF in the real documents
#   BASE=<git rev>  also measure that revision's normtag in the same runs (before/after):
#                   ingest, and reindex and retag of the same data directory
#   NORMTAG_CACHE_DIR  normtag's compiled-rules cache (default: a folder of this run's,
#                   warmed by the first ingest, so retag reads its rules as a user's
#                   second run does)
#   REF=db82974     the revision whose reindex is the reference for reindex
#                   speed (issue 11), built from a temporary git worktree;
#                   the same documents are ingested by it into a directory of
#                   its own; REF= skips it
#   ONLY=reindex    only the reindex and retag runs of the real documents
#   SHARED=../shared  the shared reference folder
#   SCALE=0         skip the unchanged-tree and 1,000/10,000-document runs
#   OCR="auto never"  normtag's --ocr modes timed in each run, each with its
#                   ratio: auto (the default) also reads by OCR the pages
#                   that have an image and no text, which pdftotext leaves
#                   empty; never reads the text layers only, as pdftotext
#                   does. Pages read by OCR are counted in the report.
#
# Usage: bench/ingest/run.sh [PDF_DIR...]   (robustness row; default ../shared/corpora/robustness)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"; git worktree prune 2>/dev/null || true' EXIT

need_install=()
command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null || need_install+=(poppler-utils)
[ -x /usr/bin/time ] || need_install+=(time)
if ! printf '.LP\nx\n' | groff -Tpdf -ms >/dev/null 2>&1; then need_install+=(groff); fi
if [ ${#need_install[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "installing ${need_install[*]}" >&2
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_install[@]}") >/dev/null 2>&1 || true
fi
for t in pdftotext pdfinfo /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "missing $t (install poppler-utils and time); nothing to measure" >&2; exit 1; }
done

go build -o "$work/normtag" ./cmd/normtag
go build -o "$work/gen" ./bench/ingest/gen
go build -o "$work/realdocs" ./bench/ingest/realdocs
if [ -n "${BASE:-}" ]; then
	mkdir -p "$work/base-src"
	git archive "$BASE" | tar -x -C "$work/base-src"
	(cd "$work/base-src" && go build -o "$work/normtag-base" ./cmd/normtag)
fi
export NORMTAG_CACHE_DIR=${NORMTAG_CACHE_DIR:-$work/rules-cache}
workers=${WORKERS:-$(nproc)}
repeat=${REPEAT:-3}
export limit=${TIMEOUT:-20}
copies=${COPIES:-3}
read -r -a ocr_modes <<< "${OCR:-auto never}"
shared=${SHARED:-../shared}
robust=("$@")
[ ${#robust[@]} -eq 0 ] && robust=("$shared/corpora/robustness")

now() { date +%s.%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# stats prints "median (min-max)" of the numbers on standard input.
stats() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f (%.2f-%.2f, %d runs)", m, v[1], v[NR], NR }'; }
# timed runs a command under GNU time; prints "wall cpu peak_rss_kib".
timed() {
	local out=$1; shift
	/usr/bin/time -f "%e %U %S %M" -o "$out" "$@" >/dev/null 2>&1 || true
	awk 'END { printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$out"
}
# fingerprint names every file of the live index with its size and mtime.
# The index link is a file naming index.N (a symbolic link in older data
# directories).
fingerprint() {
	local live
	if [ -L "$1/index" ]; then live=$(readlink "$1/index"); else live=$(head -1 "$1/index"); fi
	(echo "$live"; find "$1/$live/" -type f -printf '%P %s %T@\n' | sort) | md5sum | cut -c1-12
}

# --- the real-documents set -------------------------------------------
real=$work/real
COPIES=$copies SHARED=$shared REALDOCS=$work/realdocs bash bench/realset.sh "$real"

# pages counts pages as poppler does (files it cannot open count 0).
pages() { find "$1" -type f -iname '*.pdf' -print0 | xargs -0 -r -P "$workers" -n 1 sh -c 'timeout 10 pdfinfo "$0" 2>/dev/null | awk "/^Pages:/ {print \$2}"; true' | awk '{s+=$1} END {print s+0}'; }

# run_ref runs pdftotext over every PDF in a folder, WORKERS at a time,
# each under the time limit; files it timed out on go to $2 when given.
run_ref() {
	local hung=${2:-/dev/null}
	find "$1" -type f -iname '*.pdf' -print0 |
		xargs -0 -r -P "$workers" -n 1 sh -c 'timeout "$limit" pdftotext -q "$0" - >/dev/null 2>&1; [ $? -eq 124 ] && echo "$0"; true' > "$hung"
}
run_nt() { # binary data folder [report]; $ocr, when set, is the --ocr mode
	"$1" ingest --json --workers "$workers" --timeout "${limit}s" ${ocr:+--ocr "$ocr"} --data "$2" ${4:+--report "$4"} "$3"
}
# fn runs one of the functions above as a program, for GNU time.
{ echo "#!/usr/bin/env bash"; declare -f run_ref run_nt; echo "workers=$workers"; echo "\"\$@\""; } > "$work/fn"
chmod +x "$work/fn"

declare -A passages_of data_of
measure_row() { # name folder...
	local name=$1; shift
	local set=$work/set-$name
	mkdir -p "$set"
	# The row's files, numbered so that names from several folders cannot collide.
	local i=0
	while IFS= read -r -d '' f; do
		i=$((i + 1))
		cp "$f" "$set/$(printf '%05d' $i)-$(basename "$f")"
	done < <(find "$@" -type f -iname '*.pdf' -print0 | sort -z)
	echo
	echo "=== $name: $i PDFs, $(pages "$set") pages; $workers parallel on each side; ${limit}s limit per file"
	[ "$i" -gt 0 ] || return 0

	# Untimed pass: which files hang either side? It also times pdftotext
	# on each file: the slowest are shown, since a few slow files that
	# stay under the limit still weigh on the reference's pages/s.
	find "$set" -type f -iname '*.pdf' -print0 |
		xargs -0 -r -P "$workers" -n 1 sh -c 's=$(date +%s%N); timeout "$limit" pdftotext -q "$0" - >/dev/null 2>&1; rc=$?; echo "$(( ($(date +%s%N) - s) / 1000000 )) $rc $0"' > "$work/probe-ref-$name"
	awk '$2 == 124 { sub(/^[0-9]+ 124 /, ""); print }' "$work/probe-ref-$name" > "$work/hung-ref-$name"
	sort -n -r "$work/probe-ref-$name" | awk -v lim="$limit" '$2 != 124 && $1 >= 2000 && n < 5 { n++; f = $0; sub(/^[0-9]+ [0-9]+ /, "", f); printf "  slow for pdftotext (kept): %s %.1fs\n", f, $1 / 1000 }' | sed "s#$set/##"
	run_nt "$work/normtag" "$work/probe-$name" "$set" 2>/dev/null | grep '"message_type":"error"' | grep '"reason":"timeout"' |
		sed 's/.*"path":"\([^"]*\)".*/\1/' > "$work/hung-nt-$name" || true
	rm -rf "$work/probe-$name"
	local nhung=0
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		[ -f "$f" ] || continue
		local who=""
		grep -qxF "$f" "$work/hung-ref-$name" && who="pdftotext"
		grep -qxF "$f" "$work/hung-nt-$name" && who="${who:+$who and }normtag"
		echo "  timed out (${who}), left out of the timed runs: $(basename "$f") ($(timeout 10 pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}') pages)"
		rm -f "$f"
		nhung=$((nhung + 1))
	done < <(sort -u "$work/hung-ref-$name" "$work/hung-nt-$name")
	local npages
	npages=$(pages "$set")
	echo "  timed runs over $(find "$set" -type f | wc -l) PDFs, $npages pages ($nhung timed out and left out)"

	: > "$work/b-wall-$name"; : > "$work/b-cpu-$name"
	local mode
	for mode in "${ocr_modes[@]}"; do : > "$work/r-wall-$name-$mode"; : > "$work/r-cpu-$name-$mode"; : > "$work/rss-$name-$mode"; done
	for ((r = 1; r <= repeat; r++)); do
		read -r rw rc rm_ < <(timed "$work/t" "$work/fn" run_ref "$set")
		local line="  run $r: pdftotext ${rw}s (cpu ${rc}s, $(awk -v p="$npages" -v s="$rw" 'BEGIN { printf "%.0f", p / s }') pages/s)"
		for mode in "${ocr_modes[@]}"; do
			rm -rf "$work/data-$name-$mode"
			read -r nw nc nm < <(timed "$work/t" env ocr="$mode" "$work/fn" run_nt "$work/normtag" "$work/data-$name-$mode" "$set" "$work/report-$name-$mode.json")
			local ocrp
			ocrp=$(grep -o '"ocr_pages": *[0-9]*' "$work/report-$name-$mode.json" 2>/dev/null | head -1 | grep -o '[0-9]*$' || true)
			line+="; normtag --ocr $mode ${nw}s (cpu ${nc}s, $(awk -v p="$npages" -v s="$nw" 'BEGIN { printf "%.0f", p / s }') pages/s, ${ocrp:-0} pages by OCR, peak RSS $((nm / 1024)) MiB)"
			ratio "$rw" "$nw" >> "$work/r-wall-$name-$mode"; echo >> "$work/r-wall-$name-$mode"
			ratio "$nc" "$rc" >> "$work/r-cpu-$name-$mode"; echo >> "$work/r-cpu-$name-$mode"
			echo "$nm" >> "$work/rss-$name-$mode"
		done
		if [ -n "${BASE:-}" ]; then
			rm -rf "$work/base-data-$name"
			read -r bw bc bm < <(timed "$work/t" env ocr=never "$work/fn" run_nt "$work/normtag-base" "$work/base-data-$name" "$set")
			line+="; base ${bw}s (cpu ${bc}s, peak RSS $((bm / 1024)) MiB)"
			ratio "$rw" "$bw" >> "$work/b-wall-$name"; echo >> "$work/b-wall-$name"
			ratio "$bc" "$rc" >> "$work/b-cpu-$name"; echo >> "$work/b-cpu-$name"
		fi
		echo "$line"
	done
	for mode in "${ocr_modes[@]}"; do
		echo "  --ocr $mode: pages/s normtag / pdftotext: $(stats < "$work/r-wall-$name-$mode")  (target >= 0.7)"
		echo "  --ocr $mode: cpu time normtag / pdftotext: $(stats < "$work/r-cpu-$name-$mode")"
		echo "  --ocr $mode: normtag peak RSS: $(awk '$1 > m { m = $1 } END { printf "%d", m / 1024 }' "$work/rss-$name-$mode") MiB max  (target <= 400)"
	done
	if [ -n "${BASE:-}" ]; then
		echo "  base $BASE (no OCR): pages/s / pdftotext $(stats < "$work/b-wall-$name"), cpu time / pdftotext $(stats < "$work/b-cpu-$name")"
	fi
	# Reindex, retag and re-ingest use what the first mode ingested.
	mode=${ocr_modes[0]}
	cp "$work/report-$name-$mode.json" "$work/report-$name.json"
	rm -rf "$work/data-$name"
	mv "$work/data-$name-$mode" "$work/data-$name"
	passages_of[$name]=$(grep -o '"passages": *[0-9]*' "$work/report-$name.json" | head -1 | grep -o '[0-9]*$')
	data_of[$name]=$work/data-$name
}

# ref_passages prints how many passages a data directory holds, as its
# own normtag's stats says.
ref_passages() { "$1" stats --data "$2" 2>/dev/null | awk '/^passages:/ { print $2; exit }'; }

# reindex_retag times reindex and retag --all of a data directory, and,
# when the reference normtag was built, reindex of the same documents
# ingested by it into a directory of its own (refdata), in the same runs
# and in alternating order. Passage counts differ between versions (the
# segmenter changed), so the ratio is of passages per second; the CPU
# ratio is of passages per CPU second.
reindex_retag() { # name [refdata]
	local name=$1 data=${data_of[$1]} n=${passages_of[$1]} refdata=${2:-}
	[ -n "$n" ] && [ "$n" -gt 0 ] || return 0
	local rn=""
	if [ -n "$refdata" ] && [ -x "$work/normtag-ref" ]; then
		rn=$(ref_passages "$work/normtag-ref" "$refdata")
	fi
	echo
	echo "=== reindex and retag: $name corpus, $n passages${rn:+ (reference $ref: $rn passages)}"
	: > "$work/ri"; : > "$work/rt"; : > "$work/ri-ref"; : > "$work/ri-ref-cpu"; : > "$work/rt-cpu"; : > "$work/rt-base"; : > "$work/rt-base-cpu"
	for ((r = 1; r <= repeat; r++)); do
		local rw="" rc="" rm_=""
		if [ -n "$rn" ] && [ $((r % 2)) = 0 ]; then
			read -r rw rc rm_ < <(timed "$work/t" "$work/normtag-ref" reindex --data "$refdata")
		fi
		read -r iw ic im < <(timed "$work/t" "$work/normtag" reindex --data "$data")
		before=$(fingerprint "$data")
		read -r tw tc tm < <(timed "$work/t" "$work/normtag" retag --all --data "$data")
		after=$(fingerprint "$data")
		if [ -n "$rn" ] && [ -z "$rw" ]; then
			read -r rw rc rm_ < <(timed "$work/t" "$work/normtag-ref" reindex --data "$refdata")
		fi
		local base_line=""
		if [ -x "$work/normtag-base" ]; then
			# BASE's reindex and retag of the same directory, right after
			# this normtag's: same documents, same page cache.
			read -r biw bic _ < <(timed "$work/t" "$work/normtag-base" reindex --data "$data")
			read -r btw btc _ < <(timed "$work/t" "$work/normtag-base" retag --all --data "$data")
			base_line="; base reindex ${biw}s (cpu ${bic}s), retag --all ${btw}s (cpu ${btc}s)"
			ratio "$btw" "$biw" >> "$work/rt-base"; echo >> "$work/rt-base"
			ratio "$btc" "$bic" >> "$work/rt-base-cpu"; echo >> "$work/rt-base-cpu"
		fi
		local line="  run $r: reindex ${iw}s (cpu ${ic}s, $(awk -v n="$n" -v s="$iw" 'BEGIN { printf "%.0f", n / s }') passages/s, peak RSS $((im / 1024)) MiB); retag --all ${tw}s (cpu ${tc}s, peak RSS $((tm / 1024)) MiB, index $([ "$before" = "$after" ] && echo untouched || echo REWRITTEN))"
		echo "$iw" >> "$work/ri"
		ratio "$tw" "$iw" >> "$work/rt"; echo >> "$work/rt"
		ratio "$tc" "$ic" >> "$work/rt-cpu"; echo >> "$work/rt-cpu"
		if [ -n "$rn" ]; then
			line+="; reference reindex ${rw}s (cpu ${rc}s, $(awk -v n="$rn" -v s="$rw" 'BEGIN { printf "%.0f", n / s }') passages/s, peak RSS $((rm_ / 1024)) MiB)"
			awk -v n="$n" -v s="$iw" -v rn="$rn" -v rs="$rw" 'BEGIN { if (s > 0 && rn > 0) printf "%.2f\n", (n / s) / (rn / rs) }' >> "$work/ri-ref"
			awk -v n="$n" -v s="$ic" -v rn="$rn" -v rs="$rc" 'BEGIN { if (s > 0 && rn > 0) printf "%.2f\n", (n / s) / (rn / rs) }' >> "$work/ri-ref-cpu"
		fi
		echo "$line$base_line"
	done
	echo "  reindex: $(awk -v n="$n" '{ printf "%.0f\n", n / $1 }' "$work/ri" | stats) passages/s"
	echo "  retag --all (no tag changes) / reindex time: $(stats < "$work/rt")  (target <= 0.20); in CPU time: $(stats < "$work/rt-cpu")"
	if [ -s "$work/rt-base" ]; then
		echo "  base $BASE: retag --all / reindex time: $(stats < "$work/rt-base"); in CPU time: $(stats < "$work/rt-base-cpu")"
	fi
	if [ -n "$rn" ]; then
		echo "  reindex passages/s, this normtag / reference $ref: $(stats < "$work/ri-ref")  (target >= 2); passages per CPU second: $(stats < "$work/ri-ref-cpu")"
	fi
}

# The reindex reference: REF (default db82974, the commit before the
# work on reindex speed began) built from a temporary git worktree.
ref=${REF-db82974}
if [ -n "$ref" ]; then
	if git rev-parse -q --verify "$ref^{commit}" >/dev/null 2>&1 &&
		git worktree add -q --detach "$work/ref-src" "$ref" >/dev/null 2>&1; then
		(cd "$work/ref-src" && go build -o "$work/normtag-ref" ./cmd/normtag) || echo "(REF=$ref does not build: reindex reference skipped)"
		git worktree remove --force "$work/ref-src" >/dev/null 2>&1 || true
	else
		echo "(REF=$ref: no git history here to build it from; reindex reference skipped)"
	fi
fi
# ref_ingest ingests a folder with the reference normtag, untimed.
ref_ingest() { # folder data
	[ -x "$work/normtag-ref" ] || return 0
	"$work/normtag-ref" ingest --quiet --data "$2" "$1" >/dev/null 2>&1 || true
}

if [ "${ONLY:-}" = reindex ]; then
	# Reindex and retag only: the real documents ingested once, untimed.
	"$work/normtag" ingest --quiet --data "$work/data-real" --report "$work/report-real.json" "$real" >/dev/null 2>&1 || true
	passages_of[real]=$(grep -o '"passages": *[0-9]*' "$work/report-real.json" | head -1 | grep -o '[0-9]*$')
	data_of[real]=$work/data-real
	ref_ingest "$real" "$work/ref-data-real"
	reindex_retag real "$work/ref-data-real"
	exit 0
fi

measure_row real "$real"
ok=1
for d in "${robust[@]}"; do [ -d "$d" ] || ok=0; done
if [ $ok = 1 ]; then
	measure_row robustness "${robust[@]}"
else
	echo "(robustness corpus ${robust[*]} missing: row skipped)"
fi
if [ -n "${data_of[real]:-}" ]; then
	ref_ingest "$work/set-real" "$work/ref-data-real"
fi
reindex_retag real "$work/ref-data-real"

[ "${SCALE:-1}" = 0 ] && exit 0

if [ -n "${data_of[real]:-}" ]; then
	echo
	echo "=== normtag ingest of the unchanged real-documents tree"
	read -r s2 _ m2 < <(timed "$work/t" "$work/fn" run_nt "$work/normtag" "${data_of[real]}" "$work/set-real")
	echo "re-ingest: ${s2}s, peak RSS $((m2 / 1024)) MiB"
fi

for n in 1000 10000; do
	echo
	echo "=== generated corpus: $n documents"
	rm -rf "$work/gen-$n" "$work/gdata-$n"
	"$work/gen" -n "$n" -out "$work/gen-$n"
	read -r s _ m < <(timed "$work/t" "$work/normtag" ingest --quiet --data "$work/gdata-$n" --report "$work/greport-$n.json" "$work/gen-$n")
	gp=$(grep -o '"pages": *[0-9]*' "$work/greport-$n.json" | head -1 | grep -o '[0-9]*$')
	echo "$n documents: ${s}s, $(awk -v d="$n" -v s="$s" 'BEGIN { printf "%.1f", d / s }') documents/s, $(awk -v p="$gp" -v s="$s" 'BEGIN { printf "%.1f", p / s }') pages/s, peak RSS $((m / 1024)) MiB (target < 1024 MiB at 10,000)"
	# Reindex and retag where per-passage costs outweigh fixed ones.
	passages_of[gen-$n]=$(grep -o '"passages": *[0-9]*' "$work/greport-$n.json" | head -1 | grep -o '[0-9]*$')
	data_of[gen-$n]=$work/gdata-$n
	ref_ingest "$work/gen-$n" "$work/gref-$n"
	reindex_retag "gen-$n" "$work/gref-$n"
	rm -rf "$work/gen-$n" "$work/gdata-$n" "$work/gref-$n"
done
