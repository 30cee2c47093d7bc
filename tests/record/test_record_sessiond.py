"""`thrace record` uses the session daemon that answers, or starts one and
stops exactly that one afterwards, by pid; and what it records when no other
traced program can run meanwhile.

Every test runs `thrace record` with a private LTTNG_HOME, whose per-user
session daemon nothing else uses: as root (whose daemon is the machine's,
under /var/run/lttng, shared with the `lttng` fixture and whoever else
traces) it runs as the user nobody, otherwise as itself. So the "no daemon
answers" state is this test's own and needs no serial run; a user in the
`tracing` group talks to the machine's daemon instead, and the tests skip.

The private home lies directly under /tmp: the daemon's socket paths must
fit in 108 bytes, and it fails silently when they do not.

Usage: test_record_sessiond.py THRACE TARGET [unittest options]
"""
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

THRACE, TARGET = sys.argv[1:3]
del sys.argv[1:3]

SUMMARY = re.compile(r"thrace record: \d+ events?, \d+ threads?, [\d.]+ s, \d+ discarded")


def running(pid):
    """Whether pid is a live process (not gone, not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


class PrivateHome(unittest.TestCase):
    def setUp(self):
        self.creds = {}
        if os.geteuid() == 0:
            try:
                nobody = pwd.getpwnam("nobody")
            except KeyError:
                self.skipTest("no user nobody to run as")
            self.creds = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
        self.home = tempfile.mkdtemp(prefix="thrace-sd-", dir="/tmp")
        self.addCleanup(shutil.rmtree, self.home, ignore_errors=True)
        os.mkdir(os.path.join(self.home, "tmp"))
        if self.creds:
            for path in (self.home, os.path.join(self.home, "tmp")):
                os.chown(path, self.creds["user"], self.creds["group"])
        self.env = dict(os.environ, HOME=self.home, LTTNG_HOME=self.home,
                        TMPDIR=os.path.join(self.home, "tmp"))
        self.db = os.path.join(self.home, "trace.db")
        self.pid_file = os.path.join(self.home, ".lttng", "lttng-sessiond.pid")
        if self.answers():
            self.skipTest("a session daemon answers even with a private LTTNG_HOME")
        self.addCleanup(self.stop_any_daemon)

    def run_as(self, args, **kw):
        return subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=60,
                              **self.creds, **kw)

    def popen_as(self, args):
        return subprocess.Popen(args, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, **self.creds)

    def answers(self):
        return self.run_as(["lttng", "--no-sessiond", "list"]).returncode == 0

    def daemon_pid(self):
        with open(self.pid_file) as f:
            return int(f.read())

    def stop_any_daemon(self):
        """Cleanup after a failure: the private home's daemon, by its pid."""
        if os.path.exists(self.pid_file) and self.answers():
            os.kill(self.daemon_pid(), signal.SIGTERM)

    def test_starts_a_daemon_when_none_answers_and_stops_exactly_that_one(self):
        proc = self.popen_as([THRACE, "record", "-o", self.db, "--", TARGET, "sleep", "1"])
        self.assertEqual("ready\n", proc.stdout.readline())
        # The program runs: a daemon answers, and it is the one thrace record started.
        self.assertTrue(self.answers())
        pid = self.daemon_pid()
        self.assertTrue(running(pid))
        with open(f"/proc/{pid}/comm") as f:
            self.assertEqual("lttng-sessiond\n", f.read())
        out, err = proc.communicate(timeout=60)
        self.assertEqual(0, proc.returncode, err)
        self.assertRegex(err.splitlines()[-1], SUMMARY)
        self.assertFalse(running(pid))
        self.assertFalse(self.answers())

    def test_uses_the_daemon_that_answers_and_leaves_it_running(self):
        started = self.run_as(["lttng-sessiond", "--daemonize", "--no-kernel"])
        self.assertEqual(0, started.returncode, started.stderr)
        pid = self.daemon_pid()
        run = self.run_as([THRACE, "record", "-o", self.db, "--", TARGET, "exit", "3"])
        self.assertEqual(3, run.returncode, run.stderr)
        self.assertRegex(run.stderr.splitlines()[-1], SUMMARY)
        self.assertTrue(running(pid))
        self.assertTrue(self.answers())
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not running(pid):
                break
            time.sleep(0.1)
        self.assertFalse(running(pid))

    @unittest.skipUnless(os.path.exists("/sbin/ldconfig"), "no static program at hand")
    def test_a_program_that_does_not_load_the_probe_records_nothing(self):
        # ldconfig is linked statically: LD_PRELOAD cannot load the probe into it.
        run = self.run_as([THRACE, "record", "-o", self.db, "--", "/sbin/ldconfig", "--version"])
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertEqual("thrace record: /sbin/ldconfig: nothing was recorded: it is statically"
                         " linked, so the loader preloads nothing into it (rebuild it without"
                         " -static)\n", run.stderr)
        self.assertFalse(os.path.exists(self.db))
        self.assertEqual([], os.listdir(os.path.join(self.home, "tmp")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
