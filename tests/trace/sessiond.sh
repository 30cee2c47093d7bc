#!/usr/bin/env bash
# sessiond.sh start|stop STATE_FILE - the tests' lttng-sessiond fixture.
# start: uses a session daemon that already answers, or starts one and
# records its pid in STATE_FILE; stop: stops only what start started, by pid.
set -euo pipefail
action=$1 state=$2

answers() { lttng --no-sessiond list >/dev/null 2>&1; }

case $action in
start)
  rm -f "$state"
  if answers; then
    echo "sessiond.sh: using the running session daemon"
    exit 0
  fi
  # The daemon writes its pid where its sockets live (root: /var/run/lttng).
  if [ "$(id -u)" = 0 ]; then rundir=/var/run/lttng; else rundir=$HOME/.lttng; fi
  lttng-sessiond --daemonize --no-kernel
  for _ in $(seq 100); do answers && break; sleep 0.1; done
  answers || { echo "sessiond.sh: lttng-sessiond does not answer" >&2; exit 1; }
  cp "$rundir/lttng-sessiond.pid" "$state"
  echo "sessiond.sh: started lttng-sessiond $(cat "$state")"
  ;;
stop)
  [ -s "$state" ] || exit 0
  pid=$(cat "$state")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$state"
  echo "sessiond.sh: stopped lttng-sessiond $pid"
  ;;
*) echo "usage: sessiond.sh start|stop STATE_FILE" >&2; exit 2 ;;
esac
