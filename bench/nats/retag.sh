#!/usr/bin/env bash
# Retag on NATS workers against a local retag, on one machine, in the same
# run: a corpus of N generated documents is ingested once, copied, and
# re-tagged with rules that change tags (threshold 0.9 instead of 0.5: the
# tags of 998 of 1,000 documents change) three ways:
# `retag --all` (local), `retag --all --nats --tag-here` (here: tagged in
# the process, every change sent to the change stream for search
# replicas, as any writer run with --nats does) and `retag --all --nats`
# with two worker processes (--workers 1 each; remote). Each row gives the
# wall and CPU (user + system) seconds of each, the CPU of the two workers
# together and of nats-server during the remote run, and the wall ratios
# local/remote and here/remote (above 1: the workers were faster). The
# corpora are checked equal (stats and export) after each run; each run
# uses fresh NATS names, so both --nats runs send the whole corpus to
# their empty change stream.
#
# nats-server is built from the Go module normtag's tests embed.
#
# Usage: bench/nats/retag.sh
# Environment: N=1000 generated documents; REPEAT=3 runs; BATCH=64
# documents per job (--batch-docs).
set -euo pipefail
[ -n "${TRACE:-}" ] && set -x
case "${1:-}" in -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
N=${N:-1000}
REPEAT=${REPEAT:-3}
BATCH=${BATCH:-64}
tick=$(getconf CLK_TCK)

go build -o "$work/normtag" ./cmd/normtag
go build -o "$work/nats-server" github.com/nats-io/nats-server/v2
go build -o "$work/gen" ./bench/ingest/gen

"$work/gen" -n "$N" -out "$work/docs" >/dev/null
"$work/normtag" ingest --quiet --data "$work/base" "$work/docs" >/dev/null || [ $? = 1 ]
"$work/normtag" rules dump | sed 's/^threshold: 0.5$/threshold: 0.9/' >"$work/rules.yaml"
grep -q '^threshold: 0.9$' "$work/rules.yaml" || { echo "no threshold line to change in the rules dump" >&2; exit 1; }
changed=$("$work/normtag" retag --dry-run --all --data "$work/base" --rules "$work/rules.yaml" --format json | sed -n 's/.*"changed": *\([0-9]*\).*/\1/p' | head -1)
[ "${changed:-0}" -gt 0 ] || { echo "the rules change no document's tags" >&2; exit 1; }

port=$((20000 + RANDOM % 20000))
"$work/nats-server" -js -a 127.0.0.1 -p "$port" -sd "$work/js" >"$work/nats.log" 2>&1 &
natspid=$!
pids+=($natspid)
url="nats://127.0.0.1:$port"
sleep 1

# cpu PID: user + system seconds a running process has used.
cpu() { awk -v t="$tick" '{ print ($14 + $15) / t }' "/proc/$1/stat"; }
# timed OUT CMD...: runs CMD, writes "wall cpu" (seconds) to OUT.
timed() { local out=$1; shift; /usr/bin/time -f '%e %U %S' -o "$out.t" "$@" >"$out.log" 2>&1 || { cat "$out.log" >&2; return 1; }; awk '{ print $1, $2 + $3 }' "$out.t" >"$out"; }
same() {
	cmp -s <("$work/normtag" stats --data "$1" --format json) <("$work/normtag" stats --data "$2" --format json) &&
		cmp -s <("$work/normtag" export --data "$1" --format jsonl | sort) <("$work/normtag" export --data "$2" --format jsonl | sort)
}

passages=$("$work/normtag" stats --data "$work/base" --format json | sed -n 's/.*"passages": *\([0-9]*\).*/\1/p' | head -1)
echo "== retag --all of $N generated documents ($passages passages, $changed with changed tags): local, --nats --tag-here, --nats with 2 workers (--workers 1), batches of $BATCH"
printf '%-4s %8s %9s %7s %8s %9s %9s %9s %9s %7s %7s %s\n' run local_s local_cpu here_s here_cpu remote_s coord_cpu work_cpu nats_cpu l/r h/r load
for r in $(seq "$REPEAT"); do
	rm -rf "$work/local" "$work/here" "$work/remote"
	cp -r "$work/base" "$work/local"
	cp -r "$work/base" "$work/here"
	cp -r "$work/base" "$work/remote"
	timed "$work/l" "$work/normtag" retag --all --data "$work/local" --rules "$work/rules.yaml"
	timed "$work/h" "$work/normtag" retag --all --data "$work/here" --rules "$work/rules.yaml" --nats "$url" --nats-prefix "here$r" --tag-here
	wpids=()
	for i in 1 2; do
		"$work/normtag" worker --nats "$url" --nats-prefix "retag$r" --workers 1 2>"$work/worker$r-$i.log" &
		wpids+=($!)
		pids+=($!)
	done
	sleep 1
	w0=$(for p in "${wpids[@]}"; do cpu "$p"; done | awk '{ s += $1 } END { print s }')
	n0=$(cpu "$natspid")
	timed "$work/r" "$work/normtag" retag --all --data "$work/remote" --rules "$work/rules.yaml" --nats "$url" --nats-prefix "retag$r" --batch-docs "$BATCH"
	w1=$(for p in "${wpids[@]}"; do cpu "$p"; done | awk '{ s += $1 } END { print s }')
	n1=$(cpu "$natspid")
	for p in "${wpids[@]}"; do kill "$p" 2>/dev/null || true; done
	read -r tl cl <"$work/l"
	read -r th ch <"$work/h"
	read -r tr cr <"$work/r"
	same "$work/local" "$work/remote" && same "$work/local" "$work/here" || { echo "run $r: the corpora differ after the retags" >&2; exit 1; }
	printf '%-4s %8.2f %9.2f %7.2f %8.2f %9.2f %9.2f %9.2f %9.2f %7.2f %7.2f %s\n' "$r" "$tl" "$cl" "$th" "$ch" "$tr" "$cr" \
		"$(echo "$w1 - $w0" | bc -l)" "$(echo "$n1 - $n0" | bc -l)" "$(echo "$tl / $tr" | bc -l)" "$(echo "$th / $tr" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
done
