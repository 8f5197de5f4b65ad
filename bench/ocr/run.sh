#!/usr/bin/env bash
# OCR benchmark: pages per second of `normtag ingest` on image-only PDFs
# (rasterising or taking out each page's image, Tesseract, then segment,
# tag, store and index) against `tesseract` alone on the same page images,
# with the same parallelism, in the same run. Both run Tesseract single-
# threaded (OMP_THREAD_LIMIT=1), normtag's parallelism being its
# extraction workers and Tesseract's xargs -P.
#
# Rows, each summed over the languages:
#   lang given   normtag --ocr-lang LANG, tesseract -l LANG
#   lang found   normtag detects each document's language (script
#                detection, and for Latin script a second read when the
#                first language was wrong); tesseract is told the right one
# The sides alternate (tesseract, normtag, tesseract, normtag...) so a
# load change on the machine falls on both.
#
# Prerequisites: tesseract with the packs of LANGS, pdftoppm and pdfimages
# (Debian: tesseract-ocr tesseract-ocr-eng ... poppler-utils).
#
# Environment:
#   WORKERS=nproc   parallelism of both sides
#   COPIES=6        copies of each page image per language and quality
#   REPEAT=2        timed runs per side and row (times are summed)
#   LANGS="en fr ar zh"
#
# Usage: bench/ocr/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

WORKERS=${WORKERS:-$(nproc)}
COPIES=${COPIES:-6}
REPEAT=${REPEAT:-2}
LANGS=${LANGS:-en fr ar zh}
declare -A pack=([en]=eng [fr]=fra [es]=spa [ar]=ara [ru]=rus [zh]=chi_sim)

for t in tesseract pdftoppm pdfimages; do
	command -v "$t" >/dev/null || { echo "missing $t (Debian: tesseract-ocr, poppler-utils); nothing to measure" >&2; exit 1; }
done
for l in $LANGS; do
	tesseract --list-langs 2>/dev/null | grep -qx "${pack[$l]}" || { echo "tesseract has no ${pack[$l]} pack (tesseract-ocr-${pack[$l]//_/-}); nothing to measure" >&2; exit 1; }
done

go build -o "$work/normtag" ./cmd/normtag
go run ./bench/ocr/scans "$work/in" "$COPIES" $LANGS
export OMP_THREAD_LIMIT=1

now() { date +%s.%N; }

# tesseract_side LANG: every page image of LANG through tesseract alone.
tesseract_side() {
	find "$work/in/$1/png" -name '*.png' -print0 |
		xargs -0 -P "$WORKERS" -I{} sh -c 'tesseract "$1" - -l "$2" >/dev/null 2>&1' _ {} "${pack[$1]}"
}

# normtag_side LANG given|found: ingest LANG's scans into a fresh data directory.
normtag_side() {
	local args=()
	[ "$2" = given ] && args=(--ocr-lang "${pack[$1]}")
	rm -rf "$work/data"
	"$work/normtag" ingest --data "$work/data" --quiet --workers "$WORKERS" "${args[@]}" "$work/in/$1/pdf" >/dev/null
}
# normtag_check LANG: every page of LANG was read by OCR (outside the
# timed part: a check, not ingest's work).
normtag_check() {
	local n
	n=$("$work/normtag" stats --data "$work/data" --format json | sed -n 's/.*"ocr_pages": *\([0-9]*\).*/\1/p')
	[ "$n" = "$(find "$work/in/$1/pdf" -name '*.pdf' | wc -l)" ] || { echo "normtag read $n pages by OCR in $1, not all" >&2; exit 1; }
}

pages=0
for l in $LANGS; do pages=$((pages + $(find "$work/in/$l/png" -name '*.png' | wc -l))); done
echo "pages per run: $pages ($LANGS; $COPIES copies of a 300 dpi clean and a 200 dpi noisy page each), workers $WORKERS, repeat $REPEAT"
printf '%-12s %14s %14s %8s\n' row "tesseract p/s" "normtag p/s" ratio
for row in given found; do
	t_tess=0 t_norm=0
	for _ in $(seq "$REPEAT"); do
		for l in $LANGS; do
			s=$(now); tesseract_side "$l"; e=$(now)
			t_tess=$(echo "$t_tess + $e - $s" | bc -l)
			s=$(now); normtag_side "$l" "$row"; e=$(now)
			t_norm=$(echo "$t_norm + $e - $s" | bc -l)
			normtag_check "$l"
		done
	done
	total=$((pages * REPEAT))
	printf '%-12s %14.3f %14.3f %8.3f\n' "lang $row" "$(echo "$total / $t_tess" | bc -l)" "$(echo "$total / $t_norm" | bc -l)" "$(echo "$t_tess / $t_norm" | bc -l)"
done
