#!/usr/bin/env bash
# Checks that every C source of the tree is formatted as .clang-format says:
# exit 1, naming the files that are not; with --fix, formats them in place.
# Uses Debian 12's clang-format 14 (scripts/deps.sh installs it): another
# version may lay some lines out differently.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.c' '*.h' '*.cpp')
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
report=$(mktemp)
trap 'rm -f "$report"' EXIT
if ! clang-format --dry-run --Werror "${files[@]}" 2>"$report"; then
  grep -o '^[^:]*\.\(c\|h\|cpp\)' "$report" | sort -u | sed 's/^/not formatted: /'
  echo "check_format: run scripts/check_format.sh --fix (or git clang-format on your change)"
  exit 1
fi
echo "check_format: ${#files[@]} C files, every one formatted"
