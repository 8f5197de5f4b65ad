#!/usr/bin/env bash
# Builds the benchmarks' set of real documents in OUT: the Paris Call PDFs
# (COPIES copies of each, every copy other bytes: a trailing comment after
# %%EOF, which readers ignore), the texts of ../shared/labeled and
# examples/src rendered to PDF by internal/pdfgen at three line widths and,
# when groff's PDF device is installed, by groff at two point sizes, and
# the PDFs of examples/corpus. bench/ingest/run.sh and bench/nats/run.sh
# both measure on it; on the development VM it is 30 PDFs, 547 pages.
#
# Usage: bench/realset.sh OUT   (run from the repository's root)
# Environment: COPIES=3; SHARED=../shared; REALDOCS=<path of a built
# bench/ingest/realdocs> (built here when unset).
set -euo pipefail
out=${1:?usage: bench/realset.sh OUT}
copies=${COPIES:-3}
shared=${SHARED:-../shared}
mkdir -p "$out"
realdocs=${REALDOCS:-}
if [ -z "$realdocs" ]; then
	realdocs=$(mktemp)
	trap 'rm -f "$realdocs"' EXIT
	go build -o "$realdocs" ./bench/ingest/realdocs
fi
for f in "$shared"/corpora/policy/pariscall/*.pdf; do
	[ -f "$f" ] || continue
	b=$(basename "$f" .pdf)
	cp "$f" "$out/$b.pdf"
	for ((i = 2; i <= copies; i++)); do
		{ cat "$f"; printf '\n%% copy %d\n' "$i"; } >"$out/$b-copy$i.pdf"
	done
done
texts=()
for f in "$shared"/labeled/*.txt examples/src/*.txt; do [ -f "$f" ] && texts+=("$f"); done
if [ ${#texts[@]} -gt 0 ]; then
	"$realdocs" -out "$out" -widths 60,75,90 "${texts[@]}"
	if printf '.LP\nx\n' | groff -Tpdf -ms >/dev/null 2>&1; then
		for f in "${texts[@]}"; do
			for ps in 10 12; do
				# One .PP per paragraph; lines starting with a control
				# character are escaped so groff prints them.
				{ printf '.nr PS %d\n.nr VS %d\n' "$ps" $((ps + 2)); awk 'NF { gsub(/\\/, "\\e"); sub(/^[.'"'"']/, "\\\\\\&&"); print ".PP"; print }' "$f"; } |
					groff -k -Tpdf -ms 2>/dev/null >"$out/$(basename "$f" .txt)-groff$ps.pdf" || rm -f "$out/$(basename "$f" .txt)-groff$ps.pdf"
			done
		done
	else
		echo "(groff's PDF device not available: real documents rendered by internal/pdfgen only)" >&2
	fi
fi
cp examples/corpus/*.pdf "$out/" 2>/dev/null || true
