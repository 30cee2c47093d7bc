#!/usr/bin/env bash
# Installs what is missing, builds thrace, and runs the guide's Lock example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset default >/dev/null
cmake --build --preset default
echo "== examples/threading_lock (the guide's Lock example, in C)"
./build/examples/threading_lock
