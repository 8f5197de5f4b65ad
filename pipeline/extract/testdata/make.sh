#!/usr/bin/env bash
# Regenerates the binary test files of pipeline/extract from the sources in
# src/ (and statement.md) with LibreOffice and pandoc. The outputs are
# committed; run this only after editing a source, then update the golden
# files with: go test ./pipeline/extract -run Golden -update
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
soffice --headless -env:UserInstallation=file://$tmp/profile --convert-to docx --outdir . src/report.fodt >/dev/null
pandoc statement.md -o statement.docx
soffice --headless -env:UserInstallation=file://$tmp/profile --convert-to pdf --outdir . statement.docx >/dev/null
