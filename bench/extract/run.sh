#!/usr/bin/env bash
# Extraction benchmark: normtag extract and pdftotext on the same PDFs in
# one run. Prints per file the word F1 of each tool against a reference
# text where one exists (the golden PDFs' source; otherwise normtag is
# scored against pdftotext) and the time ratio normtag / pdftotext; then
# pages per second on generated 200- and 2,000-page PDFs.
# Usage: bench/extract/run.sh [PDF...]   (default: golden PDFs + ../shared Paris Call PDFs)
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/normtag" ./cmd/normtag
go build -o "$work/genpdf" ./bench/extract/genpdf
go build -o "$work/wordf1" ./bench/extract/wordf1
golden=pipeline/extract/pdf/testdata/golden
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
	files=("$golden"/*.pdf)
	for f in ../shared/corpora/policy/pariscall/*.pdf; do [ -f "$f" ] && files+=("$f"); done
fi
now() { date +%s.%N; }
printf "%-44s %8s %8s %9s %9s %7s\n" file F1-ours F1-pdftt ours-s pdftt-s ratio
for f in "${files[@]}"; do
	t0=$(now); "$work/normtag" extract "$f" > "$work/ours.txt" 2>/dev/null || true; t1=$(now)
	pdftotext -q "$f" "$work/ref.txt" 2>/dev/null || true; t2=$(now)
	ref="$work/ref.txt"; theirs="-"
	case "$f" in
	"$golden"/*)
		ref="$golden/source.txt"
		case "$f" in *footnote*|*objstreams*) cat "$golden/source.txt" > "$work/src.txt"; echo "1 The founding act was adopted by parliament with a large majority." >> "$work/src.txt"; ref="$work/src.txt";; esac
		case "$f" in *merged*) cat "$golden/source.txt" "$golden/source.txt" > "$work/src.txt"; ref="$work/src.txt";; esac
		theirs=$("$work/wordf1" "$work/ref.txt" "$ref");;
	esac
	ours=$("$work/wordf1" "$work/ours.txt" "$ref")
	awk -v f="$(basename "$f" | cut -c1-44)" -v o="$ours" -v th="$theirs" -v a="$t0" -v b="$t1" -v c="$t2" \
		'BEGIN { printf "%-44s %8s %8s %9.3f %9.3f %7.2f\n", f, o, th, b - a, c - b, (b - a) / (c - b) }'
done
echo
for n in 200 2000; do
	"$work/genpdf" -pages "$n" -out "$work/gen-$n.pdf"
	t0=$(now); "$work/normtag" extract "$work/gen-$n.pdf" > /dev/null; t1=$(now)
	pdftotext -q "$work/gen-$n.pdf" - > /dev/null; t2=$(now)
	awk -v n="$n" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
		printf "%5d pages: normtag %.2fs (%.0f pages/s), pdftotext %.2fs (%.0f pages/s), time ratio %.2f (target <= 1.5)\n",
			n, b - a, n / (b - a), c - b, n / (c - b), (b - a) / (c - b) }'
done
