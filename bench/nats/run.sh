#!/usr/bin/env bash
# Ingest on NATS workers, on one machine, in two parts.
#
# overhead: one coordinator (`ingest --nats`) and two worker processes
# against a local ingest of the same files with the same parallelism (two
# extraction processes), measured in the same run. Workers are services:
# a run's workers start before it and its clock starts once both wait for
# a queue, as they do when a batch job begins; their start-up CPU still
# counts in the distributed CPU. Printed: each run's wall time
# and the pages/s ratio remote/local (issue 17 asks for >= 0.85 on a
# 2-core machine), and the CPU time of each side (local: the ingest and
# its extraction children; distributed: coordinator, workers with their
# children, and nats-server) with their ratio; first over generated
# documents, then over each DIR with --ocr never on both sides.
#
# scale: the README's scaling model (go run ./bench/nats/scale -h says
# how): pages per worker-CPU-second of one worker process with
# --workers 1, wall pages/s with one and two workers, the coordinator's
# commit capacity (a coordinator run again over files whose results are
# all in the results bucket already, no worker running: it only hashes,
# downloads and commits) in documents/s and passages/s with its CPU time,
# the worker cores at which it saturates, and the bytes per page that
# travel through NATS. Sets: generated documents of typical size, large
# ones (JOIN generated text documents joined), and each DIR with
# --ocr auto and --ocr never.
#
# nats-server is built from the Go module normtag's tests embed (no
# network needed once the module cache has it).
#
# Usage: bench/nats/run.sh [DIR...]
#   DIR   folders of real documents for both parts (default:
#         ../shared/corpora/policy when it exists, and for the overhead
#         part also the benchmarks' real documents, bench/realset.sh)
# Environment: BASE=<git rev> also runs that revision's normtag in the
# overhead part, each of its runs right after this normtag's (before and
# after in the same sitting); N=300 generated documents; REPEAT=3 runs of each side of
# the overhead part and commit-only runs per set; JOIN=10 generated text
# documents per large document; OCR="auto never" (the --ocr modes of each
# DIR); PARTS="overhead scale" (the parts to run); BYTES=1 repeats the
# overhead part with the bytes through NATS (--shared-fs=false), as
# between machines, after the default, where the workers read this
# machine's files in place (BYTES=0: the default only). The default run took
# 4.5 minutes at load 19-21 on the 2-core VM, the overhead part 1.5 of
# them.
set -euo pipefail
[ -n "${TRACE:-}" ] && set -x
case "${1:-}" in -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
N=${N:-300}
REPEAT=${REPEAT:-3}
JOIN=${JOIN:-10}
OCR=${OCR:-auto never}
PARTS=${PARTS:-overhead scale}
BYTES=${BYTES:-1}
dirs=("$@")
odirs=("$@")
if [ ${#dirs[@]} = 0 ] && [ -d ../shared/corpora/policy ]; then
	dirs=(../shared/corpora/policy)
	# The overhead part also measures the benchmarks' real documents.
	odirs=(../shared/corpora/policy "$work/real")
fi
began=$(date +%s)

go build -o "$work/normtag" ./cmd/normtag
if [ -n "${BASE:-}" ]; then
	mkdir -p "$work/base-src"
	git archive "$BASE" | tar -x -C "$work/base-src"
	(cd "$work/base-src" && go build -o "$work/normtag-base" ./cmd/normtag)
fi
go build -o "$work/nats-server" github.com/nats-io/nats-server/v2
go build -o "$work/gen" ./bench/ingest/gen
go build -o "$work/scale" ./bench/nats/scale
if [[ " ${odirs[*]} " == *" $work/real "* ]]; then bash bench/realset.sh "$work/real" >/dev/null; fi

if [[ " $PARTS " == *" overhead "* ]]; then
	port=$((20000 + RANDOM % 20000))
	"$work/nats-server" -js -a 127.0.0.1 -p "$port" -sd "$work/js" >"$work/nats.log" 2>&1 &
	nats_pid=$!
	pids+=("$nats_pid")
	url="nats://127.0.0.1:$port"
	sleep 1

	# timed FILE CMD...: runs CMD, its output discarded, and writes its
	# wall and CPU seconds (its own and its children's) to FILE.
	timed() {
		local f=$1 s e c0 c1
		shift
		s=$(date +%s.%N)
		times >"$work/times"
		c0=$(children_cpu <"$work/times")
		"$@" >/dev/null 2>>"$work/errors.log" || [ $? = 1 ] || { cat "$work/errors.log" >&2; return 1; }
		times >"$work/times"
		c1=$(children_cpu <"$work/times")
		e=$(date +%s.%N)
		echo "$(echo "$e - $s" | bc) $(echo "$c1 - $c0" | bc)" >"$f"
	}
	# children_cpu: the CPU seconds of the shell's waited-for children in
	# the output of `times` (which must run in this shell, not a subshell).
	children_cpu() { tail -1 | awk '{ split($1 " " $2, t, /[ms]/); print t[1] * 60 + t[2] + t[3] * 60 + t[4] }'; }
	# cpu_of PID: CPU seconds of a running process (nats-server).
	cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; }
	pages() { "$work/normtag" stats --data "$1" --format json | sed -n 's/.*"pages": *\([0-9]*\).*/\1/p' | head -1; }
	runs=0
	# side BIN DOCS [FLAG...]: one local and one distributed ingest of DOCS
	# with normtag BIN, the workers stopped before the next run; prints
	# local wall, local CPU, distributed wall, distributed CPU (coordinator,
	# workers with their extraction children, and nats-server).
	side() {
		local bin=$1 docs=$2 w wpids tl cl tr cr cw s0 s1
		shift 2
		runs=$((runs + 1))
		rm -rf "$work/local" "$work/remote"
		timed "$work/t" "$bin" ingest --quiet --workers 2 "$@" --data "$work/local" "$docs"
		read -r tl cl <"$work/t"
		# A fresh prefix per run: no result of an earlier run is reused.
		wpids=()
		s0=$(cpu_of "$nats_pid")
		for w in 1 2; do
			(
				TIMEFORMAT='%U %S'
				time "$bin" worker --nats "$url" --nats-prefix "bench$runs" --workers 1 2>"$work/worker$runs-$w.log"
			) 2>"$work/worker$runs-$w.cpu" &
			wpids+=($!)
		done
		pids+=("${wpids[@]}")
		# Workers are long-running services: the run is timed once they
		# wait for a queue, as they would when a batch job starts (their
		# start-up CPU still counts in the distributed CPU below).
		for w in 1 2; do
			for _ in $(seq 100); do
				grep -q "waiting for a coordinator" "$work/worker$runs-$w.log" 2>/dev/null && break
				sleep 0.1
			done
		done
		# The built-in tagger is built in the background meanwhile.
		sleep 0.5
		timed "$work/t" "$bin" ingest --quiet "$@" "${rflags[@]}" --data "$work/remote" --nats "$url" --nats-prefix "bench$runs" "$docs"
		read -r tr cr <"$work/t"
		s1=$(cpu_of "$nats_pid")
		# The workers of a run stop with it: the next local run
		# measures on a machine without them.
		pkill -INT -P "$(echo "${wpids[@]}" | tr ' ' ,)" 2>/dev/null || true
		wait "${wpids[@]}" 2>/dev/null || true
		cw=$(cat "$work/worker$runs-1.cpu" "$work/worker$runs-2.cpu" | awk '{ c += $1 + $2 } END { print c + 0 }')
		local pl pr
		pl=$(pages "$work/local")
		pr=$(pages "$work/remote")
		[ "$pl" = "$pr" ] || { echo "page counts differ: local $pl, remote $pr" >&2; exit 1; }
		echo "$tl $cl $tr $(echo "$cr + $cw + $s1 - $s0" | bc)"
	}
	# overhead DOCS [FLAG...]: REPEAT runs of each side over DOCS, both
	# sides given the same flags; with BASE, that revision's runs follow
	# each of this normtag's.
	overhead() {
		local docs=$1 r tl cl tr cr line
		shift
		printf '%-4s %8s %8s %6s %7s %7s %6s' run local_s remote_s ratio l_cpu r_cpu cpu_x
		[ -n "${BASE:-}" ] && printf ' | %8s %8s %6s %6s' b_local b_remote b_ratio b_cpu_x
		printf ' %s\n' load
		for r in $(seq "$REPEAT"); do
			# Not in a subshell: side counts the runs.
			side "$work/normtag" "$docs" "$@" >"$work/side"
			read -r tl cl tr cr <"$work/side"
			# pages/s ratio remote/local = local time / remote time (same
			# pages); cpu_x: the distributed run's CPU over the local one's.
			line=$(printf '%-4s %8.2f %8.2f %6.2f %7.2f %7.2f %6.2f' "$r" "$tl" "$tr" "$(echo "$tl / $tr" | bc -l)" "$cl" "$cr" "$(echo "$cr / $cl" | bc -l)")
			if [ -n "${BASE:-}" ]; then
				side "$work/normtag-base" "$docs" "$@" >"$work/side"
				read -r tl cl tr cr <"$work/side"
				line+=$(printf ' | %8.2f %8.2f %6.2f %6.2f' "$tl" "$tr" "$(echo "$tl / $tr" | bc -l)" "$(echo "$cr / $cl" | bc -l)")
			fi
			echo "$line $(cut -d' ' -f1 /proc/loadavg)"
		done
		echo "pages per run: $(pages "$work/local"); machine load: $(cut -d' ' -f1-3 /proc/loadavg)"
	}

	# rflags: flags of the distributed ingest only. Workers on this
	# machine see the coordinator's files and read them in place; with
	# --shared-fs=false the bytes go through NATS as they must between
	# machines.
	rflags=()
	ways=("workers read the files in place (the default here)")
	[ "$BYTES" = 1 ] && ways+=("bytes through NATS (--shared-fs=false)")
	"$work/gen" -n "$N" -out "$work/docs" >/dev/null
	for way in "${ways[@]}"; do
		rflags=()
		[[ $way == bytes* ]] && rflags=(--shared-fs=false)
		echo "== overhead: coordinator + 2 workers (--workers 1) vs local ingest --workers 2, $N generated documents; $way"
		overhead "$work/docs"
		for dir in "${odirs[@]}"; do
			echo
			echo "== overhead: the same, $dir (--ocr never on both sides); $way"
			overhead "$dir" --ocr never
		done
		echo
	done
	kill "$nats_pid" 2>/dev/null || true
	wait "$nats_pid" 2>/dev/null || true
	echo
fi

if [[ " $PARTS " == *" scale "* ]]; then
	echo "== scale: per worker core, commit capacity, saturation"
	"$work/scale" -work "$work" -normtag "$work/normtag" -nats-server "$work/nats-server" -gen "$work/gen" \
		-n "$N" -join "$JOIN" -repeat "$REPEAT" -ocr "$(echo $OCR | tr ' ' ,)" "${dirs[@]}"
fi
echo "bench/nats/run.sh took $(($(date +%s) - began)) s"
