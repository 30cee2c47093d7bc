#!/usr/bin/env bash
# Installs what is missing, checks the sources' format, then builds and runs
# every test: the normal build (all labels), then the unit and stress tests
# under ThreadSanitizer and under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

echo "== format"
scripts/check_format.sh

for preset in default tsan asan; do
  echo "== $preset build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "== $preset tests"
  ctest --preset "$preset"
done
echo "thrace: every test passed"
