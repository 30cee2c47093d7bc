#!/usr/bin/env bash
# trace_overhead.sh [BUILD_DIR] - what tracing costs, side by side in one run:
# ns per cycle for raw pthreads, libthrace untraced, libthrace traced under an
# active session, and pthreads under LTTng's own pthread wrapper with its
# events enabled (both with 8 x 8 MiB sub-buffers, which lost no event here);
# then whether 1M traced cycles lose any event with a blocking channel of the
# default size.
set -euo pipefail
build=$(realpath "${1:-build}")
bench=$build/bench/bench_cycle
probe=$build/lib/libthrace-tp.so
wrapper=$(ls /usr/lib/*/liblttng-ust-pthread-wrapper.so.1 | head -1)
cycles=${CYCLES:-1000000}
work=$(mktemp -d)
state=$work/sessiond.state
here=$(dirname "$(realpath "$0")")
"$here/../tests/trace/sessiond.sh" start "$state" >/dev/null
trap '"$here/../tests/trace/sessiond.sh" stop "$state" >/dev/null; rm -rf "$work"' EXIT

lttng() { command lttng --no-sessiond "$@" >/dev/null; }
big="--subbuf-size=8M --num-subbuf=8"

# traced EVENTS CHANNEL_OPTS -- COMMAND...: runs COMMAND in a fresh session.
traced() {
  local events=$1 chan_opts=$2 session="bench-$$-$RANDOM"
  shift 3
  lttng create "$session" --output="$work/$session"
  # shellcheck disable=SC2086
  lttng enable-channel -u -s "$session" $chan_opts chan
  lttng enable-event -u -s "$session" -c chan "$events"
  lttng start "$session"
  "$@"
  lttng stop "$session"
  lttng destroy "$session"
  last_trace=$work/$session
}

row() { # name ns base
  awk -v n="$1" -v ns="$2" -v base="$3" 'BEGIN { printf "%-44s %9.1f ns  %6.2fx\n", n, ns, ns / base }'
}

echo "== uncontended acquire+release, second thread alive (best of 5 x $cycles)"
raw=$("$bench" pthread "$cycles")
row "pthread_mutex lock+unlock" "$raw" "$raw"
row "libthrace, untraced" "$("$bench" thrace "$cycles")" "$raw"
traced 'thrace:*' "$big" -- env LD_PRELOAD="$probe" "$bench" thrace "$cycles" > "$work/out"
row "libthrace, traced (thrace:*)" "$(cat "$work/out")" "$raw"
traced 'lttng_ust_pthread:*' "$big" -- env LD_PRELOAD="$wrapper" "$bench" pthread "$cycles" > "$work/out"
row "pthread + LTTng pthread wrapper, traced" "$(cat "$work/out")" "$raw"

for kind in handoff pingpong; do
  n=$((cycles / 10))
  echo "== contended: $kind between two threads ($n cycles each)"
  raw=$("$bench" "pthread-$kind" "$n")
  row "pthread" "$raw" "$raw"
  row "libthrace, untraced" "$("$bench" "thrace-$kind" "$n")" "$raw"
  traced 'thrace:*' "$big" -- env LD_PRELOAD="$probe" "$bench" "thrace-$kind" "$n" > "$work/out"
  row "libthrace, traced" "$(cat "$work/out")" "$raw"
  traced 'lttng_ust_pthread:*' "$big" -- env LD_PRELOAD="$wrapper" "$bench" "pthread-$kind" "$n" > "$work/out"
  row "pthread + LTTng pthread wrapper, traced" "$(cat "$work/out")" "$raw"
done

echo "== 1M traced cycles, blocking channel of the default size"
traced 'thrace:*' "--blocking-timeout=inf" -- \
  env LD_PRELOAD="$probe" LTTNG_UST_ALLOW_BLOCKING=1 "$bench" thrace 200000 > /dev/null
/usr/bin/python3 - "$last_trace" <<'PY'
import sys, bt2
events = discarded = 0
for msg in bt2.TraceCollectionMessageIterator(sys.argv[1]):
    if isinstance(msg, bt2._EventMessageConst):
        events += msg.event.name in ("thrace:acquire_end", "thrace:release")
    elif isinstance(msg, bt2._DiscardedEventsMessageConst):
        discarded += msg.count or 1
print(f"acquire+release events: {events} (expected {2 * 5 * 200000}), discarded: {discarded}")
PY
