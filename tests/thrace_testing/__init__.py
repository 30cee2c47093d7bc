"""What the Python tests share, one module per kind of test:

  tracing      a program recorded under a real LTTng session, read back with
               python3-bt2 (tests/trace)
  recorder     recordings kept on disk for `thrace ingest` (tests/collector)
  recording    `thrace record` run as a user would (tests/record)
  livefixture  relay daemons and `thrace daemon` for live tracing
               (tests/record, tests/daemon, tests/browser, bench/live_speed.py)
  viewer       recordings and a real `thrace serve` (tests/viewer)
  chromium     headless Chromium over the DevTools protocol (tests/browser)
  page         `thrace serve` and the page opened on it in Chromium, with the
               page tests' helpers (tests/browser)
  interposed   pthread programs recorded with the pthread interposer
               preloaded, stored with `thrace ingest` (tests/rwlock,
               tests/browser)
  findings     a `thrace deadlocks` report read into its findings
               (tests/deadlock, tests/rwlock)
  hosts        a second host on this machine (its own namespaces, hostname
               and session daemon), and a database of two hosts
               (tests/query, tests/browser)
  losses       gaps written by hand into real recordings, as the daemon
               records them (tests/check, tests/deadlock, tests/viewer)

Imported as `thrace_testing.<module>` with tests/ on PYTHONPATH: ctest sets
it for every Python test (thrace_add_python_test in tests/CMakeLists.txt);
by hand, from the source tree: `PYTHONPATH=tests /usr/bin/python3
tests/<dir>/test_<name>.py ARGS...`.
"""
