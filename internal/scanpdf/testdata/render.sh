#!/usr/bin/env bash
# Renders the source texts in src/ to page images, the "scans" the OCR
# tests read: src/LANG.txt -> HTML -> PDF (Chromium) -> grey PNG at 300
# and 200 dpi (pdftoppm). Run from this directory after changing a text;
# the tests degrade the 200 dpi images (skew, noise) themselves. Name
# languages (render.sh ru es) to render only those.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
langs=("$@")
[ ${#langs[@]} -gt 0 ] || for src in src/*.txt; do langs+=("$(basename "$src" .txt)"); done
for lang in "${langs[@]}"; do
	src=src/$lang.txt
	dir=ltr
	[ "$lang" = ar ] && dir=rtl
	{
		printf '<!doctype html><html lang="%s" dir="%s"><meta charset="utf-8">' "$lang" "$dir"
		printf '<style>@page{size:A4;margin:25mm}body{font:13pt "DejaVu Serif","Droid Sans Fallback",serif;line-height:1.5}h1{font-size:15pt}</style><body>'
		awk 'NR==1{printf "<h1>%s</h1>", $0; next} NF{printf "<p>%s</p>", $0}' "$src"
		printf '</body></html>\n'
	} >"$tmp/$lang.html"
	chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf="$tmp/$lang.pdf" "$tmp/$lang.html" 2>/dev/null
	for dpi in 300 200; do
		pdftoppm -r "$dpi" -gray -png -singlefile -f 1 -l 1 "$tmp/$lang.pdf" "$lang-$dpi"
	done
done
