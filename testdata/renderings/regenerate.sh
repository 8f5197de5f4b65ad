#!/usr/bin/env bash
# Regenerates the renderings of the Estavia paper (src/paper.src, written
# for these tests) that the acceptance tests of issue 13 ingest:
#
#   estavia-chromium.pdf      HTML with CSS paged media -> Chromium --print-to-pdf
#                             (running header and "Page n of m" from @page margin
#                             boxes; the footnotes as endnotes under "Notes")
#   estavia-groff.pdf         groff -ms (.FS/.FE footnotes at the page foot, page
#                             header and footer strings) -> PostScript -> ps2pdf
#   estavia-libreoffice.docx  flat ODT (real footnotes, a contents index, header and
#                             footer) -> LibreOffice -> Word 2007 XML (word/footnotes.xml)
#   estavia-libreoffice.pdf   the same flat ODT -> LibreOffice -> PDF
#   estavia.txt               the same text, the notes gathered under "Notes" at the end
#
# Each PDF is rendered twice: the first pass prints "0" for every page in
# the table of contents; gen reads that PDF's text back (pdftotext) to find
# where each section starts, and the second pass prints those pages. The
# text version's contents carry the LibreOffice pages, as a word processor
# saving as text would.
#
# Needs go, chromium, groff, ghostscript (ps2pdf), LibreOffice (Debian:
# libreoffice-writer-nogui) and poppler-utils (pdftotext). The outputs are
# committed and CI does not run this: run it after editing src/ or gen/,
# then run the tests that read them (go test ./pipeline -run Renderings).
# The renderings carry today's date as their creation date on purpose: the
# tests check that the date printed on the first page wins over it.
set -euo pipefail
cd "$(dirname "$0")"
for tool in go chromium groff ps2pdf soffice pdftotext; do
	command -v "$tool" >/dev/null || { echo "regenerate.sh: $tool not found" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/gen" ./gen
gen() { "$tmp/gen" -src src/paper.src "$@"; }

render() { # render PASS: writes $tmp/PASS-*.pdf and the DOCX
	local pass=$1 pages
	pages() { [ -f "$tmp/$1.pages" ] && echo "-pages=$tmp/$1.pages" || true; }

	gen -format html $(pages chromium) >"$tmp/estavia.html"
	chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
		"--user-data-dir=$tmp/chromium-profile" \
		"--print-to-pdf=$tmp/$pass-chromium.pdf" "file://$tmp/estavia.html" 2>/dev/null

	gen -format ms $(pages groff) >"$tmp/estavia.ms"
	groff -k -ms -Tps "$tmp/estavia.ms" >"$tmp/estavia.ps"
	ps2pdf "$tmp/estavia.ps" "$tmp/$pass-groff.pdf"

	gen -format fodt $(pages libreoffice) >"$tmp/estavia.fodt"
	# A throw-away profile: works next to a running LibreOffice and does
	# not depend on the user's settings.
	soffice --headless "-env:UserInstallation=file://$tmp/lo-profile" \
		--convert-to pdf --outdir "$tmp" "$tmp/estavia.fodt" >/dev/null
	mv "$tmp/estavia.pdf" "$tmp/$pass-libreoffice.pdf"
	soffice --headless "-env:UserInstallation=file://$tmp/lo-profile" \
		--convert-to 'docx:MS Word 2007 XML' --outdir "$tmp" "$tmp/estavia.fodt" >/dev/null
	mv "$tmp/estavia.docx" "$tmp/$pass-libreoffice.docx"
}

render first
for producer in chromium groff libreoffice; do
	pdftotext "$tmp/first-$producer.pdf" - | gen -format pages >"$tmp/$producer.pages"
done
render final
for producer in chromium groff libreoffice; do
	# the page numbers printed must not have moved the sections
	pdftotext "$tmp/final-$producer.pdf" - | gen -format pages | cmp -s - "$tmp/$producer.pages" ||
		{ echo "regenerate.sh: $producer: printing the contents pages moved a section" >&2; exit 1; }
	cp "$tmp/final-$producer.pdf" "estavia-$producer.pdf"
done
cp "$tmp/final-libreoffice.docx" estavia-libreoffice.docx
# (the listing is read whole: grep -q would stop unzip with SIGPIPE)
[[ $(unzip -Z1 estavia-libreoffice.docx) == *word/footnotes.xml* ]] ||
	{ echo "regenerate.sh: the DOCX has no word/footnotes.xml" >&2; exit 1; }
gen -format txt -pages="$tmp/libreoffice.pages" >estavia.txt
# what made each file, for the record
{
	echo "# producers of the committed renderings (regenerate.sh, $(date -u +%Y-%m-%d))"
	echo "chromium: $(chromium --version 2>/dev/null | head -1)"
	echo "groff: $(groff --version | head -1); ps2pdf: GPL Ghostscript $(gs --version)"
	echo "libreoffice: $(soffice --version | head -1)"
	for producer in chromium groff libreoffice; do
		echo "contents pages, $producer: $(tr '\n\t' '; ' <"$tmp/$producer.pages")"
	done
} >PRODUCERS
ls -l estavia*
