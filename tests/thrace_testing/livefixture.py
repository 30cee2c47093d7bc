"""What the tests of live tracing share (tests/record, tests/daemon,
tests/browser): loopback ports for a relay daemon, a relay daemon of the
test's own, stopped by its pid, and a `thrace daemon` whose output is read
line by line.
"""
import json
import queue
import random
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.request


def free_live_port():
    """A free loopback live port whose control and data ports (the two
    below it, LTTng's 5342/5343/5344 layout) are free too."""
    while True:
        port = random.randrange(20002, 60000)
        try:
            for p in (port - 2, port - 1, port):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", p))
            return port
        except OSError:
            continue


def answers(port):
    """Whether something accepts connections on the loopback port."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def wait_for(predicate, timeout, what):
    """predicate()'s first true value, asked every 50 ms for timeout s."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def start_relayd(port, output, log=subprocess.DEVNULL):
    """An lttng-relayd on the loopback ports port-2, port-1, port, writing
    its trace copies under output (absolute); once it answers."""
    relayd = subprocess.Popen(["lttng-relayd", "-C", f"tcp://127.0.0.1:{port - 2}",
                               "-D", f"tcp://127.0.0.1:{port - 1}", "-L", f"tcp://127.0.0.1:{port}",
                               "-o", output], stdout=log, stderr=log)
    try:
        wait_for(lambda: answers(port) or relayd.poll() is not None, 10, "lttng-relayd")
        assert relayd.poll() is None, f"lttng-relayd ended ({relayd.returncode})"
    except AssertionError:
        stop(relayd)
        raise
    return relayd


def stop(proc):
    """Ends a process of the test's by its pid, as SIGTERM asks."""
    if proc.poll() is None:
        proc.terminate()
    proc.wait(timeout=30)


class Daemon:
    """`thrace daemon --db DB --port 0 --relayd URL OPTIONS...` and its
    output (stdout and stderr), line by line."""

    def __init__(self, thrace, db, relayd, *options):
        self.proc = subprocess.Popen(
            [thrace, "daemon", "--db", db, "--port", "0", "--relayd", relayd, *options],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.lines, self.fresh, self.ended = [], queue.Queue(), False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        ready = self.expect(r"storing live sessions of .* into [^;]*(?:; viewer on (http://\S+/))?")
        self.url = ready.group(1)
        started = [line for line in self.lines if "started lttng-relayd" in line]
        self.relayd_pid = int(re.search(r"pid (\d+)", started[0]).group(1)) if started else 0

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            self.fresh.put(line)
        self.ended = True
        self.fresh.put(None)

    def said(self):
        return "thrace daemon said:\n" + "\n".join(self.lines)

    def expect(self, pattern, timeout=30):
        """The match of the first line (said so far or from now on) that
        matches pattern."""
        end = time.monotonic() + timeout
        seen = 0
        while True:
            ended, said = self.ended, len(self.lines)  # ended first: then no line is missed
            for line in self.lines[seen:said]:
                found = re.search(pattern, line)
                if found:
                    return found
            seen = said
            left = end - time.monotonic()
            if left <= 0 or ended:
                raise AssertionError(f"no line matching {pattern!r}; " + self.said())
            try:
                self.fresh.get(timeout=min(left, 0.2))
            except queue.Empty:
                pass

    def api(self, path):
        """The viewer's JSON answer to path ("/api/trace")."""
        with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=10) as r:
            return json.load(r)

    def stop(self, sig=signal.SIGTERM):
        """Its exit status, after sig (SIGTERM: as Ctrl-C would)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        status = self.proc.wait(timeout=60)
        self.reader.join(timeout=10)  # it reads to the end of the output
        self.proc.stdout.close()
        return status
