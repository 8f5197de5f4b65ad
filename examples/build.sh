#!/usr/bin/env bash
# Regenerates the PDF and DOCX files of examples/corpus from the sources in examples/src with pandoc
# and LibreOffice (Debian: pandoc, libreoffice-writer). The outputs are
# committed, so this is needed only after editing a source.
set -euo pipefail
cd "$(dirname "$0")"
out=corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pandoc src/examplia-national-report.md -o "$tmp/examplia-national-report.docx"
pandoc src/fictivie-declaration.md -o "$tmp/fictivie-declaration.docx"
pandoc src/acme-supply-chain.md -o "$out/acme-supply-chain.docx"
soffice --headless --convert-to pdf --outdir "$out" "$tmp/examplia-national-report.docx" "$tmp/fictivie-declaration.docx" >/dev/null
# drw-statement.html and northern-forum-submission.txt are written directly in corpus/.
