#!/usr/bin/env bash
# Share of off-topic passages the tagger tags. Extracts every PDF of an
# off-topic corpus once (default ../shared/corpora/robustness, which is not
# about cyber norms) with normtag tag --format jsonl, keeps the passages
# in a temporary file, and runs TestOfftopicCorpus over them: it re-tags
# every document whole with the current rules, lists the rules that
# fired, and fails above 0.2%. Usage: bench/offtopic/run.sh [DIR]
# (NORMTAG_OFFTOPIC_JSONL=FILE reuses passages extracted before).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-../shared/corpora/robustness}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passages=${NORMTAG_OFFTOPIC_JSONL:-}
if [ -z "$passages" ]; then
	if [ ! -d "$dir" ]; then
		echo "bench/offtopic: $dir absent" >&2
		exit 1
	fi
	go build -o "$work/normtag" ./cmd/normtag
	passages="$work/passages.jsonl"
	# Broken files are reported and skipped; the encrypted samples of
	# pdfminer.six open with the password baz.
	find "$dir" -type f -iname '*.pdf' -print0 | sort -z |
		NORMTAG_PDF_PASSWORD=baz xargs -0 "$work/normtag" tag --format jsonl >"$passages" 2>"$work/errors" || true
	echo "extracted $(wc -l <"$passages") passages ($(grep -c 'normtag:' "$work/errors" || true) files failed)"
fi
NORMTAG_OFFTOPIC_JSONL="$passages" go test ./pipeline/tag -run TestOfftopicCorpus -count=1 -v | grep -v '^    offtopic_test.go:[0-9]*: tagged'
