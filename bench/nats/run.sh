#!/usr/bin/env bash
# Distributed ingest overhead: one coordinator (`ingest --nats`) and two
# worker processes against a local ingest of the same files with the same
# parallelism (two extraction processes), on one machine, measured in the
# same run. Prints each run's wall time and the pages/s ratio
# remote/local (issue 17 asks for >= 0.85 on a 2-core machine).
#
# nats-server is built from the Go module normtag's tests embed (no
# network needed once the module cache has it).
#
# Environment: N=300 generated documents; REPEAT=3 runs of each side.
# Usage: bench/nats/run.sh
set -euo pipefail
[ -n "${TRACE:-}" ] && set -x
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
N=${N:-300}
REPEAT=${REPEAT:-3}

go build -o "$work/normtag" ./cmd/normtag
go build -o "$work/nats-server" github.com/nats-io/nats-server/v2
go build -o "$work/gen" ./bench/ingest/gen
"$work/gen" -n "$N" -out "$work/docs" >/dev/null

port=$((20000 + RANDOM % 20000))
"$work/nats-server" -js -a 127.0.0.1 -p "$port" -sd "$work/js" >"$work/nats.log" 2>&1 &
pids+=($!)
url="nats://127.0.0.1:$port"
sleep 1

secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>>"$work/errors.log" || [ $? = 1 ] || { cat "$work/errors.log" >&2; return 1; }; e=$(date +%s.%N); echo "$e - $s" | bc; }
pages() { "$work/normtag" stats --data "$1" --format json | sed -n 's/.*"pages": *\([0-9]*\).*/\1/p' | head -1; }

printf '%-4s %10s %10s %8s\n' run local_s remote_s ratio
for r in $(seq "$REPEAT"); do
	rm -rf "$work/local" "$work/remote"
	tl=$(secs "$work/normtag" ingest --quiet --workers 2 --data "$work/local" "$work/docs")
	# A fresh prefix per run: no result of an earlier run is reused.
	for i in 1 2; do
		"$work/normtag" worker --nats "$url" --nats-prefix "bench$r" --workers 1 2>"$work/worker$r-$i.log" &
		pids+=($!)
	done
	tr=$(secs "$work/normtag" ingest --quiet --data "$work/remote" --nats "$url" --nats-prefix "bench$r" "$work/docs")
	pl=$(pages "$work/local"); pr=$(pages "$work/remote")
	[ "$pl" = "$pr" ] || { echo "page counts differ: local $pl, remote $pr" >&2; exit 1; }
	# pages/s ratio remote/local = local time / remote time (same pages).
	printf '%-4s %10.2f %10.2f %8.2f\n' "$r" "$tl" "$tr" "$(echo "$tl / $tr" | bc -l)"
done
echo "pages per run: $pl; documents: $N; machine load: $(cut -d' ' -f1-3 /proc/loadavg)"
