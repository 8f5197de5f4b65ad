#!/usr/bin/env bash
# Ingest benchmark: normtag's full pipeline (extract + tag + store + index)
# against pdftotext run over the same PDFs with one process per core, in
# the same run; then re-ingest of the unchanged tree; then a generated
# corpus at 1,000 and 10,000 documents for how cost and memory grow.
#
# Usage: bench/ingest/run.sh [PDF_DIR...]   (default: ../shared/corpora)
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/normtag" ./cmd/normtag
go build -o "$work/gen" ./bench/ingest/gen
cores=$(nproc)
# Both tools get the same per-file time limit, so files that make a
# parser loop cost the same on each side.
export limit=${TIMEOUT:-20}
dirs=("$@")
[ ${#dirs[@]} -eq 0 ] && dirs=(../shared/corpora)
for d in "${dirs[@]}"; do [ -d "$d" ] || { echo "missing $d (the shared corpora); nothing to measure" >&2; exit 0; }; done

now() { date +%s.%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

find "${dirs[@]}" -type f -iname '*.pdf' -print0 > "$work/pdfs"
npdf=$(tr -cd '\0' < "$work/pdfs" | wc -c)

# Pages as poppler counts them (files it cannot open count 0).
pages=$( (xargs -0 -P "$cores" -n 1 sh -c 'timeout 10 pdfinfo "$0" 2>/dev/null | awk "/^Pages:/ {print \$2}"; true' < "$work/pdfs" || true) | awk '{s+=$1} END {print s+0}')

echo "== reference: pdftotext, $cores parallel processes, $npdf PDFs, $pages pages, ${limit}s limit per file"
t0=$(now)
xargs -0 -P "$cores" -n 1 sh -c 'timeout "$limit" pdftotext -q "$0" - >/dev/null 2>&1 || true' < "$work/pdfs"
t1=$(now)
ref=$(awk -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.3f", t1 - t0 }')
ref_pps=$(awk -v p="$pages" -v s="$ref" 'BEGIN { printf "%.1f", p / s }')
echo "pdftotext: ${ref}s, ${ref_pps} pages/s"

echo "== normtag ingest (first run)"
/usr/bin/time -f "%e %M" -o "$work/time1" "$work/normtag" ingest --quiet --timeout "${limit}s" --data "$work/data" --report "$work/report.json" "${dirs[@]}" >/dev/null 2>"$work/err1" || true
read -r secs rss < <(tail -1 "$work/time1")
docs=$(grep -o '"added": *[0-9]*' "$work/report.json" | grep -o '[0-9]*$')
failed=$(grep -o '"failed": *[0-9]*' "$work/report.json" | head -1 | grep -o '[0-9]*$')
nt_pps=$(awk -v p="$pages" -v s="$secs" 'BEGIN { printf "%.1f", p / s }')
echo "normtag: ${secs}s, $docs documents stored, $failed failed, $(awk -v d="$docs" -v s="$secs" 'BEGIN { printf "%.1f", d / s }') documents/s, ${nt_pps} pages/s, peak RSS $((rss / 1024)) MiB"
echo "ratio pages/s normtag / pdftotext: $(ratio "$nt_pps" "$ref_pps")  (target >= 0.7)"

echo "== normtag ingest (unchanged tree)"
/usr/bin/time -f "%e %M" -o "$work/time2" "$work/normtag" ingest --quiet --data "$work/data" "${dirs[@]}" >/dev/null 2>&1 || true
read -r secs2 rss2 < <(tail -1 "$work/time2")
echo "re-ingest: ${secs2}s, peak RSS $((rss2 / 1024)) MiB; speed-up over first run: $(ratio "$secs" "$secs2")x  (target >= 20)"

for n in 1000 10000; do
	echo "== generated corpus: $n documents"
	rm -rf "$work/gen-$n" "$work/data-$n"
	"$work/gen" -n "$n" -out "$work/gen-$n"
	/usr/bin/time -f "%e %M" -o "$work/time-$n" "$work/normtag" ingest --quiet --data "$work/data-$n" --report "$work/report-$n.json" "$work/gen-$n" >/dev/null 2>&1 || true
	read -r s m < <(tail -1 "$work/time-$n")
	gp=$(grep -o '"pages": *[0-9]*' "$work/report-$n.json" | head -1 | grep -o '[0-9]*$')
	echo "$n documents: ${s}s, $(awk -v d="$n" -v s="$s" 'BEGIN { printf "%.1f", d / s }') documents/s, $(awk -v p="$gp" -v s="$s" 'BEGIN { printf "%.1f", p / s }') pages/s, peak RSS $((m / 1024)) MiB (target < 1024 MiB at 10,000)"
	rm -rf "$work/gen-$n" "$work/data-$n"
done
