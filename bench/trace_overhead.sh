#!/usr/bin/env bash
# trace_overhead.sh [BUILD_DIR [SECTION...]] - what tracing costs, side by
# side in one run. SECTIONs: uncontended, handoff, pingpong (default: all).
#
# Each configuration runs in a process of its own, and the configurations
# take turns, round after round (A B C ... A B C ...), so that a noisy
# neighbour on a shared machine disturbs them all alike. A process gives
# the best of REPEATS repeats (the least disturbed); a row gives the median
# and the best of its rounds, and each ratio is of medians (and of bests).
# The configurations, each running bench/bench_cycle's MODE:
#
#   pthread                     a plain pthread program
#   + interposer, untraced      the same, libthrace-pthread.so preloaded, no session
#   + interposer, traced        ... and the probe provider, thrace:* enabled
#   + LTTng wrapper, traced     the same program, liblttng-ust-pthread-wrapper
#                               preloaded, lttng_ust_pthread:* enabled
#   libthrace, untraced/traced  the same cycle written against thrace.h
#   LTTng alone (uncontended)   bench_events: LTTng writing the interposer's two
#                               events of a cycle with no lock and no thrace
#                               around them, the floor under its traced row
#
# A traced round has a session of its own (a unique name; 8 x 8 MiB
# sub-buffers and, for thrace's events, no context, as `thrace record` makes
# it: each event carries its process and thread; for the wrapper's, the
# vtid and vpid contexts, since its events carry neither) that
# tracks the benchmark's process alone, so that other sessions and programs
# on the machine do not mix in. Its trace is then read: bytes of event
# streams per cycle, events per cycle, and the events LTTng discarded,
# counted from the trace (babeltrace2's discarded-events messages). A round
# is sized to fit its buffers: a discard is shown, never hidden.
#
# ROUNDS (7), CYCLES (per repeat, untraced: 300000), TRACED_CYCLES (per
# repeat, traced: 30000), REPEATS (10) and CONTENDED_CYCLES (per process,
# each of two threads: 20000) tune it.
set -euo pipefail
build=$(realpath "${1:-build}")
shift || true # the rest name sections
bench=$build/bench/bench_cycle
floor=$build/bench/bench_events
probe=$build/lib/libthrace-tp.so
interposer=$build/lib/libthrace-pthread.so
wrapper=$(ls /usr/lib/*/liblttng-ust-pthread-wrapper.so.1 | head -1)
rounds=${ROUNDS:-7}
cycles=${CYCLES:-300000}
traced_cycles=${TRACED_CYCLES:-30000}
repeats=${REPEATS:-10}
contended_cycles=${CONTENDED_CYCLES:-20000}
work=$(mktemp -d)
here=$(dirname "$(realpath "$0")")
session=""
cleanup() {
  [ -z "$session" ] || command lttng --no-sessiond destroy "$session" >/dev/null 2>&1 || true
  for state in "$work"/sessiond.*; do
    [ ! -e "$state" ] || "$here/../tests/trace/sessiond.sh" stop "$state" >/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT

# daemon: a session daemon answers, the machine's or one started here (and
# stopped at exit). On a shared machine another user of the machine's
# daemon (a test fixture) may stop it in the middle of a run.
daemon() {
  "$here/../tests/trace/sessiond.sh" start "$(mktemp "$work/sessiond.XXXXXX")" >/dev/null
}
daemon

lttng() { command lttng --no-sessiond "$@" >/dev/null; }

# tracked COMMAND...: runs COMMAND as a process that $session tracks from
# its first instruction (stopped until its pid is tracked).
tracked() {
  local pid
  (kill -STOP "$BASHPID" && exec "$@") &
  pid=$!
  until [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = T ]; do sleep 0.01; done
  lttng track -u -s "$session" --vpid="$pid"
  kill -CONT "$pid"
  wait "$pid"
}

# trace_figures TRACE_DIR CYCLES: "bytes/cycle events/cycle discarded".
trace_figures() {
  local bytes
  bytes=$(find "$1" -path '*/64-bit/*' -type f ! -name metadata ! -path '*/index/*' \
    -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  /usr/bin/python3 - "$1" "$2" "$bytes" <<'PY'
import sys, bt2
trace, cycles, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
events = discarded = 0
for msg in bt2.TraceCollectionMessageIterator(trace):
    if type(msg) is bt2._EventMessageConst:
        events += 1
    elif type(msg) is bt2._DiscardedEventsMessageConst:
        discarded += msg.count if msg.count is not None else 1
print(f"{size / cycles:.1f} {events / cycles:.2f} {discarded}")
PY
}

# traced EVENTS PRELOAD CYCLES COMMAND...: COMMAND's output, and the trace's
# figures over CYCLES, from a session of its own.
traced() {
  local events=$1 preload=$2 n=$3 out
  shift 3
  session="bench-$$-$RANDOM$RANDOM"
  lttng create "$session" --output="$work/$session"
  lttng enable-channel -u -s "$session" --subbuf-size=8M --num-subbuf=8 chan
  lttng enable-event -u -s "$session" -c chan "$events"
  [ "$events" != 'lttng_ust_pthread:*' ] || lttng add-context -u -s "$session" -c chan -t vtid -t vpid
  lttng untrack -u -s "$session" --all --vpid
  lttng start "$session"
  # Registered before main, however slow the session daemon is to answer.
  out=$(tracked env LD_PRELOAD="$preload" LTTNG_UST_REGISTER_TIMEOUT=-1 "$@")
  lttng stop "$session"
  lttng destroy "$session"
  echo "$out $(trace_figures "$work/$session" "$n")"
  rm -rf "${work:?}/$session"
  session=""
}

# run KIND MODE N: one round of one configuration (KIND, as in kinds below)
# on bench_cycle's MODE, N cycles a repeat (or, contended, a thread), as
# "ns [bytes/cycle events/cycle discarded]".
run() {
  local kind=$1 mode=$2 n=$3 total
  local -a cmd=("$bench" "$mode" "$n")
  case $mode in
  pthread | thrace) cmd+=("$repeats") total=$((n * repeats)) ;;
  *) total=$((2 * n)) ;; # each of two threads
  esac
  case $kind in
  plain | thrace) "${cmd[@]}" ;;
  interposer) env LD_PRELOAD="$interposer" "${cmd[@]}" ;;
  interposer-traced) traced 'thrace:*' "$interposer:$probe" "$total" "${cmd[@]}" ;;
  wrapper-traced) traced 'lttng_ust_pthread:*' "$wrapper" "$total" "${cmd[@]}" ;;
  thrace-traced) traced 'thrace:*' "$probe" "$total" "${cmd[@]}" ;;
  floor) traced 'thrace:*' "$probe" "$total" "$floor" "$n" "$repeats" ;;
  esac
}

# attempt KIND MODE N: run's line; a round that failed (its session
# daemon gone) is run again, up to three times, with a daemon started anew.
attempt() {
  local out rc
  for _ in 1 2 3; do
    rc=0
    out=$(
      set -e
      run "$@"
    ) || rc=$?
    if [ "$rc" = 0 ]; then
      echo "$out"
      return 0
    fi
    echo "trace_overhead.sh: a round of $1 failed ($rc): again" >&2
    daemon
  done
  return 1
}

# section TITLE PTHREAD_MODE THRACE_MODE CYCLES TRACED_CYCLES [TARGET TARGET]:
# interleaved rounds of every configuration, then its table (its rows in a
# folder of its own: the floor is the uncontended section's alone).
section() {
  local title=$1 pmode=$2 tmode=$3 n=$4 tn=$5 r kind rows=$work/rows-$2
  local kinds=(plain interposer interposer-traced wrapper-traced thrace thrace-traced)
  [ "$pmode" != pthread ] || kinds+=(floor)
  echo "== $title: $rounds interleaved rounds"
  mkdir "$rows"
  for ((r = 1; r <= rounds; r++)); do
    for kind in "${kinds[@]}"; do
      case $kind in
      plain | interposer) attempt "$kind" "$pmode" "$n" ;;
      thrace) attempt "$kind" "$tmode" "$n" ;;
      thrace-traced) attempt "$kind" "$tmode" "$tn" ;;
      *) attempt "$kind" "$pmode" "$tn" ;;
      esac >>"$rows/$kind"
    done
  done
  summarise "$rows" "${6:-}" "${7:-}"
}

# summarise DIR [TARGET TARGET]: the table of a section from DIR/KIND, one
# line per round ("ns [bytes/cycle events/cycle discarded]"): each row's
# median and best, its median's ratio to pthread's, the trace's figures
# (medians; discards summed over the rounds); then the ratios the targets
# are about: interposer untraced / pthread, interposer traced / LTTng
# wrapper traced, and the floor under the second.
summarise() {
  /usr/bin/python3 - "$@" <<'PY'
import os, statistics, sys
work, targets = sys.argv[1], sys.argv[2:]
labels = {
    "plain": "pthread",
    "interposer": "pthread + interposer, untraced",
    "interposer-traced": "pthread + interposer, traced (thrace:*)",
    "wrapper-traced": "pthread + LTTng wrapper, traced",
    "thrace": "libthrace, untraced",
    "thrace-traced": "libthrace, traced (thrace:*)",
    "floor": "LTTng alone, the interposer's 2 events",
}
rows = {k: [list(map(float, line.split())) for line in open(f"{work}/{k}")]
        for k in labels if os.path.exists(f"{work}/{k}")}
med = {k: statistics.median(r[0] for r in v) for k, v in rows.items()}
best = {k: min(r[0] for r in v) for k, v in rows.items()}
print(f"{'configuration':40} {'median ns':>9} {'best ns':>8} {'/pthread':>8}"
      f" {'B/cycle':>7} {'ev/cycle':>8} {'discarded':>9}")
for k, v in rows.items():
    line = f"{labels[k]:40} {med[k]:9.1f} {best[k]:8.1f} {med[k] / med['plain']:7.2f}x"
    if len(v[0]) > 1:
        line += (f" {statistics.median(r[1] for r in v):7.1f}"
                 f" {statistics.median(r[2] for r in v):8.2f}"
                 f" {int(sum(r[3] for r in v)):9d}")
    print(line)
    if len(v[0]) > 1 and min(r[2] for r in v) < 1:
        print(f"  warning: a round of {labels[k]} wrote under one event per cycle: not traced?")
pairs = [("interposer", "plain", "interposer untraced / pthread"),
         ("interposer-traced", "wrapper-traced", "interposer traced / LTTng wrapper traced"),
         ("floor", "wrapper-traced", "LTTng alone / LTTng wrapper traced")]
for (a, b, text), target in zip(pairs, targets + ["", "", ""]):
    if a not in rows:
        continue
    line = f"  {text:40} {med[a] / med[b]:5.2f}x median, {best[a] / best[b]:5.2f}x best"
    if target:
        met = med[a] / med[b] <= float(target)
        line += f" (target <= {float(target):.2f}x: {'met' if met else 'MISSED'})"
    print(line)
PY
}

echo "thrace trace_overhead.sh, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs," \
  "load $(cut -d' ' -f1-3 /proc/loadavg)"
sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=(uncontended handoff pingpong)
for name in "${sections[@]}"; do
  case $name in
  uncontended)
    title="uncontended lock+unlock, second thread alive (per round: best of $repeats x $cycles"
    section "$title cycles; traced, of $repeats x $traced_cycles)" \
      pthread thrace "$cycles" "$traced_cycles" 1.1 0.7 ;;
  handoff)
    section "contended: two threads taking one lock in turn ($contended_cycles cycles each)" \
      pthread-handoff thrace-handoff "$contended_cycles" "$contended_cycles" ;;
  pingpong)
    section "contended: a token passed through a condition ($contended_cycles cycles each)" \
      pthread-pingpong thrace-pingpong "$contended_cycles" "$contended_cycles" ;;
  *)
    echo "trace_overhead.sh: $name: no such section (uncontended, handoff, pingpong)" >&2
    exit 2 ;;
  esac
done
