#!/usr/bin/env bash
# Extraction benchmark: normtag extract and pdftotext on the same PDFs in
# one run. Prints per file the word F1 of each tool against a reference
# text where one exists (the golden PDFs' source; otherwise normtag is
# scored against pdftotext) and the time ratio normtag / pdftotext; then
# pages per second on generated 200- and 2,000-page PDFs. Times are the
# median of five runs of each tool.
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
# median wall time of five runs of a command, in seconds: a single run
# of a 10-100 ms command is at the mercy of the machine's noise.
median() {
	local ts=() t0 t1
	for _ in 1 2 3 4 5; do
		t0=$(now); "$@" > /dev/null 2>&1 || true; t1=$(now)
		ts+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
	done
	printf '%s\n' "${ts[@]}" | sort -g | sed -n 3p
}
printf "%-44s %8s %8s %9s %9s %7s\n" file F1-ours F1-pdftt ours-s pdftt-s ratio
for f in "${files[@]}"; do
	"$work/normtag" extract "$f" > "$work/ours.txt" 2>/dev/null || true
	pdftotext -q "$f" "$work/ref.txt" 2>/dev/null || true
	ours_s=$(median "$work/normtag" extract "$f")
	ref_s=$(median pdftotext -q "$f" -)
	ref="$work/ref.txt"; theirs="-"
	case "$f" in
	"$golden"/*)
		ref="$golden/source.txt"
		case "$f" in *footnote*|*objstreams*) cat "$golden/source.txt" > "$work/src.txt"; echo "1 The founding act was adopted by parliament with a large majority." >> "$work/src.txt"; ref="$work/src.txt";; esac
		case "$f" in *merged*) cat "$golden/source.txt" "$golden/source.txt" > "$work/src.txt"; ref="$work/src.txt";; esac
		theirs=$("$work/wordf1" "$work/ref.txt" "$ref");;
	esac
	ours=$("$work/wordf1" "$work/ours.txt" "$ref")
	awk -v f="$(basename "$f" | cut -c1-44)" -v o="$ours" -v th="$theirs" -v x="$ours_s" -v y="$ref_s" \
		'BEGIN { printf "%-44s %8s %8s %9.3f %9.3f %7.2f\n", f, o, th, x, y, x / y }'
done
echo
for n in 200 2000; do
	"$work/genpdf" -pages "$n" -out "$work/gen-$n.pdf"
	ours_s=$(median "$work/normtag" extract "$work/gen-$n.pdf")
	ref_s=$(median pdftotext -q "$work/gen-$n.pdf" -)
	awk -v n="$n" -v x="$ours_s" -v y="$ref_s" 'BEGIN {
		printf "%5d pages: normtag %.2fs (%.0f pages/s), pdftotext %.2fs (%.0f pages/s), time ratio %.2f (target <= 1.5)\n",
			n, x, n / x, y, n / y, x / y }'
done
