#!/usr/bin/env bash
# Installs the Debian packages thrace needs that are missing (run as root).
# Idempotent: does nothing, not even `apt-get update`, when all are present.
set -euo pipefail

packages=(
  gcc g++ make cmake pkg-config libc6-dev   # toolchain (g++ only for the C++ header check)
  clang-format                               # scripts/check_format.sh
  libasan8 libubsan1 libtsan2                # sanitizer runtimes
  liblttng-ust-dev lttng-tools               # tracepoints, the session daemon and `lttng`
  liblttng-ctl-dev                           # `thrace record` drives LTTng sessions
  libbabeltrace2-dev libsqlite3-dev sqlite3  # `thrace ingest`: CTF in, SQLite out
  libdw-dev                                  # call sites and data symbols from ELF and DWARF
  babeltrace2 python3 python3-bt2            # reading CTF traces (trace tests, benchmarks)
  libmicrohttpd-dev libjansson-dev           # `thrace serve`: HTTP and JSON
  chromium                                   # the viewer's page tests, headless
  pigz xz-utils                              # real multi-threaded programs, traced by the tests
  valgrind                                   # helgrind and DRD over thrace programs (tests/detectors), helgrind.h
  scdoc man-db                               # the man pages (docs/man/), and man -w in tests/package
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "thrace: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
