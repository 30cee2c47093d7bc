#!/usr/bin/env bash
# Installs what is missing, builds thrace, records the guide's Lock example,
# shows its trace (the log lines, the contention per lock and thread), and
# serves its timeline on http://127.0.0.1:8080/ until Ctrl-C.
# PORT=N picks another port.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset default >/dev/null
cmake --build --preset default
db=build/threading_lock.db
rm -f "$db"
echo "== thrace record -- examples/threading_lock (the guide's Lock example, in C)"
build/bin/thrace record -o "$db" -- build/examples/threading_lock
echo "== thrace log --all $db"
build/bin/thrace log --all "$db"
echo "== thrace stats $db"
build/bin/thrace stats "$db"
echo "== thrace serve $db: open the address below in a browser"
exec build/bin/thrace serve --port "${PORT:-8080}" "$db"
