#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test: the normal build
# (all labels), then the unit and stress tests under ThreadSanitizer and
# under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

for preset in default tsan asan; do
  echo "== $preset build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "== $preset tests"
  ctest --preset "$preset"
done
echo "thrace: every test passed"
