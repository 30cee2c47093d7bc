#!/usr/bin/env python3
"""live_speed.py [BUILD_DIR] - how fast `thrace daemon` stores a live
session, beside babeltrace2 reading the same kind of session to /dev/null.
Run from the source tree as `PYTHONPATH=tests python3 bench/live_speed.py
build`: it uses the tests' thrace_testing.livefixture.

Each round traces CYCLES (250000) lock cycles of bench_cycle live with a
blocking channel (nothing lost: the program waits for the readers), once
followed by `thrace daemon` and once by `babeltrace2 -i lttng-live`, both
reading from one lttng-relayd of this script's on free loopback ports.
Times, best of ROUNDS (3): from `thrace record --live` starting to the
reader having everything (the daemon's "session ended", babeltrace2's
exit). The program runs as fast as the slower of it and its reader.
"""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in tests/
try:
    from thrace_testing.livefixture import Daemon, free_live_port, start_relayd, stop
except ModuleNotFoundError:
    sys.exit("live_speed.py: run with PYTHONPATH=tests (the tests' thrace_testing package)")

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
THRACE = os.path.join(BUILD, "tracer", "thrace")
BENCH = os.path.join(BUILD, "bench", "bench_cycle")
CYCLES = int(os.environ.get("CYCLES", "250000"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
WAITING = re.compile(r"waiting for a live reader of (net://\S+)")


def record(relayd):
    return subprocess.Popen([THRACE, "record", "--live", "--blocking", "--relayd", relayd, "--",
                             BENCH, "thrace", str(CYCLES)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def with_daemon(relayd, db):
    daemon = Daemon(THRACE, db, relayd, "--no-viewer")
    try:
        began = time.monotonic()
        rec = record(relayd)
        rec.communicate(timeout=600)
        daemon.expect(r"session ended", timeout=600)
        took = time.monotonic() - began
    finally:
        daemon.stop()
    events = sqlite3.connect(db).execute("SELECT events FROM traces ORDER BY id DESC").fetchone()
    return took, events[0]


def with_babeltrace2(relayd):
    began = time.monotonic()
    rec = record(relayd)
    url = None
    while not url:
        line = rec.stderr.readline()
        assert line, "thrace record said nothing of its session"
        found = WAITING.search(line)
        url = found and found.group(1)
    reader = subprocess.Popen(["babeltrace2", "-i", "lttng-live", url],
                              stdout=subprocess.DEVNULL)
    rec.communicate(timeout=600)
    reader.wait(timeout=600)
    return time.monotonic() - began


def main():
    work = tempfile.TemporaryDirectory()
    state = os.path.join(work.name, "sessiond.state")
    sessiond = os.path.join(HERE, "..", "tests", "trace", "sessiond.sh")
    subprocess.run([sessiond, "start", state], check=True, stdout=subprocess.DEVNULL)
    port = free_live_port()
    relayd = start_relayd(port, os.path.join(work.name, "relayd"))
    url = f"net://127.0.0.1:{port}"
    try:
        daemon_best = bt2_best = float("inf")
        for n in range(ROUNDS):
            took, events = with_daemon(url, os.path.join(work.name, f"live{n}.db"))
            daemon_best = min(daemon_best, took)
            bt2_best = min(bt2_best, with_babeltrace2(url))
    finally:
        stop(relayd)
        subprocess.run([sessiond, "stop", state], stdout=subprocess.DEVNULL)
    print(f"== a live session of {events} events, best of {ROUNDS} runs ({os.cpu_count()} CPUs)")
    print(f"{'thrace daemon (stored)':34} {daemon_best:7.2f} s  {events / daemon_best:9.0f} "
          f"events/s  {daemon_best / bt2_best:5.2f}x")
    print(f"{'babeltrace2 -i lttng-live > null':34} {bt2_best:7.2f} s  {events / bt2_best:9.0f} "
          f"events/s  {1:5.2f}x")


if __name__ == "__main__":
    main()
