#!/usr/bin/env bash
# Regenerates the golden PDFs from source.txt (and footnote.md, the same
# text with one footnote) with several producers. Needs LibreOffice,
# pandoc, groff, Ghostscript, qpdf, poppler-utils (pdfunite) and Chromium.
# The PDFs are committed; this is only needed after editing the sources.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# 1. LibreOffice from plain text.
cp source.txt "$tmp/lo-text.txt"
soffice --headless --convert-to pdf --outdir "$tmp" "$tmp/lo-text.txt" >/dev/null 2>&1
cp "$tmp/lo-text.pdf" lo-text.pdf
# 2. LibreOffice from a DOCX with a footnote (pandoc writes the DOCX).
pandoc footnote.md -o "$tmp/lo-footnote.docx"
soffice --headless --convert-to pdf --outdir "$tmp" "$tmp/lo-footnote.docx" >/dev/null 2>&1
cp "$tmp/lo-footnote.pdf" lo-footnote.pdf
# 3. LibreOffice, two columns (flat ODT written here).
python3 - "$tmp/lo-columns.fodt" <<'PY'
import sys, html
paras = [p.strip() for p in open("source.txt").read().split("\n\n") if p.strip()]
body = "".join(f"<text:p>{html.escape(p)}</text:p>" for p in paras[1:])
doc = f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles><style:style style:name="Sect1" style:family="section"><style:section-properties><style:columns fo:column-count="2" fo:column-gap="0.5cm"/></style:section-properties></style:style></office:automatic-styles>
<office:body><office:text><text:p>{html.escape(paras[0])}</text:p><text:section text:style-name="Sect1" text:name="Columns">{body}</text:section></office:text></office:body></office:document>'''
open(sys.argv[1], "w").write(doc)
PY
soffice --headless --convert-to pdf --outdir "$tmp" "$tmp/lo-columns.fodt" >/dev/null 2>&1
cp "$tmp/lo-columns.pdf" lo-columns.pdf
# 4. groff (ms macros) to PostScript, then ps2pdf: words placed by position.
{ echo ".LP"; sed 's/^$/.LP/' source.txt; } | groff -ms -Tps > "$tmp/groff.ps"
ps2pdf "$tmp/groff.ps" groff.pdf
# 5. Ghostscript rewrite of the LibreOffice PDF.
gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -sOutputFile=gs-rewrite.pdf lo-text.pdf
# 6. qpdf with object streams.
qpdf --object-streams=generate lo-footnote.pdf qpdf-objstreams.pdf
# 7. pdfunite merge of two producers whose fonts share resource names.
pdfunite lo-text.pdf groff.pdf merged.pdf
# 9. Chromium print-to-PDF of the text as an HTML page (Debian chromium).
python3 - "$tmp/westmark.html" <<'PY'
import sys, html
paras = [p.strip() for p in open("source.txt").read().split("\n\n") if p.strip()]
body = "".join("<p>" + html.escape(p) + "</p>" for p in paras[1:])
open(sys.argv[1], "w").write('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Westmark</title>'
    '<style>body{font-family:sans-serif;margin:2cm}</style></head><body><h1>' + html.escape(paras[0]) + '</h1>' + body + '</body></html>')
PY
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
	--disable-sync --no-first-run --no-pdf-header-footer --user-data-dir="$tmp/chrome" \
	--print-to-pdf=chromium.pdf "$tmp/westmark.html" 2>/dev/null
# 8. qpdf --underlay: the text page laid under an empty page, where it
# becomes a Form XObject.
gs -q -sDEVICE=pdfwrite -sPAPERSIZE=a4 -o "$tmp/empty.pdf" -c showpage
qpdf "$tmp/empty.pdf" --underlay lo-text.pdf --from=1 -- underlay.pdf
