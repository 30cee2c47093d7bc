#!/usr/bin/env bash
# store_speed.sh [--sizes 1M,10M] [--runs N] [--ingest-runs N] [--cache DIR]
#                [--record-only] [BUILD_DIR...]
# What storing a trace and asking it questions cost, as the trace grows:
# the figures of issue 16, each beside its anchor.
#
# For each size (events; K and M suffixes; default 1M,10M) it records
# bench_mixed (4 threads: Lock, RLock, BoundedSemaphore, Condition, Event,
# Barrier, sleeps, log lines) by hand with lttng, into a blocking channel
# of 8 sub-buffers of 8 MiB, so that nothing is discarded, and keeps the CTF
# trace under the cache directory (default $TMPDIR/thrace-store-bench):
# a second run records nothing. Then, for each build directory (default
# build), each ingesting into a database of its own (their schemas may
# differ), medians of interleaved runs:
#   thrace ingest              beside babeltrace2 TRACE > /dev/null
#   database bytes             beside the CTF trace's bytes
#   thrace stats, thrace deadlocks, thrace log (without --all)
#   /api/stats, /api/deadlocks and the whole trace's /api/window at 1500
#   px over every lane, from `thrace serve` on a free port, with curl
# and, when more than one size ran, each figure's ratio between the largest
# and the smallest size (which, for a query, should be near 1).
#
# Give two build directories side by side for a before/after table:
#   bench/store_speed.sh --sizes 1M,10M build-old build
# bench_mixed and the probe come from the last build directory that has
# them; --record-only records the traces missing from the cache and stops.
# A benchmark, never a test: it prints figures, no pass or fail.
set -euo pipefail
here=$(dirname "$(realpath "$0")")
sizes=1M,10M
runs=3
ingest_runs=3
cache=${TMPDIR:-/tmp}/thrace-store-bench
record_only=
builds=()
usage() { sed -n '2,3p' "$0" | sed 's/^# //'; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --ingest-runs) ingest_runs=$2; shift 2 ;;
    --cache) cache=$2; shift 2 ;;
    --record-only) record_only=1; shift ;;
    -h|--help) usage ;;
    -*) echo "store_speed.sh: unknown option $1" >&2; usage ;;
    *) builds+=("$(realpath "$1")"); shift ;;
  esac
done
[ ${#builds[@]} -gt 0 ] || builds=("$(realpath build)")
for b in "${builds[@]}"; do
  [ -x "$b/bin/thrace" ] || { echo "store_speed.sh: $b/bin/thrace: not built" >&2; exit 1; }
done
recorder=
for b in "${builds[@]}"; do
  [ -x "$b/bench/bench_mixed" ] && [ -f "$b/lib/libthrace-tp.so" ] && recorder=$b
done
mkdir -p "$cache"
cache=$(realpath "$cache")

# events SIZE: 1M -> 1000000.
events() {
  case $1 in
    *[kK]) echo $((${1%[kK]} * 1000)) ;;
    *[mM]) echo $((${1%[mM]} * 1000000)) ;;
    *) echo "$1" ;;
  esac
}

state=$cache/sessiond.state
sessiond_started=
# record SIZE: the cached trace of bench_mixed at SIZE events, made if missing.
record() {
  local size=$1 trace=$cache/mixed-$1
  [ -f "$trace.done" ] && return 0
  if [ -z "$recorder" ]; then
    echo "store_speed.sh: no build directory has bench/bench_mixed to record $size" >&2
    exit 1
  fi
  if [ -z "$sessiond_started" ]; then
    "$here/../tests/trace/sessiond.sh" start "$state" >/dev/null
    sessiond_started=1
    trap '"$here/../tests/trace/sessiond.sh" stop "$state" >/dev/null' EXIT
  fi
  rm -rf "$trace"
  local session="store-speed-$$-$size"
  lttng() { command lttng --no-sessiond "$@" >/dev/null; }
  lttng create "$session" --output="$trace"
  lttng enable-channel -u -s "$session" --subbuf-size=8M --num-subbuf=8 \
    --blocking-timeout=inf chan
  lttng enable-event -u -s "$session" -c chan 'thrace:*'
  lttng start "$session"
  echo "recording bench_mixed $(events "$size") into $trace" >&2
  LD_PRELOAD="$recorder/lib/libthrace-tp.so" LTTNG_UST_ALLOW_BLOCKING=1 \
    "$recorder/bench/bench_mixed" "$(events "$size")" >/dev/null 2>&1
  lttng stop "$session"
  lttng destroy "$session"
  touch "$trace.done"
}

traces=()
IFS=, read -r -a size_list <<<"$sizes"
for size in "${size_list[@]}"; do
  record "$size"
  traces+=("$size=$cache/mixed-$size")
done
[ -z "$record_only" ] || exit 0

/usr/bin/python3 - "$runs" "$ingest_runs" "$cache" "${#builds[@]}" "${builds[@]}" \
  "${traces[@]}" <<'PYTHON'
import json, os, socket, statistics, subprocess, sys, time, urllib.request

runs, ingest_runs, cache = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
nbuilds = int(sys.argv[4])
builds = sys.argv[5:5 + nbuilds]
traces = [a.split("=", 1) for a in sys.argv[5 + nbuilds:]]

def label(path, parts):
    """The last `parts` components of path, at most 22 characters."""
    text = "/".join(path.rstrip("/").split("/")[-parts:])
    return text if len(text) <= 22 else "..." + text[-19:]

# Each build's column is named by the fewest trailing components that tell it apart.
for parts in range(1, 8):
    labels = [label(b, parts) for b in builds]
    if len(set(labels)) == len(labels):
        break

def seconds(argv, ok=(0,)):
    start = time.perf_counter()
    r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if r.returncode not in ok:
        sys.exit("store_speed.sh: %s: exit %d: %s" % (" ".join(argv), r.returncode,
                                                     r.stderr.decode().strip()))
    return took

def tree_bytes(path):
    return sum(os.path.getsize(os.path.join(d, f))
               for d, _, files in os.walk(path) for f in files)

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def serve(thrace, db):
    port = free_port()
    proc = subprocess.Popen([thrace, "serve", db, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d" % port
    for _ in range(600):
        try:
            with urllib.request.urlopen(base + "/api/trace") as r:
                return proc, base, json.load(r)
        except OSError:
            if proc.poll() is not None:
                sys.exit("store_speed.sh: thrace serve %s exited" % db)
            time.sleep(0.1)
    proc.kill()
    sys.exit("store_speed.sh: thrace serve %s did not answer" % db)

def curl(url):
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w",
                          "%{http_code} %{time_total} %{size_download}", url],
                         check=True, capture_output=True, text=True).stdout.split()
    if out[0] != "200":
        sys.exit("store_speed.sh: %s: HTTP %s" % (url, out[0]))
    return float(out[1]), int(out[2])

def window_path(trace):
    threads = ",".join(str(t["id"]) for t in trace["threads"][:64])
    objects = ",".join(str(o["id"]) for o in trace["objects"][:64])
    path = "/api/window?t0=%d&t1=%d&px=1500" % (trace["begin_ns"], trace["end_ns"])
    if threads:
        path += "&threads=" + threads
    if objects:
        path += "&objects=" + objects
    lanes = len(trace["threads"][:64]) + len(trace["objects"][:64])
    return path, lanes

def measure(size, trace):
    """{figure: [value per build]}, anchors, and notes for one trace."""
    dbs = [os.path.join(cache, "store-%s-%d.db" % (size, i)) for i in range(nbuilds)]
    thraces = [os.path.join(b, "bin", "thrace") for b in builds]
    ingest = [[] for _ in builds]
    bt2 = []
    for r in range(ingest_runs):
        for i in range(nbuilds):
            for suffix in ("", "-wal", "-shm", "-journal"):
                if os.path.exists(dbs[i] + suffix):
                    os.remove(dbs[i] + suffix)
            ingest[i].append(seconds([thraces[i], "ingest", "-o", dbs[i], trace]))
        bt2.append(seconds(["babeltrace2", trace]))
    queries = {"thrace stats": (["stats"], (0,)),
               "thrace deadlocks": (["deadlocks"], (0, 3)),
               "thrace log": (["log"], (0,))}
    got = {name: [[] for _ in builds] for name in queries}
    for r in range(runs):
        for name, (args, ok) in queries.items():
            for i in range(nbuilds):
                got[name][i].append(seconds([thraces[i], args[0], dbs[i]] + args[1:], ok))
    servers = [serve(thraces[i], dbs[i]) for i in range(nbuilds)]
    try:
        meta = servers[0][2]
        wpath, lanes = window_path(meta)
        apis = {"/api/stats": "/api/stats", "/api/deadlocks": "/api/deadlocks",
                "/api/window (1500 px)": wpath}
        api = {name: [[] for _ in builds] for name in apis}
        api_bytes = {name: [0] * nbuilds for name in apis}
        for r in range(runs):
            for name, path in apis.items():
                for i in range(nbuilds):
                    t, n = curl(servers[i][1] + path)
                    api[name][i].append(t)
                    api_bytes[name][i] = n
    finally:
        for proc, _, _ in servers:
            proc.terminate()
            proc.wait()
    ctf = tree_bytes(trace)
    rows = {}
    rows["thrace ingest"] = ([statistics.median(x) for x in ingest],
                             statistics.median(bt2), "babeltrace2 TRACE > /dev/null")
    rows["database bytes"] = ([os.path.getsize(db) for db in dbs], ctf, "CTF bytes")
    for name in queries:
        rows[name] = ([statistics.median(x) for x in got[name]], None, "")
    for name in apis:
        rows[name] = ([statistics.median(x) for x in api[name]], None, "")
    notes = {"load": os.getloadavg()[0], "events": meta["events"], "discarded": meta["discarded"], "lanes": lanes,
             "window bytes": api_bytes["/api/window (1500 px)"]}
    return rows, notes

def show(name, value):
    if name == "database bytes":
        return "%.1f MB" % (value / 1e6)
    return "%.3f s" % value if value >= 1 else "%.1f ms" % (value * 1e3)

def table(size, rows, notes):
    print("== %s: %d events, %d discarded; window: %d lanes, %s bytes answered; "
          "load average %.2f (%d CPUs)"
          % (size, notes["events"], notes["discarded"], notes["lanes"],
             " / ".join(str(n) for n in notes["window bytes"]), notes["load"], os.cpu_count()))
    head = "%-24s %-40s" % ("figure", "anchor") + "".join("%24s" % l for l in labels)
    print(head)
    for name, (values, anchor, what) in rows.items():
        a = "%s %s" % (what, show(name, anchor)) if anchor is not None else ""
        cells = ""
        for v in values:
            cell = show(name, v)
            if anchor:
                cell += " %5.2fx" % (v / anchor)
            cells += "%24s" % cell
        print("%-24s %-40s%s" % (name, a, cells))
    print(flush=True)

results = []
for size, trace in traces:
    rows, notes = measure(size, trace)
    table(size, rows, notes)
    results.append((size, rows, notes))
if len(results) > 1:
    (small, srows, snotes), (big, brows, bnotes) = results[0], results[-1]
    print("== %s / %s: each figure's ratio (events %.2fx)"
          % (big, small, bnotes["events"] / snotes["events"]))
    print("%-24s %-40s" % ("figure", "anchor's ratio") + "".join("%24s" % l for l in labels))
    for name, (values, anchor, what) in brows.items():
        svalues, sanchor, _ = srows[name]
        a = "%.2fx" % (anchor / sanchor) if anchor else ""
        print("%-24s %-40s" % (name, a) +
              "".join("%23.2fx" % (v / s) for v, s in zip(values, svalues)))
PYTHON
