#!/usr/bin/env bash
# ingest_speed.sh [BUILD_DIR] - how fast `thrace ingest` stores a trace,
# beside the time babeltrace2 takes to read and print the same trace:
# records 5 rounds of 100000 traced lock cycles (a million events) with a
# blocking channel, then times, best of ROUNDS (3) alternating runs,
#   thrace ingest -o FRESH.db TRACE          (events/s, and its ratio)
#   babeltrace2 TRACE > /dev/null
# and finally what the intervals index costs (bench/interval_index.py).
set -euo pipefail
build=$(realpath "${1:-build}")
thrace=$build/bin/thrace
probe=$build/lib/libthrace-tp.so
bench=$build/bench/bench_cycle
cycles=${CYCLES:-100000}
rounds=${ROUNDS:-3}
work=$(mktemp -d)
state=$work/sessiond.state
here=$(dirname "$(realpath "$0")")
"$here/../tests/trace/sessiond.sh" start "$state" >/dev/null
trap '"$here/../tests/trace/sessiond.sh" stop "$state" >/dev/null; rm -rf "$work"' EXIT

lttng() { command lttng --no-sessiond "$@" >/dev/null; }

session="ingest-speed-$$"
trace=$work/trace
lttng create "$session" --output="$trace"
lttng enable-channel -u -s "$session" --blocking-timeout=inf chan
lttng enable-event -u -s "$session" -c chan 'thrace:*'
lttng add-context -u -s "$session" -c chan -t vtid -t vpid
lttng start "$session"
LD_PRELOAD="$probe" LTTNG_UST_ALLOW_BLOCKING=1 "$bench" thrace "$cycles" >/dev/null
lttng stop "$session"
lttng destroy "$session"

# seconds COMMAND...: the wall time of one run (its output discarded).
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? a : b }'; }

ingest_best=1e9 bt2_best=1e9
for _ in $(seq "$rounds"); do
  rm -f "$work"/speed.db*
  ingest_best=$(min "$ingest_best" "$(seconds "$thrace" ingest -o "$work/speed.db" "$trace")")
  bt2_best=$(min "$bt2_best" "$(seconds babeltrace2 "$trace")")
done
events=$(sqlite3 "$work/speed.db" "SELECT events FROM traces")
rows=$(sqlite3 "$work/speed.db" "SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM intervals)")

echo "== one trace of $events events, best of $rounds runs ($(nproc) CPUs)"
awk -v t="$ingest_best" -v b="$bt2_best" -v n="$events" -v r="$rows" 'BEGIN {
  printf "%-34s %7.2f s  %9.0f events/s  %5.2fx  (%d rows)\n", "thrace ingest", t, n / t, t / b, r
  printf "%-34s %7.2f s  %9.0f events/s  %5.2fx\n", "babeltrace2 TRACE > /dev/null", b, n / b, 1
}'
echo
/usr/bin/python3 "$here/interval_index.py" "$work/speed.db"
