"""Two hosts in one database: tests/deadlock's `abba_timeout` recorded once
as another host (thrace_testing/hosts.py: its own namespaces, hostname and
session daemon) and once here, both with `thrace record --append` into one
file. The same program twice: the same thread and lock names, the same
findings; only the host (and the pid) tells them apart, and every view
must say it: `thrace stats`, `thrace log`, `thrace deadlocks`, `thrace
check`, and
`thrace serve`'s /api/stats and /api/deadlocks.

Usage: test_hosts.py THRACE DEADLOCK_PROGRAMS [unittest options]
Run as root (unshare); a session daemon must answer here (the ctest
fixture `lttng` starts one).
"""
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import unittest

from thrace_testing import hosts
from thrace_testing.serving import Server

THRACE, DEADLOCK_PROGRAMS = sys.argv[1:3]
del sys.argv[1:3]


def thrace(*args):
    return subprocess.run([THRACE, *args], capture_output=True, text=True, timeout=120)


@unittest.skipUnless(*hosts.can_make_hosts())
class TwoHosts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.db = f"{cls.tmp.name}/hosts.db"
        cls.here = hosts.record_two_hosts(THRACE, cls.db, DEADLOCK_PROGRAMS, "abba_timeout")
        with sqlite3.connect(cls.db) as sql:
            # {host: pid} of the two runs, and {processes.id: host}.
            rows = sql.execute("SELECT p.id, p.pid, t.hostname FROM processes p"
                               " JOIN traces t ON t.id = p.trace_id").fetchall()
        cls.pids = {host: pid for _, pid, host in rows}
        cls.process_hosts = {process: host for process, _, host in rows}
        cls.server = Server(THRACE, cls.db)
        cls.addClassCleanup(cls.server.stop)

    def test_the_database_holds_one_process_of_each_host(self):
        self.assertEqual({hosts.OTHER_HOST, self.here}, set(self.pids))
        self.assertEqual(2, len(self.process_hosts))

    def test_stats_name_each_rows_process_and_host(self):
        out = thrace("stats", self.db)
        self.assertEqual(0, out.returncode, out.stderr)
        objects, threads = out.stdout.split("\n\n")[:2]
        self.assertTrue(objects.splitlines()[0].endswith("  process"), objects)
        for table in (objects, threads):
            rows = [line for line in table.splitlines()[1:]
                    if line.startswith(("Lock-", "Thread-1 "))]
            said = sorted(re.search(r"  (pid \d+ on \S+)$", row).group(1) for row in rows)
            expected = sorted(f"pid {pid} on {host}" for host, pid in self.pids.items()
                              for _ in range(len(rows) // 2))
            self.assertEqual(expected, said, table)

    def test_the_log_names_each_lines_host(self):
        out = thrace("log", "--all", self.db)
        self.assertEqual(0, out.returncode, out.stderr)
        prefixes = {re.match(r"\[(pid \d+ on \S+)\] \(", line).group(1)
                    for line in out.stdout.splitlines()}
        self.assertEqual({f"pid {pid} on {host}" for host, pid in self.pids.items()}, prefixes)

    def test_deadlocks_name_the_host_of_each_cycle(self):
        out = thrace("deadlocks", self.db)
        self.assertEqual(3, out.returncode, out.stderr)
        cycles = re.findall(r"^deadlock: .* \((pid \d+ on \S+), at [\d.]+ s\)$", out.stdout, re.M)
        self.assertEqual(sorted(f"pid {pid} on {host}" for host, pid in self.pids.items()),
                         sorted(cycles))

    def test_check_scopes_each_processs_checks_by_host(self):
        out = thrace("check", "--json", self.db)
        self.assertEqual(1, out.returncode, out.stderr)  # the deadlocks
        scopes = {re.match(r"(process \d+ \(.* on \S+\)): ", c["name"]).group(1)
                  for c in json.loads(out.stdout)["checks"]
                  if c["kind"] not in ("deadlocks", "leaks")}  # per trace, not per process
        self.assertEqual({f"process {pid} (deadlock_progra on {host})"
                          for host, pid in self.pids.items()}, scopes)

    def test_api_stats_rows_carry_process_pid_and_host(self):
        stats = self.server.ok("/api/stats")
        for row in stats["objects"] + stats["threads"]:
            host = self.process_hosts[row["process_id"]]
            self.assertEqual((self.pids[host], host), (row["pid"], row["hostname"]), row)
        locks = [(o["name"], o["hostname"]) for o in stats["objects"] if o["kind"] == "lock"]
        self.assertEqual(4, len(set(locks)), locks)  # two hosts' two locks, of the same names

    def test_api_deadlocks_names_the_processes_and_hosts(self):
        answer = self.server.ok("/api/deadlocks")
        self.assertEqual(2, answer["deadlocks"])
        self.assertEqual(thrace("deadlocks", self.db).stdout.replace(self.db, "the trace"),
                         answer["report"])
        self.assertEqual(sorted((pid, host) for host, pid in self.pids.items()),
                         sorted((p["pid"], p["hostname"]) for p in answer["processes"]))
        for p in answer["processes"]:
            self.assertEqual(self.process_hosts[p["id"]], p["hostname"])

    def test_a_hostile_hostname_is_printed_escaped_everywhere(self):
        """A trace's hostname is the traced machine's to choose: control
        characters in it (a newline, an escape sequence) are printed as C
        escapes by every command that names hosts, never raw."""
        db = f"{self.tmp.name}/hostile-host.db"
        with sqlite3.connect(self.db) as source, sqlite3.connect(db) as copy:
            source.backup(copy)
        with sqlite3.connect(db) as sql:
            sql.execute("UPDATE traces SET hostname = ? WHERE hostname = ?",
                        ("evil\x1b[2J\nhost", hosts.OTHER_HOST))
        shown = "pid %d on evil\\x1b[2J\\nhost" % self.pids[hosts.OTHER_HOST]
        for args, status in ((["stats"], 0), (["log", "--all"], 0), (["deadlocks"], 3)):
            out = thrace(*args, db)
            self.assertEqual(status, out.returncode, out.stderr)
            self.assertIn(shown, out.stdout, args)
            self.assertNotIn("\x1b", out.stdout, args)


if __name__ == "__main__":
    unittest.main(verbosity=2)
