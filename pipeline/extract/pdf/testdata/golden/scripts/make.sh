#!/usr/bin/env bash
# Renders the texts written for these tests in the six UN languages
# (ar.txt, ru.txt, zh.txt, en.txt, fr.txt, es.txt; name some to render
# only those: make.sh ar) to PDF by two producers: Chromium's
# print-to-PDF from an HTML page, and LibreOffice Writer from a flat ODT
# (right-to-left paragraphs for Arabic). The first paragraph of each text
# is its heading. Needs chromium, LibreOffice (soffice) and fonts with
# the three scripts (Debian: fonts-dejavu-core for Arabic and Cyrillic,
# fonts-droid-fallback or fonts-noto-cjk for Chinese). The PDFs are
# committed; run this only after editing a text. Besides the golden
# test, cmd/normtag's six-language OCR test ingests them.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for lang in ${@:-ar ru zh en fr es}; do
	dir=ltr
	[ "$lang" = ar ] && dir=rtl
	python3 - "$lang" "$dir" "$tmp" <<'PY'
import sys, html
lang, direction, tmp = sys.argv[1:]
paras = [p.strip() for p in open(lang + ".txt", encoding="utf-8").read().split("\n\n") if p.strip()]
# Short paragraphs without a full stop are section headings.
def is_heading(p):
    return len(p) < 100 and not p.endswith((".", "。", "،"))
body = "".join(("<h2>%s</h2>" if is_heading(p) else "<p>%s</p>") % html.escape(p) for p in paras[1:])
open(f"{tmp}/{lang}.html", "w", encoding="utf-8").write(
    f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8"><title>{html.escape(paras[0])}</title>'
    '<style>body{font-family:"DejaVu Sans","Droid Sans Fallback",sans-serif;margin:2cm;line-height:1.5}</style></head>'
    f'<body><h1>{html.escape(paras[0])}</h1>{body}</body></html>')
rtl = ' style:writing-mode="rl-tb" fo:text-align="end"' if direction == "rtl" else ""
def para(p):
    style = "H" if is_heading(p) else "P"
    return f'<text:p text:style-name="{style}">{html.escape(p)}</text:p>'
font = "DejaVu Sans" if lang != "zh" else "Droid Sans Fallback"
open(f"{tmp}/{lang}.fodt", "w", encoding="utf-8").write(f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles>
<style:style style:name="T" style:family="paragraph"><style:paragraph-properties{rtl}/><style:text-properties style:font-name="{font}" fo:font-size="16pt" fo:font-weight="bold" style:font-name-asian="{font}" style:font-size-asian="16pt" style:font-name-complex="{font}" style:font-size-complex="16pt" style:font-weight-complex="bold" style:language-complex="{lang}"/></style:style>
<style:style style:name="H" style:family="paragraph"><style:paragraph-properties fo:margin-top="0.4cm"{rtl}/><style:text-properties style:font-name="{font}" fo:font-size="13pt" fo:font-weight="bold" style:font-name-asian="{font}" style:font-size-asian="13pt" style:font-name-complex="{font}" style:font-size-complex="13pt" style:font-weight-complex="bold"/></style:style>
<style:style style:name="P" style:family="paragraph"><style:paragraph-properties fo:margin-top="0.2cm"{rtl}/><style:text-properties style:font-name="{font}" fo:font-size="11pt" style:font-name-asian="{font}" style:font-size-asian="11pt" style:font-name-complex="{font}" style:font-size-complex="11pt"/></style:style>
</office:automatic-styles>
<office:font-face-decls><style:font-face style:name="{font}" svg:font-family="'{font}'" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"/></office:font-face-decls>
<office:body><office:text><text:p text:style-name="T">{html.escape(paras[0])}</text:p>{"".join(para(p) for p in paras[1:])}</office:text></office:body></office:document>''')
PY
	chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --no-pdf-header-footer --user-data-dir="$tmp/chrome" \
		--print-to-pdf="$lang-chromium.pdf" "file://$tmp/$lang.html" 2>/dev/null
	soffice --headless "-env:UserInstallation=file://$tmp/lo-profile" \
		--convert-to pdf --outdir "$tmp" "$tmp/$lang.fodt" >/dev/null 2>&1
	cp "$tmp/$lang.pdf" "$lang-libreoffice.pdf"
done
