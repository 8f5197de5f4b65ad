#!/usr/bin/env bash
# Tagger throughput against grep -F -i -c -f <all phrases> on the same
# generated text, in the same run. Usage: bench/tagger/run.sh [MB]
set -euo pipefail
cd "$(dirname "$0")/../.."
mb=${1:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/tagger" ./bench/tagger
"$work/tagger" -mb "$mb" -text "$work/text" -phrases "$work/phrases" | tee "$work/out"
ours=$(awk '/^seconds/ {print $2}' "$work/out")
t0=$(date +%s.%N)
count=$(LC_ALL=C grep -F -i -c -f "$work/phrases" "$work/text" || true)
t1=$(date +%s.%N)
grep_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
bytes=$(stat -c %s "$work/text")
awk -v bytes="$bytes" -v g="$grep_s" -v o="$ours" -v c="$count" 'BEGIN {
	printf "grep -F -i -c -f phrases: %.2fs = %.1f MB/s (%s matching lines)\n", g, bytes / 1e6 / g, c
	printf "ratio normtag / grep throughput: %.2f\n", g / o
}'
