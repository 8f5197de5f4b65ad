#!/usr/bin/env bash
# Regenerates examples/corpus from the sources in examples/src:
#   examplia-national-report.fodt -> PDF      (LibreOffice)
#   fictivie-declaration.md       -> DOCX -> PDF (pandoc, then LibreOffice)
#   acme-supply-chain.md          -> DOCX     (pandoc: real Word heading styles)
#   drw-statement.html, northern-forum-submission.txt: copied as they are.
# Needs pandoc and LibreOffice (Debian: pandoc, libreoffice-writer-nogui).
# The outputs are committed, so run this only after editing a source; then
# re-run the end-to-end tests (go test ./cmd/normtag -run SampleCorpus),
# which check on which page each norm is found.
set -euo pipefail
cd "$(dirname "$0")"
for tool in soffice pandoc; do
	command -v "$tool" >/dev/null || { echo "build.sh: $tool not found" >&2; exit 1; }
done
out=corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A throw-away LibreOffice profile: works next to a running instance and
# does not depend on the user's settings.
lo() { soffice --headless "-env:UserInstallation=file://$tmp/profile" "$@" >/dev/null; }
# Fixed timestamps inside the pandoc DOCX, so that rebuilding an unchanged
# source gives the same bytes (and the same document id).
export SOURCE_DATE_EPOCH=1678780800

lo --convert-to pdf --outdir "$out" src/examplia-national-report.fodt
pandoc src/fictivie-declaration.md -o "$tmp/fictivie-declaration.docx"
lo --convert-to pdf --outdir "$out" "$tmp/fictivie-declaration.docx"
pandoc src/acme-supply-chain.md -o "$out/acme-supply-chain.docx"
cp src/drw-statement.html src/northern-forum-submission.txt "$out/"
echo "build.sh: wrote $(ls "$out" | wc -l) files to examples/$out"
